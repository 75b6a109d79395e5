"""Staff pages where a region writes and publishes its feedback on the input."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Optional

from kick_forms import htmx
from kick_forms.board import feedback
from kick_forms.consultations import bp
from kick_forms.consultations.permissions import (
    consultation_question,
    consultation_section,
    region_consultation,
    staff_region,
)
from kick_forms.extensions import db
from kick_forms.forms import ActionForm, length_limit
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.i18n import ngettext
from kick_forms.models import Role
from kick_forms.models.outcome import EXPLANATION_MAX, URL_MAX
from kick_forms.timeutil import utcnow
from kick_forms.urls import public_url_for


class OutcomeForm(FlaskForm):
    status = RadioField(
        _l("What did the region do with the input?"),
        choices=[SelectChoice(key.value, label) for key, label in feedback.OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Choose what the region did."))],
    )
    explanation = TextAreaField(
        _l("Explanation"),
        description=_l("What you did and why, in plain words for the organisations."),
        validators=[
            InputRequired(_l("Explain what you did and why.")),
            length_limit(EXPLANATION_MAX),
        ],
        render_kw={"rows": 4},
    )
    plan_url = URLField(
        _l("Link to the adopted plan (optional)"),
        validators=[
            Optional(),
            URL(message=_l("Enter a web address starting with https://.")),
            length_limit(URL_MAX),
        ],
    )


def _target(region_slug: str, consultation_id: int, section_id: int, question_id: int | None, role):  # type: ignore[no-untyped-def]
    region = staff_region(region_slug, role)
    consultation = region_consultation(region, consultation_id)
    section = consultation_section(consultation, section_id)
    question = consultation_question(consultation, question_id) if question_id else None
    if question is not None and question.section_id != section.id:
        abort(404)
    return region, consultation, section, question


def _form_for(section, question, outcome):  # type: ignore[no-untyped-def]
    prefix = f"q{question.id}" if question else f"s{section.id}"
    return OutcomeForm(prefix=prefix, obj=outcome if request.method == "GET" else None)


def _context(region, consultation, **extra):  # type: ignore[no-untyped-def]
    outcomes = feedback.outcomes_of(consultation)
    forms = {}
    for section in consultation.sections:
        forms[(section.id, None)] = _form_for(section, None, outcomes.get((section.id, None)))
        for question in section.questions:
            forms[(section.id, question.id)] = _form_for(
                section, question, outcomes.get((section.id, question.id))
            )
    return {
        "region": region,
        "consultation": consultation,
        "outcomes": outcomes,
        "forms": forms,
        "labels": feedback.OUTCOME_LABELS,
        "can_edit": current_user.can_edit(region),
        **extra,
    }


@bp.route("/r/<region_slug>/c/<int:consultation_id>/feedback")
def feedback_page(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    return htmx.render("board/feedback.html", **_context(region, consultation))


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/feedback/<int:section_id>",
    methods=["POST"],
    defaults={"question_id": None},
)
@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/feedback/<int:section_id>/<int:question_id>",
    methods=["POST"],
)
def feedback_save(region_slug: str, consultation_id: int, section_id: int, question_id: int | None):
    region, consultation, section, question = _target(
        region_slug, consultation_id, section_id, question_id, Role.EDITOR
    )
    form = _form_for(section, question, None)
    key = (section.id, question.id if question else None)
    if form.validate_on_submit():
        feedback.save_outcome(
            consultation,
            section,
            question,
            feedback.OutcomeData.from_form(form),
        )
        db.session.commit()
        if not htmx.htmx_request().is_htmx:
            flash(_("The feedback was saved."), "success")
            anchor = f"outcome-{form._prefix.rstrip('-')}"
            return redirect(
                url_for(
                    ".feedback_page",
                    region_slug=region.slug,
                    consultation_id=consultation.id,
                    _anchor=anchor,
                ),
                code=303,
            )
        context = _context(region, consultation, target=key, saved=True)
        return htmx.render("board/feedback.html", "board/_outcome_form.html", **context)
    context = _context(region, consultation, target=key)
    context["forms"][key] = form
    return htmx.render("board/feedback.html", "board/_outcome_form.html", status=422, **context)


@bp.route("/r/<region_slug>/c/<int:consultation_id>/feedback/publish", methods=["POST"])
def feedback_publish(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    board_url = public_url_for(
        "board.board_page", region_slug=region.slug, consultation_slug=consultation.slug
    )
    try:
        sent = feedback.publish_feedback(consultation, utcnow(), board_url)
    except feedback.FeedbackError as error:
        db.session.rollback()
        return htmx.render(
            "board/feedback.html",
            status=422,
            **_context(region, consultation, publish_error=error.message),
        )
    db.session.commit()
    flash(
        ngettext(
            "The feedback is published. %(num)d organisation is told by email.",
            "The feedback is published. %(num)d organisations are told by email.",
            sent,
        ),
        "success",
    )
    return redirect(
        url_for(".feedback_page", region_slug=region.slug, consultation_id=consultation.id),
        code=303,
    )
