"""The method tool's pages: the checklist and meetings (staff), the quality survey (both sides)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from kick_forms import audit, htmx
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.dialogue import checklist, meetings, quality
from kick_forms.dialogue.forms import MeetingForm, QualityForm
from kick_forms.extensions import db, limiter, public_write_limit
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation, Region, Role
from kick_forms.timeutil import utcnow

bp = Blueprint("dialogue", __name__)

STAFF_RULE = "/admin/r/<region_slug>/c/<int:consultation_id>/method"


def _staff_consultation(region_slug: str, consultation_id: int, at_least: Role = Role.VIEWER):  # type: ignore[no-untyped-def]
    region = staff_region(region_slug, at_least)
    return region, region_consultation(region, consultation_id)


def _method_page(
    region: Region,
    consultation: Consultation,
    status: int = 200,
    meeting_form: MeetingForm | None = None,
    focus: str | None = None,
):  # type: ignore[no-untyped-def]
    return htmx.render(
        "dialogue/method.html",
        "dialogue/_checklist.html",
        status=status,
        region=region,
        consultation=consultation,
        phases=checklist.PHASES,
        ticks=checklist.ticks(consultation),
        evidence=checklist.evidence(consultation),
        progress=checklist.progress_of([consultation.id])[consultation.id],
        meetings=meetings.meetings_of(consultation),
        meeting_form=meeting_form or MeetingForm(formdata=None),
        action_form=ActionForm(),
        can_edit=current_user.can_edit(region),
        focus=focus,
        survey_open=quality.is_open(consultation, utcnow()),
        staff_answered=quality.answered_by_staff(consultation, current_user),
        results=quality.results(consultation),
        comments=quality.comments(consultation),
        min_n=quality.min_n(),
        questions=quality.QUESTIONS,
    )


@bp.route(STAFF_RULE)
@login_required
def method_page(region_slug: str, consultation_id: int):
    region, consultation = _staff_consultation(region_slug, consultation_id)
    return _method_page(region, consultation)


@bp.route(f"{STAFF_RULE}/items/<item_key>", methods=["POST"])
@login_required
def tick(region_slug: str, consultation_id: int, item_key: str):
    """Tick or untick one item; htmx swaps the checklist and keeps the focus on the item."""
    region, consultation = _staff_consultation(region_slug, consultation_id, Role.EDITOR)
    if item_key not in checklist.ITEMS:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    checklist.set_done(consultation, item_key, request.form.get("done") == "1", current_user,
                       utcnow())  # fmt: skip
    db.session.commit()
    if htmx.htmx_request().wants_fragment:
        return _method_page(region, consultation, focus=item_key)
    return redirect(_page_url(consultation, f"item-{item_key}"), code=303)


def _page_url(consultation: Consultation, anchor: str | None = None) -> str:
    return url_for(".method_page", region_slug=consultation.region.slug,
                   consultation_id=consultation.id, _anchor=anchor)  # fmt: skip


@bp.route(f"{STAFF_RULE}/meetings", methods=["POST"])
@login_required
def meeting_add(region_slug: str, consultation_id: int):
    region, consultation = _staff_consultation(region_slug, consultation_id, Role.EDITOR)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            minutes = meetings.read_minutes(form.minutes.data)
        except meetings.MeetingError as error:
            form.minutes.errors = [error.message]
        else:
            data = meetings.MeetingData(
                form.held_on.data,
                form.place.data or "",
                form.participants.data,
                form.summary.data or "",
            )
            meetings.add_meeting(consultation, data, minutes, utcnow())
            db.session.commit()
            flash(_("The meeting is recorded."), "success")
            return redirect(_page_url(consultation, "meetings"), code=303)
    return _method_page(region, consultation, status=422, meeting_form=form)


@bp.route(f"{STAFF_RULE}/meetings/<int:meeting_id>/minutes")
@login_required
def meeting_minutes(region_slug: str, consultation_id: int, meeting_id: int):
    _region, consultation = _staff_consultation(region_slug, consultation_id)
    meeting = meetings.meeting_of(consultation, meeting_id)
    if meeting is None or meeting.minutes is None:
        abort(404)
    return send_file(
        io.BytesIO(meeting.minutes),
        mimetype=meeting.minutes_type,
        as_attachment=True,
        download_name=meeting.minutes_filename,
        max_age=0,
    )


@bp.route(f"{STAFF_RULE}/meetings/<int:meeting_id>/delete", methods=["POST"])
@login_required
def meeting_delete(region_slug: str, consultation_id: int, meeting_id: int):
    region, consultation = _staff_consultation(region_slug, consultation_id, Role.EDITOR)
    meeting = meetings.meeting_of(consultation, meeting_id)
    if meeting is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.delete(meeting)
    audit.record(
        "meeting.delete", f"consultation:{consultation.id}", region, f"meeting={meeting_id}"
    )
    db.session.commit()
    flash(_("The meeting is removed."), "success")
    return redirect(_page_url(consultation, "meetings"), code=303)


# The survey on the dialogue's quality -----------------------------------------------------------


def _scores(form: QualityForm) -> dict[str, int]:
    return {question.key: int(form[f"q_{question.key}"].data) for question in quality.QUESTIONS}


@bp.route(f"{STAFF_RULE}/quality", methods=["GET", "POST"])
@login_required
def staff_survey(region_slug: str, consultation_id: int):
    """The region's staff who worked on the consultation judge the dialogue too."""
    region, consultation = _staff_consultation(region_slug, consultation_id, Role.EDITOR)
    form = QualityForm()
    answered = quality.answered_by_staff(consultation, current_user)
    now = utcnow()
    if not answered and form.validate_on_submit():
        try:
            quality.submit(consultation, _scores(form), form.comment.data or "", now,
                           user=current_user)  # fmt: skip
        except quality.SurveyError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Thank you: your answer is saved."), "success")
        return redirect(_page_url(consultation, "quality"), code=303)
    return render_template(
        "dialogue/survey.html",
        consultation=consultation,
        region=region,
        form=form,
        answered=answered,
        survey_open=quality.is_open(consultation, now),
        staff=True,
    ), (422 if form.is_submitted() and not answered else 200)


@bp.route("/kvalitet/<token>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def organisation_survey(token: str):
    """An organisation that answered judges the dialogue, from the link in its mail."""
    response = quality.response_for(token)
    if response is None:
        abort(404)
    consultation = response.consultation
    form = QualityForm()
    now = utcnow()
    answered = quality.answered_by_organisation(response)
    saved = False
    if not answered and form.validate_on_submit():
        try:
            quality.submit(consultation, _scores(form), form.comment.data or "", now,
                           response=response)  # fmt: skip
        except quality.SurveyError as error:
            db.session.rollback()
            form.comment.errors = list(form.comment.errors) + [error.message]
        else:
            db.session.commit()
            answered = saved = True
    status = 422 if form.is_submitted() and not answered else 200
    return render_template(
        "dialogue/survey.html",
        consultation=consultation,
        region=consultation.region,
        form=form,
        answered=answered,
        saved=saved,
        survey_open=quality.is_open(consultation, now),
        organisation=response.organisation_name,
        staff=False,
    ), status
