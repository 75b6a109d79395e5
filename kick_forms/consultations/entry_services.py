"""Answers that reach the region by e-mail, by post or at a meeting, entered by its staff.

An entered answer is a response like any other: its version is made by ``record_version``
inside ``tally.kept_for``, as a sent answer's is, so the board, the API and the records count it
once. It differs in three ways: it has no private link (nobody can change it from outside), it
is marked with its channel and its date of arrival, and no receipt is mailed (the registrar's
mailbox is told, as of any answer).

Files chosen before the form is complete are kept in a response that has no version yet (a
staged entry), so that a form with errors, or files attached one at a time to stay under the
request size limit, loses nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.utils import secure_filename

from kick_forms import archives, audit, tally
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import (
    Attachment,
    Channel,
    Consultation,
    ConsultationStatus,
    Question,
    Response,
    ResponseStatus,
)
from kick_forms.models.response import ORGANISATION_NAME_MAX
from kick_forms.records.services import notify_registrar
from kick_forms.refusal import Refused
from kick_forms.responses import answers as answer_rules
from kick_forms.responses import attachments as files
from kick_forms.responses import services as answering
from kick_forms.timeutil import from_local, to_local

ENTRY_CHANNELS = (Channel.EMAIL, Channel.POST, Channel.MEETING)
# A date of arrival is stored as noon, Swedish time: its date is the same in UTC and in local
# time, so no reader of the column can show the day before.
ARRIVAL_TIME = time(12, 0)


class EntryError(Refused):
    """An entry refused, with a message for the member of staff."""


class AlreadyEntered(EntryError):
    """The staged entry was registered meanwhile (another tab, a retried request)."""


@dataclass
class Entry:
    """What staff type about an answer that arrived outside the form."""

    respondent: answering.Respondent
    channel: Channel
    received_on: date


@dataclass(frozen=True)
class Arrival:
    """How an entered answer reached the region, for the staff pages."""

    channel: str
    on: date
    late: bool

    @property
    def text(self) -> str:
        day = self.on.isoformat()
        if self.channel == Channel.EMAIL:
            return _("Arrived by e-mail on %(date)s", date=day)
        if self.channel == Channel.POST:
            return _("Arrived by post on %(date)s", date=day)
        return _("Given at a meeting on %(date)s", date=day)


def accepts_entries(consultation: Consultation) -> bool:
    """Staff may enter answers once the consultation is public, also after it closed: late
    letters are common and are public records all the same."""
    return consultation.status != ConsultationStatus.DRAFT


def last_day(consultation: Consultation) -> date | None:
    """The last day to answer, in Swedish time: a deadline at midnight ends the day before."""
    if consultation.closes_at is None:
        return None
    local = to_local(consultation.closes_at - timedelta(seconds=1))
    return local.date() if local else None


def arrival_moment(day: date) -> datetime:
    moment = from_local(datetime.combine(day, ARRIVAL_TIME))
    assert moment is not None
    return moment


def arrival_of(response: Response) -> Arrival | None:
    """The channel and date of arrival of an answer staff entered; None for the form's."""
    version = response.current_version
    if response.channel == Channel.FORM or version is None or version.received_at is None:
        return None
    local = to_local(version.received_at)
    assert local is not None
    deadline = last_day(response.consultation)
    late = deadline is not None and local.date() > deadline
    return Arrival(response.channel, local.date(), late)


def entered_before(consultation: Consultation, nonce: str) -> Response | None:
    """The response an earlier request with this nonce entered: a double click or a retry."""
    version = answering.version_for_nonce(nonce)
    if version is None or version.response.consultation_id != consultation.id:
        return None
    return version.response


def staged_entry(consultation: Consultation, staged_id: Any) -> Response | None:
    """A staged entry of this consultation by its id as the form carries it, or None."""
    try:
        response_id = int(staged_id)
    except (TypeError, ValueError):
        return None
    if not 0 < response_id < 2**31:  # beyond the column, so no entry's
        return None
    response = db.session.get(Response, response_id)
    if (
        response is None
        or response.consultation_id != consultation.id
        or response.entered_by_id is None
        or response.status != ResponseStatus.DRAFT
        or response.versions
    ):
        return None
    return response


def _file_problem(upload: FileStorage, max_bytes: int) -> tuple[bytes, str] | Any:
    """The file's bytes and type, or what is wrong with it: the answering flow's checks."""
    data = upload.stream.read(max_bytes + 1)
    if not data:
        return _l("The file is empty.")
    if len(data) > max_bytes:
        size = f"{max_bytes / 1_000_000:g}".replace(".", ",")
        return _l(
            "The file is larger than %(size)s MB. Make it smaller, e.g. save it as PDF.", size=size
        )
    try:
        content_type = files.detect_type(data)
    except archives.ArchiveError as refused:
        return refused.message
    if content_type is None:
        return _l("The file must be a PDF, Word (DOCX) or OpenDocument (ODT) file.")
    return data, content_type


def _display_name(filename: str, content_type: str) -> str:
    stem = secure_filename(filename.rsplit(".", 1)[0])[:150] or "svar"
    return f"{stem}.{files.EXTENSIONS[content_type]}"


def stage_files(
    consultation: Consultation,
    staged: Response | None,
    uploads: Iterable[FileStorage],
    remove_ids: Iterable[str],
    user_id: int,
    organisation_name: str,
    max_bytes: int,
    now: datetime,
) -> tuple[Response | None, list[Any]]:
    """Keep the chosen files in a staged entry (made when the first file comes) and take out
    the ones ticked for removal. Returns the staged entry and a message for each file refused.

    A staged entry left without files is deleted: it holds nothing else.
    """
    if not accepts_entries(consultation):
        raise EntryError(_l("Answers can be registered once the consultation is open."))
    if staged is not None:
        wanted_out = set(remove_ids)
        for attachment in list(staged.draft_attachments):
            if str(attachment.id) in wanted_out:
                staged.attachments.remove(attachment)
    problems: list[Any] = []
    for upload in uploads:
        if not upload or not upload.filename:
            continue
        found = _file_problem(upload, max_bytes)
        name = upload.filename[:200]
        if not isinstance(found, tuple):
            problems.append(_l("%(name)s: %(problem)s", name=name, problem=found))
            continue
        kept = len(staged.draft_attachments) if staged is not None else 0
        if kept >= files.MAX_FILES:
            problems.append(
                _l("%(name)s: at most %(count)d files can be attached.", name=name,
                   count=files.MAX_FILES)
            )  # fmt: skip
            continue
        if staged is None:
            staged = Response(
                consultation=consultation,
                status=ResponseStatus.DRAFT,
                channel=Channel.EMAIL,
                entered_by_id=user_id,
                created_at=now,
                saved_at=now,
            )
            db.session.add(staged)
        data, content_type = found
        staged.attachments.append(
            Attachment(
                filename=_display_name(upload.filename, content_type),
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                created_at=now,
            )
        )
    if staged is not None:
        staged.organisation_name = organisation_name.strip()[:ORGANISATION_NAME_MAX]
        staged.saved_at = now
        if not staged.attachments:
            db.session.delete(staged)
            staged = None
    db.session.flush()
    return staged, problems


def answer_problems(questions: list[Question], form: MultiDict) -> dict[int, Any]:
    """What is wrong with the answers as typed, by question id. None is required: a letter
    answers what it answers."""
    problems = {}
    for question in questions:
        found = answer_rules.problem(
            question, answer_rules.read_answer(question, form), final=False
        )
        if found:
            problems[question.id] = found
    return problems


def enter_response(
    consultation: Consultation,
    staged: Response | None,
    entry: Entry,
    form: MultiDict,
    user_id: int,
    nonce: str,
    now: datetime,
) -> Response:
    """Register an answer that arrived outside the form, with the staged entry's files.

    The caller has checked the answers (``answer_problems``) and looked for an earlier request
    with the same nonce (``entered_before``); a concurrent one with the same nonce fails on the
    version's unique nonce, which the caller treats as a repeat.
    """
    if not accepts_entries(consultation):
        raise EntryError(_l("Answers can be registered once the consultation is open."))
    response = staged or Response(consultation=consultation, created_at=now)
    answering.apply_respondent(response, entry.respondent, contact_required=False)
    response.channel = entry.channel
    response.entered_by_id = user_id
    response.saved_at = now
    db.session.add(response)
    db.session.flush()
    answering.write_answers(response, consultation.questions, form)
    with tally.kept_for(response):
        if response.versions:
            raise AlreadyEntered(_l("This answer has already been registered."))
        answers = answering.draft_answers(response)
        version = answering.record_version(response, answers, nonce, now)
        version.received_at = arrival_moment(entry.received_on)
    notify_registrar(version, now)
    audit.record(
        "response.enter",
        f"response:{response.id}",
        consultation.region,
        f"channel={entry.channel.value}",
    )
    db.session.flush()
    return response
