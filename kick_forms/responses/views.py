"""The answering flow, reached by a consultation's public URL and then by a private link.

These routes work without a session cookie, so they also work in a cross-site iframe where
third-party cookies are blocked. Their protection against cross-site request forgery is the
private link itself (an attacker cannot know it) and, for starting a draft, the origin check
in ``_refuse_cross_site_writes``.
"""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Response as FlaskResponse
from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kick_forms import htmx, page_cache
from kick_forms.consultations import conditions
from kick_forms.dialogue import quality
from kick_forms.extensions import (
    commit_keeping_loaded,
    db,
    limiter,
    public_write_limit,
    reading_first,
    start_writing,
)
from kick_forms.forms import organisation_choices
from kick_forms.i18n import gettext as _
from kick_forms.models import (
    Answer,
    Attachment,
    Consultation,
    Invitation,
    OrganisationContact,
    Question,
    Response,
    ResponseStatus,
)
from kick_forms.regions.services import public_consultation_at
from kick_forms.responses import answers as answer_rules
from kick_forms.responses import attachments as files
from kick_forms.responses import bp
from kick_forms.responses import services as answering
from kick_forms.responses.forms import RespondentForm
from kick_forms.timeutil import utcnow
from kick_forms.tokens import looks_like_token, new_nonce
from kick_forms.urls import public_url_for

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@bp.before_request
def _refuse_cross_site_writes() -> None:
    """Writes must come from our own pages (our origin, or a frame of ours on a region's site)."""
    if request.method not in UNSAFE_METHODS:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # Modern browsers say where a request comes from; nothing else is needed.
        if fetch_site not in ("same-origin", "none"):
            abort(403)
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.host_url.rstrip("/"):
        abort(403)


def _start_url_args(consultation: Consultation) -> dict[str, str]:
    return {"region_slug": consultation.region.slug, "consultation_slug": consultation.slug}


def _link_for(token: str) -> str:
    return public_url_for("responses.overview", token=token)


def _public_consultation(region_slug: str, consultation_slug: str) -> Consultation:
    consultation = public_consultation_at(region_slug, consultation_slug)
    if consultation is None:
        abort(404)
    g.frame_region_id = consultation.region_id  # who may frame it, when embedded
    return consultation


def _respondent_form(
    consultation: Consultation, response: Response | None = None
) -> RespondentForm:
    form = RespondentForm()
    organisation_choices(form, consultation.region, _("Choose a municipality"))
    if request.method == "GET" and response is not None:
        form.organisation_name.data = response.organisation_name
        form.organisation_number.data = response.organisation_number
        form.municipality.data = response.municipality_code
        form.categories.data = [category.key for category in response.categories]
        form.contact_name.data = response.contact.name if response.contact else ""
        form.contact_email.data = response.contact.email if response.contact else ""
        form.may_publish_name.data = "yes" if response.may_publish_name else "no"
    return form


def _respondent(form: RespondentForm) -> answering.Respondent:
    return answering.Respondent(
        organisation_name=form.organisation_name.data,
        organisation_number=form.organisation_number.data,
        municipality_code=form.municipality.data,
        category_keys=form.categories.data or [],
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        may_publish_name=form.may_publish_name.data == "yes",
    )


@bp.route("/r/<region_slug>/c/<consultation_slug>/respond", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def start(region_slug: str, consultation_slug: str):
    page_cache.start()
    consultation = _public_consultation(region_slug, consultation_slug)
    now = utcnow()
    if not consultation.accepts_answers(now):
        status = 409 if request.method == "POST" else 200
        return render_template("responses/closed.html", consultation=consultation, now=now), status
    if request.method == "GET":
        nonce = new_nonce()

        def render() -> str:
            form = _respondent_form(consultation)
            form.nonce.data = nonce
            return render_template("responses/start.html", consultation=consultation, form=form)

        return page_cache.page(render, consultation.clock_state(now), personal=(nonce,))
    form = _respondent_form(consultation)
    if form.validate_on_submit():
        response, token = answering.start_response(
            consultation, _respondent(form), form.nonce.data or new_nonce(), now, _link_for
        )
        db.session.commit()
        if token is None:
            return render_template("responses/already_started.html", consultation=consultation)
        return redirect(url_for(".overview", token=token, started=1), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("responses/start.html", consultation=consultation, form=form), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def invited(token: str):
    """The personal link of an invitation: the start form, filled in from the register."""
    # Imported here: the register's package reaches back to the board, which imports this one.
    from kick_forms.invitations import services as invitations

    found = invitations.read_invitation_token(token)
    invitation = db.session.get(Invitation, found[0]) if found else None
    if invitation is None:
        abort(404)
    consultation = invitation.consultation
    g.frame_region_id = consultation.region_id  # who may frame it, when embedded
    now = utcnow()
    invitations.opened(invitation, now)
    db.session.commit()
    if not consultation.accepts_answers(now):
        status = 409 if request.method == "POST" else 200
        return render_template("responses/closed.html", consultation=consultation, now=now), status
    form = _respondent_form(consultation)
    if request.method == "GET":
        _fill_from_register(form, invitation, found[1] if found else None)
        form.nonce.data = new_nonce()
    elif form.validate_on_submit():
        response, response_token = answering.start_response(
            consultation, _respondent(form), form.nonce.data or new_nonce(), now, _link_for
        )
        invitation.response = response
        db.session.commit()
        if response_token is None:
            return render_template("responses/already_started.html", consultation=consultation)
        return redirect(url_for(".overview", token=response_token, started=1), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "responses/start.html", consultation=consultation, form=form, invitation=invitation
    ), status


def _fill_from_register(
    form: RespondentForm, invitation: Invitation, contact_id: int | None
) -> None:
    """Who is answering, as the register knows them; they check it and may change it."""
    organisation = invitation.organisation
    form.organisation_name.data = organisation.name
    form.organisation_number.data = organisation.organisation_number
    form.municipality.data = organisation.municipality_code
    form.categories.data = [category.key for category in organisation.categories]
    contact = db.session.get(OrganisationContact, contact_id) if contact_id else None
    if (
        contact is not None
        and contact.organisation_id == organisation.id
        and contact.region_id == invitation.consultation.region_id
    ):
        form.contact_name.data = contact.name
        form.contact_email.data = contact.email


_LINK_TOKEN = re.compile(r"/respond/([A-Za-z0-9_-]{43})(?:[/?#]|$)")


@bp.route("/r/<region_slug>/c/<consultation_slug>/continue", methods=["POST"])
@limiter.limit(public_write_limit)
def resume(region_slug: str, consultation_slug: str):
    """Continue a draft by pasting its private link: in a frame on a region's website, where
    the link's own address would leave the frame. A POST, so the link never lands in a log."""
    consultation = _public_consultation(region_slug, consultation_slug)
    pasted = (request.form.get("link") or "").strip()[:500]
    found = _LINK_TOKEN.search(pasted) or _LINK_TOKEN.search(f"/respond/{pasted}")
    response = answering.find_response(found.group(1)) if found else None
    if response is None or response.consultation_id != consultation.id:
        form = _respondent_form(consultation)
        form.nonce.data = new_nonce()
        error = (
            _("Paste the whole private link from the email, starting with https://.")
            if found is None
            else _("No answer to this consultation has that link. Check that it is the whole link.")
        )
        return render_template(
            "responses/start.html", consultation=consultation, form=form, resume_error=error
        ), 422
    return redirect(url_for(".overview", token=found.group(1)), code=303)


def _load(token: str, refuse_closed: bool = True) -> Response:
    """The response behind a private link, or 404: a wrong link learns nothing.

    A write once the consultation is closed or past its deadline is refused here with 409,
    before anything is read from the request: nothing of an answer changes after that. A view
    that shows the refused input back (``refuse_closed=False``) refuses it itself.
    """
    response = answering.find_response(token) if looks_like_token(token) else None
    if response is None:
        abort(404)
    g.frame_region_id = response.consultation.region_id  # who may frame it, when embedded
    closed = not response.consultation.accepts_answers(utcnow())
    if refuse_closed and closed and request.method in UNSAFE_METHODS:
        abort(_closed(response.consultation, token))
    return response


def _closed(consultation: Consultation, token: str | None = None) -> FlaskResponse:
    """The page that says the consultation takes no answers (or changes) now, with 409; for
    htmx (autosave, inline checks) the message replaces the page's content."""
    response = htmx.render(
        "responses/closed.html",
        "responses/_closed.html",
        status=409,
        consultation=consultation,
        now=utcnow(),
        token=token,
    )
    return htmx.retarget(response, "#main", "innerHTML")


@bp.errorhandler(answering.ClosedError)
def _closed_meanwhile(_error: answering.ClosedError) -> FlaskResponse:
    """The consultation closed between loading the answer and changing it: nothing is kept."""
    db.session.rollback()
    token = (request.view_args or {}).get("token", "")
    response = answering.find_response(token) if looks_like_token(token) else None
    if response is None:
        return make_response("", 409)
    return _closed(response.consultation, token)


def _survey_token(response: Response, now) -> str | None:  # type: ignore[no-untyped-def]
    """The link to the survey on the dialogue's quality, once it is open and not yet answered."""
    if response.status != ResponseStatus.SUBMITTED or not quality.is_open(
        response.consultation, now
    ):
        return None
    return None if quality.answered_by_organisation(response) else quality.survey_token(response)


def _context(token: str, response: Response, **extra):  # type: ignore[no-untyped-def]
    consultation = response.consultation
    now = utcnow()
    return {
        "token": token,
        "response": response,
        "consultation": consultation,
        "region": consultation.region,
        "now": now,
        "editable": consultation.accepts_answers(now),
        "unsent_changes": answering.has_unsent_changes(response),
        "survey_token": _survey_token(response, now),
        **extra,
    }


def _progress(response: Response) -> dict[int, int]:
    """Answered questions per section id."""
    answers = answering.draft_answers(response)
    return {
        section.id: sum(
            1
            for question in section.questions
            if not answer_rules.typed_from(answers.get(question.id)).is_empty
        )
        for section in response.consultation.sections
    }


@bp.route("/respond/<token>")
def overview(token: str):
    response = _load(token)
    return render_template(
        "responses/overview.html",
        **_context(
            token, response, progress=_progress(response), started="started" in request.args
        ),
    )


@bp.route("/respond/<token>/about", methods=["GET", "POST"])
def about(token: str):
    response = _load(token)
    form = _respondent_form(response.consultation, response)
    if form.validate_on_submit():
        answering.update_respondent(response, _respondent(form), utcnow())
        db.session.commit()
        return redirect(url_for(".overview", token=token), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("responses/about.html", **_context(token, response, form=form)), status


def _section(response: Response, number: int):  # type: ignore[no-untyped-def]
    sections = response.consultation.sections
    if not 1 <= number <= len(sections):
        abort(404)
    return sections[number - 1]


@bp.route("/respond/<token>/s/<int:number>", methods=["GET", "POST"])
@reading_first
def section(token: str, number: int):
    response = _load(token, refuse_closed=False)
    current = _section(response, number)
    if request.method == "GET":
        return _section_page(token, response, number, answering.draft_answers(response))
    if not response.consultation.accepts_answers(utcnow()):
        # Too late to save: show what was typed, read-only, so that nothing is lost to the
        # person who typed it, and keep the answer as it was.
        typed = {q.id: answer_rules.read_answer(q, request.form) for q in current.questions}
        return render_template(
            "responses/section.html",
            **_context(token, response, section=current, number=number, typed=typed,
                       problems={}, saved=False, refused_late=True),
        ), 409  # fmt: skip
    start_writing()
    answers = answering.locked_draft(response)
    before = conditions.shown_for(response.consultation, answers)
    problems = answering.save_answers(response, current.questions, request.form, utcnow(), answers)
    commit_keeping_loaded()
    # A question the saved choice has just shown is answered here before going on.
    shown_now = conditions.shown_for(response.consultation, answers)
    appeared = [q for q in current.questions if q.id in shown_now - before]
    action = "save" if appeared else request.form.get("action", "save")
    count = len(response.consultation.sections)
    if not problems and action == "next" and number < count:
        return redirect(url_for(".section", token=token, number=number + 1), code=303)
    if not problems and action == "previous" and number > 1:
        return redirect(url_for(".section", token=token, number=number - 1), code=303)
    if not problems and action in ("check", "next"):
        return redirect(url_for(".check", token=token), code=303)
    return _section_page(token, response, number, answers, problems, appeared)


def _section_page(  # type: ignore[no-untyped-def]
    token: str,
    response: Response,
    number: int,
    answers: dict[int, Answer],
    problems: dict[int, Any] | None = None,
    appeared: list[Question] | None = None,
):
    """A section with the draft's answers; after a save (``problems`` given), what it found."""
    current = _section(response, number)
    typed = {q.id: answer_rules.typed_from(answers.get(q.id)) for q in current.questions}
    return render_template(
        "responses/section.html",
        **_context(token, response, section=current, number=number, typed=typed,
                   problems=problems or {}, saved=problems is not None,
                   shown=conditions.shown_for(response.consultation, answers),
                   appeared=appeared or []),
    ), (422 if problems else 200)  # fmt: skip


@bp.route("/respond/<token>/s/<int:number>/autosave", methods=["POST"])
@reading_first
def autosave(token: str, number: int):
    response = _load(token)
    current = _section(response, number)
    start_writing()
    answering.save_answers(
        response, current.questions, request.form, utcnow(), answering.locked_draft(response)
    )
    commit_keeping_loaded()
    if not htmx.htmx_request().wants_fragment:  # only htmx asks; a browser gets the page
        return redirect(url_for(".section", token=token, number=number), code=303)
    return htmx.render(
        "responses/section.html", "responses/_autosave_status.html", **_context(token, response)
    )


@bp.route("/respond/<token>/s/<int:number>/validate/<int:question_id>", methods=["POST"])
def validate(token: str, number: int, question_id: int):
    response = _load(token)
    question = next((q for q in _section(response, number).questions if q.id == question_id), None)
    if question is None:
        abort(404)
    if not htmx.htmx_request().wants_fragment:  # only htmx asks; a browser gets the page
        return redirect(url_for(".section", token=token, number=number), code=303)
    typed = answer_rules.read_answer(question, request.form)
    return htmx.render(
        "responses/section.html",
        "responses/_field_error.html",
        question=question,
        error=answer_rules.problem(question, typed, final=False),
    )


@bp.route("/respond/<token>/attachments", methods=["POST"])
def attachment_add(token: str):
    response = _load(token)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise answering.AnsweringError(_("Choose a file to attach."))
        files.add_attachment(response, upload, current_app.config["MAX_ATTACHMENT_BYTES"], utcnow())
    except answering.ClosedError:
        raise
    except answering.AnsweringError as error:
        db.session.rollback()
        return render_template(
            "responses/overview.html",
            **_context(token, response, progress=_progress(response), upload_error=error.message),
        ), 422
    db.session.commit()
    return redirect(url_for(".overview", token=token, _anchor="attachments"), code=303)


def _attachment(response: Response, attachment_id: int) -> Attachment:
    attachment = db.session.scalars(
        select(Attachment).filter_by(id=attachment_id, response_id=response.id)
    ).one_or_none()
    if attachment is None:
        abort(404)
    return attachment


@bp.route("/respond/<token>/attachments/<int:attachment_id>")
def attachment_download(token: str, attachment_id: int):
    attachment = _attachment(_load(token), attachment_id)
    return send_attachment(attachment)


def send_attachment(attachment: Attachment):  # type: ignore[no-untyped-def]
    """A stored file as a download, never shown inline."""
    return send_file(
        io.BytesIO(attachment.data),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )


@bp.route("/respond/<token>/attachments/<int:attachment_id>/delete", methods=["POST"])
def attachment_delete(token: str, attachment_id: int):
    response = _load(token)
    files.remove_attachment(response, _attachment(response, attachment_id), utcnow())
    db.session.commit()
    return redirect(url_for(".overview", token=token, _anchor="attachments"), code=303)


def _check_page(token: str, response: Response, status: int = 200, error=None):  # type: ignore[no-untyped-def]
    answers = answering.draft_answers(response)
    return render_template(
        "responses/check.html",
        **_context(
            token,
            response,
            answers=answers,
            problems=answering.answer_problems(response, answers=answers),
            nonce=new_nonce(),
            submit_error=error,
        ),
    ), status


@bp.route("/respond/<token>/check")
def check(token: str):
    return _check_page(token, _load(token))


@bp.route("/respond/<token>/submit", methods=["POST"])
@reading_first
def submit(token: str):
    response = _load(token)
    nonce = request.form.get("nonce", "")
    if not 16 <= len(nonce) <= 64:
        abort(400)
    start_writing()  # the submit reads the response and its answers again, under the lock
    try:
        version, _created = answering.submit_response(response, nonce, utcnow(), _link_for(token))
        commit_keeping_loaded()
    except answering.ClosedError:
        raise
    except answering.AnsweringError as error:
        db.session.rollback()
        return _check_page(token, response, 409, error.message)
    except IntegrityError:
        # The same nonce committed by a concurrent request: that submission stands.
        db.session.rollback()
        version = answering.version_for_nonce(nonce)
        if version is None or version.response_id != response.id:
            raise
    return redirect(url_for(".confirmation", token=token, number=version.number), code=303)


@bp.route("/respond/<token>/confirmation/<int:number>")
def confirmation(token: str, number: int):
    response = _load(token)
    version = next((v for v in response.versions if v.number == number), None)
    if version is None:
        abort(404)
    return render_template(
        "responses/confirmation.html", **_context(token, response, version=version)
    )


@bp.route("/respond/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token: str):
    response = _load(token)
    if request.method == "POST":
        consultation = response.consultation
        reference = response.reference
        try:
            deleted = answering.withdraw_response(response, utcnow())
        except answering.ClosedError:
            raise
        except answering.AnsweringError as error:
            db.session.rollback()
            return render_template(
                "responses/withdraw.html", **_context(token, response, error=error.message)
            ), 409
        db.session.commit()
        return render_template(
            "responses/withdrawn.html", consultation=consultation, region=consultation.region,
            reference=reference, deleted=deleted,
        )  # fmt: skip
    if response.status == ResponseStatus.WITHDRAWN:
        abort(404)
    return render_template("responses/withdraw.html", **_context(token, response))
