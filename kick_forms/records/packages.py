"""The consultation's incoming documents together: the list a registrar imports, and every
answer as PDF with its files in one ZIP.

Every submitted version is an incoming document, withdrawn answers' too: they arrived, and the
list marks them withdrawn. Both are written in the records' language (see ``record_language``),
and name each version's sender as it was when the version was sent (``records.sender``).

The ZIPs (this one and the archive package) are written while they are sent, one entry at a
time: drawing a PDF takes a few tenths of a second, so a ZIP of hundreds made whole before its
first byte would outlast the proxy's timeout, and hold every file in memory at once.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from kick_forms.board import exports
from kick_forms.board.exports import Cell, Table
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import Attachment, Consultation, Response, ResponseVersion
from kick_forms.records import documents
from kick_forms.records.labels import channel_label, record_language
from kick_forms.records.sender import sender_of
from kick_forms.records.services import answer_title

# Characters a folder name must not have on any common file system, and control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
FOLDER_NAME_MAX = 60


def incoming_versions(consultation: Consultation) -> list[ResponseVersion]:
    """Every submitted version of every answer, in order of arrival."""
    return list(
        db.session.scalars(
            select(ResponseVersion)
            .join(Response, Response.id == ResponseVersion.response_id)
            .where(Response.consultation_id == consultation.id)
            .options(
                joinedload(ResponseVersion.response).selectinload(Response.versions),
                selectinload(ResponseVersion.attachments),
            )
            .order_by(
                func.coalesce(ResponseVersion.received_at, ResponseVersion.submitted_at),
                ResponseVersion.id,
            )
        )
    )


def incoming_table(consultation: Consultation) -> Table:
    """The "inkomna handlingar" list: one row per incoming document, for the records system."""
    with record_language():
        headers = [
            _("Arrived"),
            _("Reference"),
            _("Sender"),
            _("Organisation number"),
            _("Title"),
            _("Registration number (diarienummer)"),
            _("Channel"),
            _("Files"),
            _("Status"),
        ]
        rows = [_incoming_row(consultation, version) for version in incoming_versions(consultation)]
    return Table(headers=headers, rows=rows)


def _incoming_row(consultation: Consultation, version: ResponseVersion) -> list[Cell]:
    sender = sender_of(version)
    return [
        exports.local_minute(version.arrived_at),
        version.reference,
        sender.organisation_name,
        sender.organisation_number or "",
        answer_title(sender.organisation_name, consultation.title),
        consultation.registry_number or "",
        channel_label(version.response.channel),
        "; ".join(attachment.filename for attachment in version.attachments),
        _status(version),
    ]


def _status(version: ResponseVersion) -> str:
    response = version.response
    if response.withdrawn_at is not None:
        return _("Withdrawn")
    latest = response.versions[-1]
    if latest.number > version.number:
        return _("Replaced by %(reference)s", reference=latest.reference)
    return ""


def folder_name(version: ResponseVersion) -> str:
    """An answer's folder: its reference and the organisation as its latest version names it, as
    a safe name on any disk."""
    reference = version.response.reference
    name = _UNSAFE.sub(" ", sender_of(version).organisation_name)
    name = " ".join(name.split())[:FOLDER_NAME_MAX].strip(" .")
    return f"{reference} {name}" if name else reference


class Entry(NamedTuple):
    """One file of a ZIP: where it goes, its bytes, and the time the ZIP gives it."""

    path: str
    data: bytes
    moment: datetime


class _Sink:
    """Where a ZIP is written: the bytes wait here until taken and sent. It cannot seek, so
    ``zipfile`` writes each entry's checksum and sizes after its data (a data descriptor)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the bytes wait for ``take``."""

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def zip_stream(entries: Iterable[Entry]) -> Iterator[bytes]:
    """A ZIP of the entries, handed on entry by entry as each is made: memory holds the entry
    being written and the list of names for the ZIP's directory, which comes last."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            add_file(archive, entry.path, entry.data, entry.moment)
            yield sink.take()
    yield sink.take()


def add_file(archive: zipfile.ZipFile, path: str, data: bytes, moment: datetime) -> None:
    info = zipfile.ZipInfo(path, date_time=exports.zip_time(moment))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def by_answer(versions: list[ResponseVersion]) -> list[list[ResponseVersion]]:
    """The versions grouped by answer, in order of the answers' first arrival, each answer's
    versions by number."""
    grouped: dict[int, list[ResponseVersion]] = {}
    for version in versions:
        grouped.setdefault(version.response_id, []).append(version)
    return [sorted(group, key=lambda version: version.number) for group in grouped.values()]


def response_files(versions: list[ResponseVersion]) -> list[Attachment]:
    """The files of these versions, each once, in the order they were attached (their data is
    read by ``file_data`` when it is written)."""
    files = {file.id: file for version in versions for file in version.attachments}
    return [files[key] for key in sorted(files)]


def file_data(attachment: Attachment) -> bytes:
    """A file's bytes, read on their own: loaded onto the attachment, which the versions hold,
    every file of the consultation would stay in memory until the ZIP is done."""
    return db.session.scalars(select(Attachment.data).where(Attachment.id == attachment.id)).one()


def answers_zip(consultation: Consultation, with_contact: bool) -> Iterator[bytes]:
    """Every incoming document as PDF/A, a folder per answer with the files of all its versions,
    as a ZIP written while it is sent (see above)."""
    return zip_stream(_answer_entries(consultation, with_contact))


def _answer_entries(consultation: Consultation, with_contact: bool) -> Iterator[Entry]:
    for versions in by_answer(incoming_versions(consultation)):
        folder = folder_name(versions[-1])
        used: set[str] = set()
        for version in versions:
            name = exports.unique_name(documents.pdf_name(version), used)
            data = documents.answer_pdf(version, with_contact)
            yield Entry(f"{folder}/{name}", data, version.arrived_at)
        for attachment in response_files(versions):
            name = exports.unique_name(exports.base_name(attachment.filename), used)
            yield Entry(f"{folder}/{name}", file_data(attachment), attachment.created_at)
