"""Dialogue meetings held alongside the form, with their minutes (PDF, DOCX or ODT)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from kick_forms.archives import ArchiveError
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Consultation, DialogueMeeting
from kick_forms.refusal import Refused
from kick_forms.responses.attachments import EXTENSIONS, detect_type

MINUTES_MAX_BYTES = 10 * 1000 * 1000


class MeetingError(Refused):
    """A meeting or its minutes refused, with a message for staff."""


@dataclass
class MeetingData:
    held_on: date
    place: str
    participants: int | None
    summary: str


def meetings_of(consultation: Consultation) -> list[DialogueMeeting]:
    return list(
        db.session.scalars(
            select(DialogueMeeting)
            .filter_by(consultation_id=consultation.id)
            .order_by(DialogueMeeting.held_on, DialogueMeeting.id)
        )
    )


def read_minutes(upload: FileStorage | None) -> tuple[str, str, bytes] | None:
    """(file name, type, bytes) of an uploaded file of minutes, None when none was chosen."""
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(MINUTES_MAX_BYTES + 1)
    if len(data) > MINUTES_MAX_BYTES:
        raise MeetingError(_l("The minutes may be at most 10 MB."))
    try:
        content_type = detect_type(data) if data else None
    except ArchiveError as refused:
        raise MeetingError(refused.message) from None
    if content_type is None:
        raise MeetingError(_l("The minutes must be a PDF, Word (DOCX) or OpenDocument (ODT) file."))
    stem = secure_filename(upload.filename.rsplit(".", 1)[0])[:150] or "protokoll"
    return f"{stem}.{EXTENSIONS[content_type]}", content_type, data


def add_meeting(
    consultation: Consultation,
    data: MeetingData,
    minutes: tuple[str, str, bytes] | None,
    now: datetime,
) -> DialogueMeeting:
    meeting = DialogueMeeting(
        consultation_id=consultation.id,
        held_on=data.held_on,
        place=data.place.strip(),
        participants=data.participants,
        summary=data.summary.strip(),
        created_at=now,
    )
    if minutes is not None:
        meeting.minutes_filename, meeting.minutes_type, meeting.minutes = minutes
    db.session.add(meeting)
    db.session.flush()
    return meeting


def meeting_of(consultation: Consultation, meeting_id: int) -> DialogueMeeting | None:
    return db.session.scalars(
        select(DialogueMeeting).filter_by(id=meeting_id, consultation_id=consultation.id)
    ).one_or_none()
