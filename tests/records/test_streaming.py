"""The two ZIPs are sent while their PDFs are drawn, so a big one never waits for its first byte
until the proxy gives up; what arrives is still one valid ZIP."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, ConsultationStatus
from kick_forms.records import documents
from kick_forms.timeutil import utcnow
from tests.records.conftest import pdf_text, url


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The PDFs drawn so far, by their HTML."""
    pages: list[str] = []
    draw = documents.draw_pdf

    def counted(html: str) -> bytes:
        pages.append(html)
        return draw(html)

    monkeypatch.setattr(documents, "draw_pdf", counted)
    return pages


def _first_bytes(response) -> tuple[bytes, Iterator[bytes]]:  # type: ignore[no-untyped-def]
    """The first bytes of a streamed body as a client receives them, and the rest to come."""
    chunks = iter(response.response)
    return next(chunk for chunk in chunks if chunk), chunks


def _downloads(detail: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.detail.like(f"{detail}%"))
    )


def test_the_answers_zip_begins_before_its_last_pdf_is_drawn(editor, consultation, recorded, drawn):
    response = editor.get(url(consultation, "records/answers.zip"))
    assert response.status_code == 200 and response.is_streamed
    assert "Content-Length" not in response.headers
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=kulturplan-svar-som-pdf.zip"
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert _downloads("format=answers-zip") == 1  # recorded before the first byte
    assert drawn == []

    first, rest = _first_bytes(response)
    assert first.startswith(b"PK\x03\x04")
    assert len(drawn) == 1  # the first of three PDFs is on its way, the others are not drawn
    data = first + b"".join(rest)
    response.close()
    assert len(drawn) == 3
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        first = f"{recorded.choir.reference} Växjö kammarkör/{recorded.choir.reference}-1.pdf"
        assert "Svar från Växjö kammarkör" in pdf_text(archive.read(first))
        assert len(archive.namelist()) == 5  # three PDFs, two files


def test_the_archive_package_begins_before_any_pdf_is_drawn_and_ends_with_its_manifest(
    editor, consultation, recorded, drawn
):
    now = utcnow()
    builder.change_status(consultation, ConsultationStatus.CLOSED, now)
    builder.change_status(consultation, ConsultationStatus.PUBLISHED, now)
    db.session.commit()
    response = editor.get(url(consultation, "records/archive.zip"))
    assert response.status_code == 200 and response.is_streamed
    assert _downloads("format=archive") == 1

    first, rest = _first_bytes(response)
    assert first.startswith(b"PK\x03\x04") and b"consultation/description.json" in first
    assert drawn == []  # the consultation's JSON comes before any PDF is drawn
    data = first + b"".join(rest)
    response.close()
    assert len(drawn) == 4  # the consultation's description and three answers
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert names[0] == "consultation/description.json" and names[-1] == "manifest.json"
