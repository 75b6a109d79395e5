"""Staff register an answer that arrived by e-mail, by post or at a meeting."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from kick_forms import htmx
from kick_forms.consultations import bp
from kick_forms.consultations import entry_services as entering
from kick_forms.consultations.entry_forms import EntryForm
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db
from kick_forms.forms import organisation_choices
from kick_forms.i18n import gettext as _
from kick_forms.models import Channel, Consultation, Region, Response, Role
from kick_forms.responses import answers as answer_rules
from kick_forms.responses.services import Respondent
from kick_forms.timeutil import to_local, utcnow
from kick_forms.tokens import new_nonce


@bp.context_processor
def _arrivals() -> dict[str, Any]:
    """The staff pages of responses say how an entered answer arrived."""
    return {"arrival_of": entering.arrival_of}


class _Unrequired:
    """A question as staff enter a letter's answer to it: none is required."""

    required = False

    def __init__(self, question: Any) -> None:
        self._question = question

    def __getattr__(self, name: str) -> Any:
        return getattr(self._question, name)


def _entry(form: EntryForm) -> entering.Entry:
    return entering.Entry(
        respondent=Respondent(
            organisation_name=form.organisation_name.data,
            organisation_number=form.organisation_number.data,
            municipality_code=form.municipality.data,
            category_keys=form.categories.data or [],
            contact_name=form.contact_name.data or "",
            contact_email=form.contact_email.data or "",
            may_publish_name=form.may_publish_name.data == "yes",
        ),
        channel=Channel(form.channel.data),
        received_on=form.received_on.data,
    )


def _page(
    region: Region,
    consultation: Consultation,
    form: EntryForm,
    staged: Response | None,
    status: int = 200,
    **extra: Any,
):  # type: ignore[no-untyped-def]
    typed = {
        question.id: answer_rules.read_answer(question, request.form)
        for question in consultation.questions
    }
    return htmx.render(
        "consultations/entry.html",
        status=status,
        region=region,
        consultation=consultation,
        form=form,
        staged=staged,
        sections=[
            (section, [_Unrequired(question) for question in section.questions])
            for section in consultation.sections
        ],
        typed=typed,
        accepts=entering.accepts_entries(consultation),
        last_day=entering.last_day(consultation),
        today=form.today,
        problems=extra.pop("problems", {}),
        file_problems=extra.pop("file_problems", []),
        **extra,
    )


def _detail(region: Region, consultation: Consultation, response: Response):  # type: ignore[no-untyped-def]
    return redirect(
        url_for(
            ".response_detail",
            region_slug=region.slug,
            consultation_id=consultation.id,
            response_id=response.id,
        ),
        code=303,
    )


@bp.route("/r/<region_slug>/c/<int:consultation_id>/responses/new", methods=["GET", "POST"])
def response_enter(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    now = utcnow()
    local_now = to_local(now)
    assert local_now is not None
    form = EntryForm(today=local_now.date())
    organisation_choices(form, region, _("Choose a municipality"))
    if not entering.accepts_entries(consultation):
        return _page(region, consultation, form, None, 422 if request.method == "POST" else 200)
    if request.method == "GET":
        staged = entering.staged_entry(consultation, request.args.get("staged"))
        form.nonce.data = new_nonce()
        form.received_on.data = local_now.date()
        form.staged.data = str(staged.id) if staged else ""
        form.organisation_name.data = staged.organisation_name if staged else ""
        return _page(region, consultation, form, staged)

    nonce = form.nonce.data or ""
    if not 16 <= len(nonce) <= 64:
        abort(400)
    repeat = entering.entered_before(consultation, nonce)
    if repeat is not None:
        return _detail(region, consultation, repeat)
    staged, file_problems = entering.stage_files(
        consultation,
        entering.staged_entry(consultation, form.staged.data),
        request.files.getlist("files"),
        request.form.getlist("remove"),
        current_user.id,
        form.organisation_name.data or "",
        current_app.config["MAX_ATTACHMENT_BYTES"],
        now,
    )
    form.staged.data = str(staged.id) if staged else ""
    if request.form.get("action") == "attach":
        db.session.commit()
        status = 422 if file_problems else 200
        return _page(region, consultation, form, staged, status, file_problems=file_problems,
                     attached=True)  # fmt: skip
    valid = form.validate()
    problems = entering.answer_problems(consultation.questions, request.form)
    if not valid or problems or file_problems:
        db.session.commit()  # the files chosen are kept
        return _page(region, consultation, form, staged, 422, problems=problems,
                     file_problems=file_problems)  # fmt: skip
    try:
        response = entering.enter_response(
            consultation, staged, _entry(form), request.form, current_user.id, nonce, now
        )
        db.session.commit()
    except (IntegrityError, entering.AlreadyEntered):
        # A concurrent request with this nonce (a double click) registered it: that one stands.
        db.session.rollback()
        repeat = entering.entered_before(consultation, nonce)
        if repeat is None:
            return _page(region, consultation, form, None, 409,
                         refused=_("This answer has already been registered."))  # fmt: skip
        return _detail(region, consultation, repeat)
    flash(
        _("The answer from %(name)s was registered as %(reference)s.",
          name=response.organisation_name, reference=response.reference),
        "success",
    )  # fmt: skip
    return _detail(region, consultation, response)
