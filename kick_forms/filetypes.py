"""Office documents that people upload (PDF, Word, Excel, PowerPoint, OpenDocument), known by
their bytes, never by the name or type the browser claims.

Shared by the written statements of an answer, the minutes of dialogue meetings and the
documents of a consultation; each takes the subset it accepts.
"""

from __future__ import annotations

import zipfile

from werkzeug.utils import secure_filename

from kick_forms import archives

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PPTX: "pptx", ODT: "odt", ODS: "ods",
              ODP: "odp"}  # fmt: skip
# An Office Open XML package is known by the part its main document lives in.
_OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
_OPENDOCUMENT = (ODT, ODS, ODP)
# A document of up to tens of MB, pictures and all, unpacks to far less than this; a zip bomb
# to far more. Only the OpenDocument ``mimetype`` member (under 50 bytes) is ever read whole.
DOCUMENT_LIMITS = archives.Limits(members=2000, total_bytes=200_000_000, member_bytes=100_000_000)
MIMETYPE_MAX_BYTES = 1000


def detect_type(data: bytes) -> str | None:
    """The document's type from its bytes (one of ``EXTENSIONS``); None for anything else.

    Raises ArchiveError for a packaged document (DOCX, XLSX, ODT…) that would unpack to too
    much (a zip bomb), with a message for the person who sent it.
    """
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with archives.open_archive(data, DOCUMENT_LIMITS) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archives.read_member(archive, "mimetype", MIMETYPE_MAX_BYTES).strip()
                found = declared.decode("ascii", "replace")
                if found in _OPENDOCUMENT:
                    return found
            if "[Content_Types].xml" in names:
                for part, content_type in _OOXML_MAIN_PARTS.items():
                    if part in names:
                        return content_type
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def display_name(filename: str, content_type: str, fallback: str) -> str:
    """A safe file name for downloads: the uploaded name's stem, the extension of its type."""
    stem = secure_filename(filename.rsplit(".", 1)[0])[:150] or fallback
    return f"{stem}.{EXTENSIONS[content_type]}"


def megabytes(size: int) -> str:
    """Bytes as megabytes for a message: "10", "2,5"."""
    return f"{size / 1_000_000:g}".replace(".", ",")
