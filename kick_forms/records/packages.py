"""The consultation's incoming documents together: the list a registrar imports, and every
answer as PDF with its files in one ZIP.

Every submitted version is an incoming document, withdrawn answers' too: they arrived, and the
list marks them withdrawn. Both are written in the records' language (see ``record_language``).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from kick_forms.board import exports
from kick_forms.board.exports import Table
from kick_forms.extensions import db
from kick_forms.models import Attachment, Consultation, Response, ResponseVersion
from kick_forms.records import documents
from kick_forms.records.labels import channel_label, record_language
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
        rows = [
            [
                exports.local_minute(version.arrived_at),
                version.reference,
                version.response.organisation_name,
                version.response.organisation_number or "",
                answer_title(version.response.organisation_name, consultation.title),
                consultation.registry_number or "",
                channel_label(version.response.channel),
                "; ".join(attachment.filename for attachment in version.attachments),
                _status(version),
            ]
            for version in incoming_versions(consultation)
        ]
    return Table(headers=headers, rows=rows)


def _status(version: ResponseVersion) -> str:
    response = version.response
    if response.withdrawn_at is not None:
        return _("Withdrawn")
    latest = response.versions[-1]
    if latest.number > version.number:
        return _("Replaced by %(reference)s", reference=latest.reference)
    return ""


def folder_name(response: Response) -> str:
    """An answer's folder: its reference and the organisation, as a safe name on any disk."""
    name = _UNSAFE.sub(" ", response.organisation_name)
    name = " ".join(name.split())[:FOLDER_NAME_MAX].strip(" .")
    return f"{response.reference} {name}" if name else response.reference


@contextmanager
def zip_file() -> Iterator[tuple[zipfile.ZipFile, io.BytesIO]]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        yield archive, buffer


def add_file(archive: zipfile.ZipFile, path: str, data: bytes, moment: datetime) -> None:
    info = zipfile.ZipInfo(path, date_time=exports.zip_time(moment))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def response_files(versions: list[ResponseVersion]) -> list[Attachment]:
    """The files of these versions, each once, their data loaded in one query."""
    ids = sorted({attachment.id for version in versions for attachment in version.attachments})
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.id.in_(ids))
            .options(undefer(Attachment.data))
            .order_by(Attachment.id)
        )
    )


def answers_zip(consultation: Consultation, with_contact: bool) -> bytes:
    """Every incoming document as PDF/A, a folder per answer with the files of all its versions.

    The PDFs are drawn one by one in the request (a few tenths of a second each).
    """
    by_response: dict[int, list[ResponseVersion]] = {}
    for version in incoming_versions(consultation):
        by_response.setdefault(version.response_id, []).append(version)
    with zip_file() as (archive, buffer):
        for versions in by_response.values():
            response = versions[0].response
            folder = folder_name(response)
            used: set[str] = set()
            for version in sorted(versions, key=lambda v: v.number):
                name = exports.unique_name(documents.pdf_name(version), used)
                data = documents.answer_pdf(version, with_contact)
                add_file(archive, f"{folder}/{name}", data, version.arrived_at)
            for attachment in response_files(versions):
                name = exports.unique_name(exports.base_name(attachment.filename), used)
                add_file(archive, f"{folder}/{name}", attachment.data, attachment.created_at)
    return buffer.getvalue()
