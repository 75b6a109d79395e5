"""Written statements attached to a response: PDF, DOCX or ODT, judged by their content.

Files are stored in the database, so every app server behind a load balancer sees them and a
database backup holds them too.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from kick_forms.extensions import db
from kick_forms.models import Attachment, Response
from kick_forms.responses.services import AnsweringError

MAX_FILES = 10
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", ODT: "odt"}


def detect_type(data: bytes) -> str | None:
    """PDF, DOCX or ODT from the bytes themselves; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
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
    if len(response.attachments) >= MAX_FILES:
        raise AnsweringError(_l("You can attach at most %(count)d files.", count=MAX_FILES))
    data = upload.stream.read(max_bytes + 1)
    if not data:
        raise AnsweringError(_l("The file is empty. Choose the file with your statement."))
    if len(data) > max_bytes:
        raise AnsweringError(
            _l("The file is larger than %(size)s MB. Make it smaller, e.g. save it as PDF.",
               size=_megabytes(max_bytes))
        )  # fmt: skip
    content_type = detect_type(data)
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
    response.attachments.remove(attachment)
    response.saved_at = now
    db.session.flush()
