"""The documents a consultation is about: the draft plan as PDF, its annexes.

Staff of the region attach, reorder and remove them in the builder, also while the
consultation is open. Stored in the database like the statements attached to answers, and
judged the same way: by their bytes, within the same size limit and zip-bomb checks.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from werkzeug.datastructures import FileStorage

from kick_forms import archives, filetypes
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Consultation
from kick_forms.models.plan import DOCUMENT_TITLE_MAX, ConsultationDocument
from kick_forms.refusal import Refused

MAX_DOCUMENTS = 20
# What a region publishes its plans in; the name people know each type by.
TYPE_NAMES = {
    filetypes.PDF: "PDF",
    filetypes.DOCX: "Word",
    filetypes.XLSX: "Excel",
    filetypes.PPTX: "PowerPoint",
    filetypes.ODT: _l("OpenDocument text"),
    filetypes.ODS: _l("OpenDocument spreadsheet"),
    filetypes.ODP: _l("OpenDocument presentation"),
}
ACCEPT = ",".join(
    [f".{extension}" for extension in filetypes.EXTENSIONS.values()] + list(filetypes.EXTENSIONS)
)


class DocumentError(Refused):
    """A document refused, with a message for the staff member and the field it concerns."""

    def __init__(self, message: object, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


def type_name(document: ConsultationDocument) -> str:
    return str(TYPE_NAMES.get(document.content_type, document.content_type))


def add_document(
    consultation: Consultation,
    title: str,
    upload: FileStorage | None,
    max_bytes: int,
    now: datetime,
) -> ConsultationDocument:
    """Attach a document at the end of the list, or raise DocumentError saying what is wrong."""
    title = " ".join((title or "").split())
    if not title:
        raise DocumentError(_l("Enter a title for the document."), "title")
    if len(title) > DOCUMENT_TITLE_MAX:
        raise DocumentError(
            _l("The title can be at most %(max)d characters.", max=DOCUMENT_TITLE_MAX), "title"
        )
    if len(consultation.documents) >= MAX_DOCUMENTS:
        raise DocumentError(
            _l("A consultation can have at most %(count)d documents.", count=MAX_DOCUMENTS)
        )
    if upload is None or not upload.filename:
        raise DocumentError(_l("Choose the file to attach."))
    data = upload.stream.read(max_bytes + 1)
    if not data:
        raise DocumentError(_l("The file is empty. Choose the file with the document."))
    if len(data) > max_bytes:
        raise DocumentError(
            _l("The file is larger than %(size)s MB. Make it smaller, e.g. save it as PDF.",
               size=filetypes.megabytes(max_bytes))
        )  # fmt: skip
    try:
        content_type = filetypes.detect_type(data)
    except archives.ArchiveError as refused:
        raise DocumentError(refused.message) from None
    if content_type is None:
        raise DocumentError(
            _l("The file must be a PDF, Word, Excel, PowerPoint or OpenDocument file.")
        )
    document = ConsultationDocument(
        title=title,
        filename=filetypes.display_name(upload.filename, content_type, "dokument"),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=now,
    )
    consultation.documents.append(document)
    db.session.flush()
    return document


def move_document(document: ConsultationDocument, direction: str) -> None:
    """One place up or down the list; at the end it stays put."""
    documents = document.consultation.documents
    index = documents.index(document)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(documents):
        documents.insert(target, documents.pop(index))
        documents.reorder()
    db.session.flush()


def remove_document(document: ConsultationDocument) -> None:
    """Take a document off the consultation: it is gone from every page and its address."""
    consultation = document.consultation
    consultation.documents.remove(document)
    consultation.documents.reorder()
    db.session.flush()
