"""The list of incoming documents a registrar imports, every answer as a ZIP, and the records'
columns in the staff exports."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import AuditEvent
from kick_forms.timeutil import to_local
from tests.records.conftest import APPENDIX, REGISTRY_NUMBER, STATEMENT, pdf_text, url

HEADERS = [
    "Inkom", "Referens", "Avsändare", "Organisationsnummer", "Titel", "Diarienummer", "Kanal",
    "Filer", "Status",
]  # fmt: skip


def _minute(moment):  # type: ignore[no-untyped-def]
    return to_local(moment).replace(tzinfo=None, second=0, microsecond=0)


def test_the_incoming_list_has_one_row_per_version_withdrawn_ones_marked(
    viewer, consultation, recorded
):
    choir, withdrawn = recorded.choir, recorded.withdrawn
    response = viewer.get(url(consultation, "records/incoming.xlsx"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=kulturplan-inkomna-handlingar.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == HEADERS
    by_reference = {row[1]: dict(zip(HEADERS, row, strict=True)) for row in rows}
    assert sorted(by_reference) == sorted(
        [f"{choir.reference}-1", f"{choir.reference}-2", f"{withdrawn.reference}-1"]
    )
    first, second = by_reference[f"{choir.reference}-1"], by_reference[f"{choir.reference}-2"]
    assert first["Titel"] == "Svar från Växjö kammarkör på Kulturplan 2027–2030"
    assert first["Avsändare"] == "Växjö kammarkör" and first["Organisationsnummer"] == "802012-3456"
    assert first["Diarienummer"] == REGISTRY_NUMBER and first["Kanal"] == "Webbformulär"
    assert first["Inkom"] == _minute(choir.versions[0].submitted_at)
    assert second["Inkom"] == _minute(choir.versions[1].submitted_at)
    assert first["Filer"] == "Yttrande från kören.pdf"
    assert second["Filer"] == "Yttrande från kören.pdf; Bilaga – siffror.pdf"
    assert first["Status"] == f"Ersatt av {choir.reference}-2" and second["Status"] is None
    assert by_reference[f"{withdrawn.reference}-1"]["Status"] == "Tillbakadraget"
    assert "Utkastföreningen" not in str(rows)


def test_the_incoming_list_as_csv_for_swedish_excel(viewer, consultation, recorded):
    response = viewer.get(url(consultation, "records/incoming.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADERS
    assert len(rows) == 4  # the header and three incoming documents
    [event] = db.session.scalars(select(AuditEvent).filter_by(action="responses.export")).all()
    assert event.subject == f"consultation:{consultation.id}" and "incoming-csv" in event.detail


def test_every_answer_as_pdf_in_a_folder_with_its_files(editor, consultation, recorded):
    choir, withdrawn = recorded.choir, recorded.withdrawn
    response = editor.get(url(consultation, "records/answers.zip"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    folder = f"{choir.reference} Växjö kammarkör"
    gone = f"{withdrawn.reference} Återtagna föreningen"
    assert sorted(files) == sorted(
        [
            f"{folder}/{choir.reference}-1.pdf",
            f"{folder}/{choir.reference}-2.pdf",
            f"{folder}/Yttrande från kören.pdf",
            f"{folder}/Bilaga – siffror.pdf",
            f"{gone}/{withdrawn.reference}-1.pdf",
        ]
    )
    assert files[f"{folder}/Yttrande från kören.pdf"] == STATEMENT
    assert files[f"{folder}/Bilaga – siffror.pdf"] == APPENDIX
    text = pdf_text(files[f"{folder}/{choir.reference}-2.pdf"])
    assert "Svar från Växjö kammarkör" in text and "Ännu fler scener i Ödeshög" in text


def test_the_staff_exports_carry_the_diarienummer_reference_arrival_and_channel(
    viewer, consultation, recorded
):
    choir = recorded.choir
    response = viewer.get(url(consultation, "export.xlsx"))
    header, *rows = list(
        load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    [row] = [dict(zip(header, row, strict=True)) for row in rows]
    assert row["Diarienummer"] == REGISTRY_NUMBER
    assert row["Handlingens referens"] == f"{choir.reference}-2"
    assert row["Inkom"] == _minute(choir.versions[1].submitted_at)
    assert row["Kanal"] == "Webbformulär"


def test_the_responses_page_links_the_records_and_the_archive_once_published(
    editor, consultation, recorded
):
    page = editor.get(url(consultation, "responses")).get_data(as_text=True)
    assert "records/incoming.xlsx" in page and "records/incoming.csv" in page
    assert "records/answers.zip" in page
    assert "records/archive.zip" not in page and "när resultatet är publicerat" in page
    consultation.status = "published"
    db.session.commit()
    page = editor.get(url(consultation, "responses")).get_data(as_text=True)
    assert "records/archive.zip" in page
