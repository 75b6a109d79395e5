"""Written statements attached to a response: PDF, DOCX or ODT, judged by their content.

Files are stored in the database, so every app server behind a load balancer sees them and a
database backup holds them too.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from kick_forms import archives, filetypes
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Attachment, Response
from kick_forms.models.response import version_attachment
from kick_forms.responses.services import AnsweringError, require_open

MAX_FILES = 10
PDF, DOCX, ODT = filetypes.PDF, filetypes.DOCX, filetypes.ODT
EXTENSIONS = {content_type: filetypes.EXTENSIONS[content_type] for content_type in (PDF, DOCX, ODT)}


def detect_type(data: bytes) -> str | None:
    """PDF, DOCX or ODT from the bytes themselves; None for anything else.

    Raises ArchiveError for a DOCX or ODT that would unpack to too much (a zip bomb), with a
    message for the person who sent it.
    """
    content_type = filetypes.detect_type(data)
    return content_type if content_type in EXTENSIONS else None


def _display_name(filename: str, content_type: str) -> str:
    return filetypes.display_name(filename, content_type, "remissvar")


def add_attachment(
    response: Response, upload: FileStorage, max_bytes: int, now: datetime
) -> Attachment:
    """Store an uploaded statement, or raise AnsweringError saying what is wrong with it."""
    require_open(response, now)
    if len(response.draft_attachments) >= MAX_FILES:
        raise AnsweringError(_l("You can attach at most %(count)d files.", count=MAX_FILES))
    data = upload.stream.read(max_bytes + 1)
    if not data:
        raise AnsweringError(_l("The file is empty. Choose the file with your statement."))
    if len(data) > max_bytes:
        raise AnsweringError(
            _l("The file is larger than %(size)s MB. Make it smaller, e.g. save it as PDF.",
               size=filetypes.megabytes(max_bytes))
        )  # fmt: skip
    try:
        content_type = detect_type(data)
    except archives.ArchiveError as refused:
        raise AnsweringError(refused.message) from None
    if content_type is None:
        raise AnsweringError(_l("The file must be a PDF, Word (DOCX) or OpenDocument (ODT) file."))
    attachment = Attachment(
        response=response,
        filename=_display_name(upload.filename or "", content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=now,
    )
    db.session.add(attachment)
    response.saved_at = now
    db.session.flush()
    return attachment


def remove_attachment(response: Response, attachment: Attachment, now: datetime) -> None:
    """Take a file out of the working copy. A version already sent keeps it, as the region
    received it; a file never sent is deleted."""
    require_open(response, now)
    sent = db.session.scalar(
        select(version_attachment.c.version_id)
        .where(version_attachment.c.attachment_id == attachment.id)
        .limit(1)
    )
    if sent is None:
        response.attachments.remove(attachment)
    else:
        attachment.removed_at = now
    response.saved_at = now
    db.session.flush()
