"""Exports: responses as CSV, XLSX and ZIP for staff; the board printed and as PDF for all."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event

from kick_forms.board import exports
from kick_forms.extensions import db
from kick_forms.models import Attachment, ResponseContact, Role
from kick_forms.timeutil import to_local
from tests.board.generated import add_response
from tests.conftest import login, make_user

STAFF_EXPORTS = ["export.csv", "export.xlsx", "attachments.zip"]
CONTACT_EMAIL = "karin.kontakt@example.se"
CONTACT_NAME = "Karin Kontaktsson"


def _questions(consultation):
    return {question.label: question for question in consultation.questions}


def _options(question):
    return {option.label: option.id for option in question.options}


def _staff_url(consultation, name):
    return f"/admin/r/kronoberg/c/{consultation.id}/{name}"


def _attach(response, filename, data):
    """A file sent with the response's current version, as the answering flow leaves it."""
    attachment = Attachment(
        filename=filename,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    response.attachments.append(attachment)
    if response.current_version is not None:
        response.current_version.attachments.append(attachment)


@pytest.fixture
def answered(consultation):
    """Two submitted responses, a draft and a withdrawn one, with every kind of answer."""
    q = _questions(consultation)
    areas, first = _options(q["Områden"]), _options(q["Viktigast"])
    choir = add_response(
        consultation, name="Växjö kammarkör", municipality="0780", categories=["choir"],
        named=True,
        answers={
            q["Ort"]: "Växjö", q["Medlemmar"]: 42, q["Områden"]: ([areas["Film"]], "Dans"),
            q["Vad saknas?"]: "Fler scener i Älmhult och Åseda", q["Hur väl?"]: "4",
            q["Tillfrågade?"]: "dont_know", q["Viktigast"]: ([first["B"]], None),
        },
    )  # fmt: skip
    choir.organisation_number = "802012-3456"
    choir.amended_at = choir.submitted_at + timedelta(hours=2)
    choir.contact = ResponseContact(name=CONTACT_NAME, email=CONTACT_EMAIL)
    _attach(choir, "remissvar.pdf", b"%PDF-1.4 choir statement")
    _attach(choir, "remissvar.pdf", b"%PDF-1.4 second file, same name")
    heritage = add_response(
        consultation, name="=HYPERLINK(\"http://evil.example\",\"klicka\")",
        municipality="0764", categories=["local_heritage", "study_association"], named=False,
        answers={
            q["Ort"]: "+46 470 123", q["Medlemmar"]: 1200, q["Områden"]: ([areas["Museer"]], None),
            q["Vad saknas?"]: "-ingenting", q["Hur väl?"]: "1", q["Tillfrågade?"]: "yes",
        },
    )  # fmt: skip
    _attach(heritage, "yttrande.pdf", b"%PDF-1.4 heritage")
    draft = add_response(consultation, name="Utkastföreningen", municipality="0765",
                         categories=["choir"], named=True, answers={q["Ort"]: "Älmhult"},
                         status="draft")  # fmt: skip
    _attach(draft, "utkast.pdf", b"%PDF-1.4 draft")
    add_response(consultation, name="Återtagna föreningen", municipality="0765",
                 categories=["choir"], named=True, answers={q["Ort"]: "Älmhult"},
                 status="withdrawn")  # fmt: skip
    db.session.commit()
    return choir, heritage


@pytest.fixture
def staff(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    return client


def _xlsx_rows(client, consultation):
    response = client.get(_staff_url(consultation, "export.xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _csv_rows(client, consultation):
    response = client.get(_staff_url(consultation, "export.csv"))
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_xlsx_has_one_row_per_submitted_response_with_its_answers(staff, consultation, answered):
    choir, heritage = answered
    sheet, rows = _xlsx_rows(staff, consultation)

    assert sheet.title == "Svar"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert [row[sheet.cell(1, 1).value] for row in rows] == [choir.reference, heritage.reference]
    first, second = rows
    assert first["1.1 Ort"] == "Växjö"
    assert first["1.2 Medlemmar"] == 42 and second["1.2 Medlemmar"] == 1200
    assert isinstance(first["1.2 Medlemmar"], int)
    assert (first["1.3 Områden: Museer"], first["1.3 Områden: Film"]) == (0, 1)
    assert (second["1.3 Områden: Museer"], second["1.3 Områden: Film"]) == (1, 0)
    assert first["1.3 Områden: Annat"] == "Dans" and second["1.3 Områden: Annat"] is None
    assert first["2.1 Vad saknas?"] == "Fler scener i Älmhult och Åseda"
    assert first["2.2 Hur väl?"] == 4 and second["2.2 Hur väl?"] == 1
    assert (first["2.3 Tillfrågade?"], second["2.3 Tillfrågade?"]) == ("Vet inte", "Ja")
    assert first["2.4 Viktigast"] == "B" and second["2.4 Viktigast"] is None
    assert "802012-3456" in first.values()
    assert "Kör" in first.values() and "Studieförbund, Hembygdsförening" in second.values()
    assert "Växjö kammarkör" in first.values() and "Alvesta" in second.values()
    sent = to_local(choir.submitted_at).replace(tzinfo=None, second=0, microsecond=0)
    assert sent in first.values()
    assert sent + timedelta(hours=2) in first.values()


def test_csv_is_utf8_with_bom_and_semicolons_for_swedish_excel(staff, consultation, answered):
    choir, heritage = answered
    response, rows = _csv_rows(staff, consultation)

    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.mimetype == "text/csv"
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert header.count(";") == len(rows[0]) - 1
    assert len(rows) == 3  # the header and the two submitted responses
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["2.1 Vad saknas?"] == "Fler scener i Älmhult och Åseda"
    assert first["1.2 Medlemmar"] == "42"
    assert first["1.3 Områden: Film"] == "1" and first["1.3 Områden: Museer"] == "0"
    sent = to_local(choir.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert sent in rows[1]
    assert "Växjö" in rows[1] and "Alvesta" in rows[2]


def test_formulas_in_answers_are_neutralised(staff, consultation, answered):
    _response, rows = _csv_rows(staff, consultation)
    heritage = dict(zip(rows[0], rows[2], strict=True))
    assert '\'=HYPERLINK("http://evil.example","klicka")' in rows[2]
    assert heritage["1.1 Ort"] == "'+46 470 123"
    assert heritage["2.1 Vad saknas?"] == "'-ingenting"

    sheet, _rows = _xlsx_rows(staff, consultation)
    texts = [cell for row in sheet.iter_rows(min_row=3, max_row=3) for cell in row]
    assert not [cell for cell in texts if cell.data_type == "f"]
    assert any(cell.value == "'+46 470 123" for cell in texts)


def test_zip_holds_the_files_of_submitted_responses(staff, consultation, answered):
    choir, heritage = answered
    response = staff.get(_staff_url(consultation, "attachments.zip"))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert files == {
        f"{choir.reference}-remissvar.pdf": b"%PDF-1.4 choir statement",
        f"{choir.reference}-remissvar-2.pdf": b"%PDF-1.4 second file, same name",
        f"{heritage.reference}-yttrande.pdf": b"%PDF-1.4 heritage",
    }


def test_downloads_are_named_after_the_consultation_and_not_cached(staff, consultation):
    for name, extension in [("export.csv", "csv"), ("export.xlsx", "xlsx")]:
        response = staff.get(_staff_url(consultation, name))
        disposition = response.headers["Content-Disposition"]
        assert disposition == f"attachment; filename=kulturplan-svar.{extension}"
        assert response.headers["Cache-Control"] == "no-store"
    response = staff.get(_staff_url(consultation, "attachments.zip"))
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Disposition"].endswith(".zip")


def test_no_contact_person_in_any_export(staff, consultation, answered):
    consultation.board_visibility = "while_open"
    db.session.commit()
    sheet, _rows = _xlsx_rows(staff, consultation)
    cells = [str(value) for row in sheet.iter_rows(values_only=True) for value in row]
    downloads = [staff.get(_staff_url(consultation, name)).data for name in STAFF_EXPORTS]
    with zipfile.ZipFile(io.BytesIO(downloads[2])) as archive:
        unpacked = b"".join(archive.read(name) for name in archive.namelist())
        names = " ".join(archive.namelist())
    pdf = _pdf_text(staff.get("/r/kronoberg/c/kulturplan/board.pdf").data)
    print_page = staff.get("/r/kronoberg/c/kulturplan/board/print").get_data(as_text=True)
    for secret in (CONTACT_EMAIL, CONTACT_NAME):
        assert not [cell for cell in cells if secret in cell]
        assert secret.encode() not in downloads[0] + unpacked
        assert secret not in names and secret not in pdf and secret not in print_page


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_is_text_with_the_title_and_totals(client, consultation, answered):
    consultation.board_visibility = "while_open"
    db.session.commit()
    response = client.get("/r/kronoberg/c/kulturplan/board.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"%PDF-")
    text = _pdf_text(response.data)
    assert "Kulturplan 2027–2030" in text
    assert "Kronoberg" in text
    assert re.search(r"Svar\s+2\b", text), text  # two submitted responses
    assert re.search(r"Kommuner som nåtts\s+2\b", text), text
    assert "Växjö" in text and "Fler scener i Älmhult och Åseda" in text
    # The same charts and map as the board, their figures as text.
    assert "Svar per kommun på kartan" in text and "Inga svar" in text
    assert re.search(r"Växjö\s+1 \(50\s%\)", text), text
    assert "Utkastföreningen" not in text and "Återtagna" not in text


def test_print_page_follows_the_boards_visibility(client, consultation, answered):
    url = "/r/kronoberg/c/kulturplan/board/print"
    consultation.board_visibility = "when_published"
    db.session.commit()
    assert client.get(url).status_code == 404
    assert client.get("/r/kronoberg/c/kulturplan/board.pdf").status_code == 404
    consultation.board_visibility = "while_open"
    db.session.commit()
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kulturplan 2027–2030" in html and "css/print.css" in html
    assert 'id="board-results"' in html and "data-hx-get" not in html
    assert "export.xlsx" not in html  # the public get no links to staff exports


def test_board_links_to_print_and_pdf_and_staff_also_to_exports(client, consultation):
    consultation.board_visibility = "while_open"
    db.session.commit()
    public = client.get("/r/kronoberg/c/kulturplan/board").get_data(as_text=True)
    assert "/board/print" in public and "/board.pdf" in public and "export.xlsx" not in public
    login(client, make_user("kronoberg", Role.VIEWER))
    staff_list = client.get(f"/admin/r/kronoberg/c/{consultation.id}/responses")
    html = staff_list.get_data(as_text=True)
    assert all(name in html for name in STAFF_EXPORTS) and "/board.pdf" in html


@pytest.mark.parametrize("name", STAFF_EXPORTS)
def test_staff_exports_are_404_for_another_regions_staff(client, consultation, name):
    login(client, make_user("blekinge", Role.ADMIN))
    assert client.get(_staff_url(consultation, name)).status_code == 404


@pytest.mark.parametrize("name", STAFF_EXPORTS)
def test_staff_exports_send_anonymous_visitors_to_login(client, consultation, name):
    response = client.get(_staff_url(consultation, name))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_an_empty_consultation_exports_headers_only(staff, consultation):
    _response, rows = _csv_rows(staff, consultation)
    assert len(rows) == 1 and "2.2 Hur väl?" in rows[0]
    response = staff.get(_staff_url(consultation, "attachments.zip"))
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.namelist() == []


def _statements(app, consultation) -> int:
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        db.session.expire_all()
        with app.test_request_context():  # the headers are translated
            exports.response_table(consultation)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_table_costs_the_same_queries_for_two_or_ten_responses(app, consultation):
    q = _questions(consultation)
    areas = _options(q["Områden"])

    def add(count):
        for index in range(count):
            answers = {q["Ort"]: "Växjö", q["Områden"]: ([areas["Film"]], None)}
            add_response(consultation, name=f"Förening {index}", municipality="0780",
                         categories=["choir"], named=True, answers=answers)  # fmt: skip
        db.session.commit()

    add(2)
    few = _statements(app, consultation)
    add(8)
    assert _statements(app, consultation) == few
