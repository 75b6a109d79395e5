"""Written statements attached to a response: PDF, DOCX or ODT, judged by their content.

Files are stored in the database, so every app server behind a load balancer sees them and a
database backup holds them too.
"""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from kick_forms import archives
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Attachment, Response
from kick_forms.models.response import version_attachment
from kick_forms.responses.services import AnsweringError, require_open

MAX_FILES = 10
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", ODT: "odt"}
# A statement of up to 10 MB, pictures and all, unpacks to far less than this; a zip bomb to far
# more. Only the ODT's ``mimetype`` member (39 bytes) is ever read whole.
DOCUMENT_LIMITS = archives.Limits(members=2000, total_bytes=200_000_000, member_bytes=100_000_000)
MIMETYPE_MAX_BYTES = 1000


def detect_type(data: bytes) -> str | None:
    """PDF, DOCX or ODT from the bytes themselves; None for anything else.

    Raises ArchiveError for a DOCX or ODT that would unpack to too much (a zip bomb), with a
    message for the person who sent it.
    """
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with archives.open_archive(data, DOCUMENT_LIMITS) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archives.read_member(archive, "mimetype", MIMETYPE_MAX_BYTES).strip()
                == ODT.encode()
            ):
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def _display_name(filename: str, content_type: str) -> str:
    stem = secure_filename(filename.rsplit(".", 1)[0])[:150] or "remissvar"
    return f"{stem}.{EXTENSIONS[content_type]}"


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
               size=_megabytes(max_bytes))
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


def _megabytes(size: int) -> Any:
    return f"{size / 1_000_000:g}".replace(".", ",")


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
