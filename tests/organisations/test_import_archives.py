"""A register import judges an XLSX as an archive before openpyxl reads it: a zip bomb gets a
clear error, an honest register of thousands of rows still imports."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import Organisation, RegisterImport, Role
from tests import zip_bombs
from tests.conftest import csrf_token, login, make_user

PAGE = "/admin/r/kronoberg/organisations/import"
HEADER = ["Namn", "Organisationsnummer", "Kommun", "Kategori", "Webbplats", "Beskrivning"]


def _upload(client, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        PAGE,
        data={"csrf_token": csrf_token(client, PAGE), "file": (io.BytesIO(data), "register.xlsx")},
        content_type="multipart/form-data",
    )


def _register(rows: int) -> bytes:
    return zip_bombs.xlsx(
        [HEADER]
        + [
            [f"Förening nummer {number}", "", "Växjö", "Kör", f"https://f{number}.example.se",
             "Sjunger i kyrkor och på torg i hela länet."]
            for number in range(1, rows + 1)
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        (
            lambda honest: zip_bombs.with_member_replaced(
                honest, "xl/worksheets/sheet1.xml", 200_000_000
            ),
            "Filen kunde inte läsas: en del av den packas upp till mer än 50 MB.",
        ),
        (
            lambda honest: zip_bombs.claiming(
                zip_bombs.with_member_replaced(honest, "xl/styles.xml", 100_000_000),
                "xl/styles.xml",
                2000,
            ),
            "Filen kunde inte läsas: den är skadad",
        ),
    ],
    ids=["sheet-bomb", "styles-lying-header"],
)
def test_a_bomb_workbook_is_refused_with_a_clear_error(client, bomb, message):
    login(client, make_user("kronoberg", Role.EDITOR))
    refused = _upload(client, bomb(_register(3)))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert message in html and 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count()).select_from(RegisterImport)) == 0


def test_an_honest_register_of_thousands_of_rows_still_imports(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    uploaded = _upload(client, _register(5000))
    assert uploaded.status_code == 303, uploaded.get_data(as_text=True)
    check_url = uploaded.headers["Location"]
    check = client.get(check_url).get_data(as_text=True)
    thousands = "5\N{NO-BREAK SPACE}000"  # grouped as Swedish writes numbers
    assert f"{thousands} rader lästa: {thousands} kan importeras, 0 avvisade" in check
    done = client.post(f"{check_url}/run", data={"csrf_token": csrf_token(client, check_url)})
    assert done.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 5000


def _damaged(name: str, old: bytes, new: bytes) -> bytes:
    honest = _register(3)
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        content = archive.read(name)
    assert old in content
    return zip_bombs.with_member_replaced(honest, name, content.replace(old, new, 1))


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("xl/worksheets/sheet1.xml", b"</sheetData>", b""),  # XML cut short
        ("xl/worksheets/sheet1.xml", b'<row r="2">', b'<row r="2x">'),  # while rows are read
        ("xl/workbook.xml", b"showSheetTabs", b"show6heetTabs"),  # an attribute openpyxl lacks
    ],
    ids=["broken-xml", "bad-row-number", "unknown-attribute"],
)
def test_a_damaged_workbook_gets_a_clear_error_not_a_server_error(client, name, old, new):
    login(client, make_user("kronoberg", Role.EDITOR))
    refused = _upload(client, _damaged(name, old, new))
    assert refused.status_code == 422
    assert "Filen gick inte att läsa som en Excel-arbetsbok." in refused.get_data(as_text=True)
