"""The answering flow: start a draft, save answers, attach files, submit, amend, withdraw.

Services flush and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from kick_forms import audit, tally
from kick_forms.consultations.structure import load_structure
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import (
    Answer,
    AnswerOption,
    Consultation,
    Municipality,
    OrganisationCategory,
    Question,
    Response,
    ResponseContact,
    ResponseStatus,
    ResponseVersion,
)
from kick_forms.records.sender import snapshot as sender_snapshot
from kick_forms.records.services import notify_registrar
from kick_forms.refusal import Refused
from kick_forms.responses import answers as answer_rules
from kick_forms.responses import conditional
from kick_forms.responses.comment_versions import copy_into_version as copy_comments
from kick_forms.review.services import carry_over as carry_over_reviews
from kick_forms.tokens import hash_token, new_token


class AnsweringError(Refused):
    """A step the answering flow refuses, with a message for the organisation."""


class ClosedError(AnsweringError):
    """The consultation no longer takes answers: nothing of an answer may change."""


def require_open(response: Response, now: datetime) -> None:
    """Refuse any change to an answer once its consultation is closed or past its deadline.

    Every service that writes to an answer calls this first, whatever route reached it, so a
    stale tab, a retried request or a forgotten form cannot change what the region received.
    """
    if not response.consultation.accepts_answers(now):
        raise ClosedError(_l("The consultation is closed; the answer can no longer be changed."))


@dataclass
class Respondent:
    organisation_name: str
    organisation_number: str | None
    municipality_code: str
    category_keys: list[str]
    contact_name: str
    contact_email: str
    may_publish_name: bool


# The answering pages' reads, built once (each request runs them; building costs as much as
# running them).
_BY_TOKEN = (
    select(Response)
    .where(Response.token_hash == bindparam("token_hash"))
    .options(joinedload(Response.consultation).joinedload(Consultation.region))
)
_DRAFT_ANSWERS = (
    select(Answer)
    .where(Answer.response_id == bindparam("response_id"), Answer.version_id.is_(None))
    .options(selectinload(Answer.options))
)


def find_response(token: str) -> Response | None:
    """The response behind a private link; withdrawn responses have no link any more."""
    response = db.session.scalars(_BY_TOKEN, {"token_hash": hash_token(token)}).one_or_none()
    if response is not None:
        load_structure(response.consultation)
    return response


def apply_respondent(response: Response, who: Respondent, contact_required: bool = True) -> None:
    """Write who answers onto the response. An answer staff enter may have no contact person
    (``contact_required=False``): then a blank one is removed rather than kept empty."""
    response.organisation_name = who.organisation_name.strip()
    response.organisation_number = who.organisation_number
    response.municipality = db.session.get(Municipality, who.municipality_code)
    response.may_publish_name = who.may_publish_name
    response.categories = list(
        db.session.scalars(
            select(OrganisationCategory).where(OrganisationCategory.key.in_(who.category_keys))
        )
    )
    name, email = who.contact_name.strip(), who.contact_email.strip()
    if not (contact_required or name or email):
        response.contact = None
        return
    if response.contact is None:
        response.contact = ResponseContact(name="", email="")
    response.contact.name, response.contact.email = name, email


def start_response(
    consultation: Consultation, who: Respondent, nonce: str, now: datetime, link_for: Any
) -> tuple[Response, str | None]:
    """A new draft and its private link, mailed to the contact person.

    The same start nonce twice (a double click) gives the first draft back, without a token:
    the link was shown and mailed the first time.
    """
    existing = db.session.scalars(select(Response).filter_by(start_nonce=nonce)).one_or_none()
    if existing is not None and existing.consultation_id == consultation.id:
        return existing, None
    if not consultation.accepts_answers(now):
        raise AnsweringError(_l("The consultation does not take answers now."))
    token = new_token()
    response = Response(
        consultation=consultation,
        token_hash=hash_token(token),
        start_nonce=nonce,
        status=ResponseStatus.DRAFT,
        created_at=now,
        saved_at=now,
    )
    apply_respondent(response, who)
    db.session.add(response)
    db.session.flush()
    link = link_for(token)
    enqueue_mail(
        response.contact.email,
        str(_l("Your draft answer to %(title)s", title=consultation.title)),
        render_template("responses/mail/started.txt", response=response, link=link),
        now=now,
    )
    return response, token


def update_respondent(response: Response, who: Respondent, now: datetime) -> None:
    """Change who is answering; a submitted answer moves on the board at once."""
    require_open(response, now)
    with tally.kept_for(response):
        apply_respondent(response, who)
        response.saved_at = now


def draft_answers(response: Response) -> dict[int, Answer]:
    """The working copy's answers by question id."""
    rows = db.session.scalars(_DRAFT_ANSWERS, {"response_id": response.id})
    return {answer.question_id: answer for answer in rows}


def locked_draft(response: Response) -> dict[int, Answer]:
    """For a save, once the write lock is taken: the response's row locked and read afresh,
    and its working copy's answers as another request may have left them."""
    tally.lock_response(response)
    return draft_answers(response)


def save_answers(
    response: Response,
    questions: list[Question],
    form: MultiDict,
    now: datetime,
    stored: dict[int, Answer] | None = None,
) -> dict[int, Any]:
    """Store what the form says about these questions; return the problems found, by question.

    Everything is kept as typed, problems or not: a draft loses nothing. ``stored``, the
    working copy as ``draft_answers`` read it, is kept up to date, so the caller need not read
    it again.
    """
    require_open(response, now)
    stored = draft_answers(response) if stored is None else stored
    problems: dict[int, Any] = {}
    for question, typed in write_answers(response, questions, form, stored):
        found = answer_rules.problem(question, typed, final=False)
        if found:
            problems[question.id] = found
    hidden = conditional.drop_hidden(response.consultation, stored)
    response.saved_at = now
    db.session.flush()
    return {
        question_id: found for question_id, found in problems.items() if question_id not in hidden
    }


def write_answers(
    response: Response,
    questions: list[Question],
    form: MultiDict,
    existing: dict[int, Answer] | None = None,
) -> list[tuple[Question, Any]]:
    """Write what the form says about these questions into the working copy, as typed, and
    return each question with what was read for it. An empty answer to a question never
    answered adds no row. ``existing``, the working copy when the caller has read it, gets the
    answers added."""
    if existing is None:
        existing = draft_answers(response) if response.id is not None else {}
    read = []
    for question in questions:
        typed = answer_rules.read_answer(question, form)
        read.append((question, typed))
        answer = existing.get(question.id)
        if typed.is_empty and answer is None:
            continue
        if answer is None:
            answer = existing[question.id] = Answer(
                response_id=response.id, question_id=question.id
            )
            db.session.add(answer)
        answer_rules.apply_answer(answer, typed, question)
    return read


def answer_problems(
    response: Response, final: bool = True, answers: dict[int, Answer] | None = None
) -> dict[int, Any]:
    """Every problem in the working copy that stops it being submitted, by question id."""
    answers = draft_answers(response) if answers is None else answers
    problems = {}
    hidden = conditional.hidden_ids(response.consultation, answers)
    for question in response.consultation.questions:
        if question.id in hidden:
            continue
        typed = answer_rules.typed_from(answers.get(question.id))
        found = answer_rules.problem(question, typed, final=final)
        if found:
            problems[question.id] = found
    return problems


def has_unsent_changes(response: Response) -> bool:
    version = response.current_version
    return version is not None and response.saved_at > version.submitted_at


def submit_response(
    response: Response, nonce: str, now: datetime, link: str
) -> tuple[ResponseVersion, bool]:
    """Submit the working copy as a new version; the same nonce again returns that version.

    Returns the version and whether it was made now. The caller treats an IntegrityError on the
    nonce (a concurrent duplicate) like a repeat: roll back and look the version up.
    """
    repeat = version_for_nonce(nonce)
    if repeat is not None and repeat.response_id == response.id:
        return repeat, False
    # The response's row is locked for the board's counters, so two tabs submitting at once
    # also number their versions in turn.
    with tally.kept_for(response):
        answers = draft_answers(response)
        version = _new_version(response, answers, nonce, now)
    _mail_receipt(response, version, answers, link, now)
    notify_registrar(version, now)
    return version, True


def _new_version(
    response: Response, answers: dict[int, Answer], nonce: str, now: datetime
) -> ResponseVersion:
    consultation = response.consultation
    if not consultation.accepts_answers(now):
        raise ClosedError(_l("The last day to answer has passed; the answer was not sent."))
    if response.status == ResponseStatus.WITHDRAWN:
        raise AnsweringError(_l("The answer has been withdrawn."))
    if answer_problems(response, answers=answers):
        raise AnsweringError(_l("Some answers need attention before you can send them."))
    return record_version(response, answers, nonce, now)


def record_version(
    response: Response, answers: dict[int, Answer], nonce: str, now: datetime
) -> ResponseVersion:
    """Make the working copy a submitted version: the one way an answer reaches the region,
    sent by the organisation or entered by staff. Call it inside ``tally.kept_for``."""
    number = len(response.versions) + 1
    version = ResponseVersion(
        response=response,
        number=number,
        submit_nonce=nonce,
        submitted_at=now,
        # The files go with the version, like the answers: what is attached later counts
        # only once the answer is sent again.
        attachments=response.draft_attachments,
        # So does who sent it, as sent: the response's own details follow later edits.
        sender=sender_snapshot(response),
    )
    db.session.add(version)
    db.session.flush()
    _copy_answers(response, version, answers)
    # A text sent again unchanged keeps staff's review decision.
    carry_over_reviews(response.current_version, version)
    copy_comments(response, response.current_version, version)
    response.current_version = version
    response.status = ResponseStatus.SUBMITTED
    if number == 1:
        response.submitted_at = now
    else:
        response.amended_at = now
    response.saved_at = now
    return version


def _copy_answers(response: Response, version: ResponseVersion, answers: dict[int, Answer]) -> None:
    """The working copy's answers to the questions shown, as the version's own rows.

    Each copy is written by the same rule as a saved answer (``apply_answer``), then all go
    into the database in one INSERT and their chosen options in another: a submit holds the
    write lock while it runs, so it writes in bulk rather than row by row through the session.
    """
    consultation = response.consultation
    questions = {question.id: question for question in consultation.questions}
    hidden = conditional.hidden_ids(consultation, answers)
    rows: list[dict[str, Any]] = []
    chosen: dict[int, list[int]] = {}
    for answer in answers.values():
        if answer.question_id in hidden:
            continue
        copy = Answer(question_id=answer.question_id)  # never added to the session
        answer_rules.apply_answer(
            copy, answer_rules.typed_from(answer), questions[answer.question_id]
        )
        rows.append(
            {
                "response_id": response.id,
                "version_id": version.id,
                "question_id": copy.question_id,
                "text_value": copy.text_value,
                "number_value": copy.number_value,
                "choice_value": copy.choice_value,
                "other_text": copy.other_text,
            }
        )
        chosen[copy.question_id] = [option.option_id for option in copy.options]
    if not rows:
        return
    inserted = db.session.execute(
        insert(Answer).returning(Answer.id, Answer.question_id),
        rows,
        # NULLs written out, so that every row has the same columns and one INSERT takes all.
        execution_options={"render_nulls": True},
    )
    options = [
        {"answer_id": answer_id, "option_id": option_id}
        for answer_id, question_id in inserted
        for option_id in chosen[question_id]
    ]
    if options:
        db.session.execute(insert(AnswerOption), options)


def version_for_nonce(nonce: str) -> ResponseVersion | None:
    return db.session.scalars(select(ResponseVersion).filter_by(submit_nonce=nonce)).one_or_none()


def _mail_receipt(
    response: Response,
    version: ResponseVersion,
    answers: dict[int, Answer],
    link: str,
    now: datetime,
) -> None:
    subject = (
        _l("Receipt: your answer to %(title)s", title=response.consultation.title)
        if version.number == 1
        else _l("Receipt: your changed answer to %(title)s", title=response.consultation.title)
    )
    enqueue_mail(
        response.contact.email,
        str(subject),
        render_template(
            "responses/mail/receipt.txt",
            response=response,
            version=version,
            answers=answers,
            link=link,
        ),
        now=now,
    )


def withdraw_response(response: Response, now: datetime) -> bool:
    """Withdraw a sent answer, or delete a draft, before the deadline; the private link stops
    working. A sent answer is a record the region keeps, marked withdrawn. A draft never sent
    is deleted with everything in it, its contact person's name and address included.

    Returns whether the answer was deleted.
    """
    if not response.consultation.accepts_answers(now):
        raise ClosedError(_l("The last day to answer has passed; the answer stays as sent."))
    if not response.versions:
        audit.record(
            "response.delete_draft",
            f"consultation:{response.consultation_id}",
            response.consultation.region,
        )
        db.session.delete(response)
        db.session.flush()
        return True
    with tally.kept_for(response):
        response.status = ResponseStatus.WITHDRAWN
        response.withdrawn_at = now
        response.token_hash = None
        response.current_version = None
    response.saved_at = now
    db.session.flush()
    return False
