"""Importing registers as regions keep them: messy files, a per-row report, all or nothing."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import Organisation, RegisterEntry, RegisterImport, Role
from kick_forms.organisations import importing
from kick_forms.organisations import services as register
from tests.conftest import csrf_token, login, make_user, region
from tests.statements import counted


def _report(judged) -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    with force_locale("sv"):
        return {row.number: [str(problem) for problem in row.problems] for row in judged}


def _judge(data: bytes):  # type: ignore[no-untyped-def]
    table = importing.read_table(data)
    return importing.judge(
        region("kronoberg"),
        table,
        importing.guess_mapping(table.headers),
        make_user("kronoberg", Role.EDITOR),
    )


def _organisations() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation)) or 0


def test_windows_1252_with_semicolons_and_swedish_headers(app):
    text = (
        "Föreningens namn;Org.nr;Kommun;Typ av förening\r\n"
        "Växjö kammarkör;802455-1239;Växjö;Kör\r\n"
        "Älmhults hembygdsförening;;Älmhult kommun;Hembygdsförening\r\n"
        "Tingsryds spelmanslag;;Tingsryd;Folkdans, spelmanslag och folkmusik\r\n"
    )
    judged = _judge(text.encode("cp1252"))
    assert _report(judged) == {2: [], 3: [], 4: []}
    assert [row.data.name for row in judged] == [
        "Växjö kammarkör", "Älmhults hembygdsförening", "Tingsryds spelmanslag"
    ]  # fmt: skip
    assert judged[0].data.category_keys == ["choir"]
    assert judged[1].data.municipality_code == "0765"
    assert judged[2].data.category_keys == ["folk_music_dance"]


def test_utf8_with_bom_commas_extra_and_missing_columns(app):
    text = (
        "\ufeffNamn,Kontaktperson,Kommun,Anteckning,Hemsida\n"
        'Ljungby konstförening,Eva Ek,Ljungby,"ringde, vill vara med",https://konst.example.se\n'
        "\n"
        "Markaryds bygdegård,,0767,,\n"
    )
    judged = _judge(text.encode("utf-8"))
    assert _report(judged) == {2: [], 4: []}
    assert judged[0].data.website == "https://konst.example.se"
    assert judged[0].data.organisation_number is None  # no such column: nothing is made up
    assert judged[1].data.municipality_code == "0767"


def _xlsx() -> bytes:
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Instruktioner"
    notes["A1"] = "Fyll i en rad per förening."
    sheet = workbook.create_sheet("Register")
    sheet["A1"] = "Föreningsregister Kronoberg 2026"
    sheet.merge_cells("A1:D1")
    sheet.append(["Namn", "Organisationsnummer", "Kommun", "Kategori"])
    sheet.append(["Växjö kammarkör", "8024551239", "Växjö", "Kör"])
    sheet.append(["Växjö kammarkör", "", "Växjö", "Kör"])  # same name and municipality
    sheet.append(["Kören i Lessebo", "802455-1239", "Lessebo", "Kör"])  # same number
    sheet.append(["", "", "Växjö", ""])  # no name
    sheet.append(["Privat kör", "850101-1236", "Växjö", "Kör"])  # a personal identity number
    sheet.append(["Fel nummer", "802455-1238", "Växjö", "Kör"])  # check digit
    sheet.append(["Okänd ort", "", "Atlantis", "Kör"])
    sheet.append(["Okänd sort", "", "Växjö", "Dragspelsorkester"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_a_merged_title_and_an_extra_sheet_gets_a_report_per_row(app):
    judged = _judge(_xlsx())
    assert _report(judged) == {
        3: [],
        4: ["Samma namn och kommun som rad 3."],
        5: ["Samma organisationsnummer som rad 3."],
        6: ["Namnet saknas."],
        7: ["Organisationsnumret är ett personnummer; det importeras inte."],
        8: ["”802455-1238” är inte ett giltigt organisationsnummer."],
        9: ["Okänd kommun ”Atlantis”."],
        10: [],  # imported without its kind, and said so
    }
    with force_locale("sv"):
        assert [str(note) for note in judged[7].notes] == [
            "Okänd typ av organisation ”Dragspelsorkester”: importeras utan den."
        ]
    assert judged[7].data.category_keys == []
    # A personal identity number is not shown back in the preview.
    assert judged[4].values["organisation_number"] == "••••••-••••"


def test_nothing_is_imported_while_a_row_is_refused_unless_those_rows_are_skipped(app):
    judged = _judge(_xlsx())
    with pytest.raises(importing.ImportFileError):
        importing.import_rows(region("kronoberg"), judged, skip_refused=False)
    db.session.rollback()
    assert _organisations() == 0

    result = importing.import_rows(region("kronoberg"), judged, skip_refused=True)
    db.session.commit()
    assert (result.imported, result.skipped) == (2, 6)
    assert db.session.scalars(select(Organisation.name).order_by(Organisation.id)).all() == [
        "Växjö kammarkör", "Okänd sort"
    ]  # fmt: skip


def test_rows_already_in_the_register_are_duplicates_and_others_elsewhere_are_listed(app):
    register.register_organisation(
        region("kronoberg"),
        register.OrganisationData("Växjö kammarkör", "802455-1239", "0780", ["choir"]),
    )
    national = register.register_organisation(
        region("blekinge"),
        register.OrganisationData("Sveriges körförbund", "802000-0249", None, ["choir"]),
    )
    db.session.commit()
    text = (
        "Namn;Organisationsnummer;Kommun\n"
        "Kammarkören;802455-1239;Växjö\n"
        "VÄXJÖ KAMMARKÖR;;Växjö\n"
        "Sveriges körförbund;802000-0249;\n"
    ).encode()
    judged = _judge(text)
    assert _report(judged) == {2: [], 3: ["Samma organisation som rad 2."], 4: []}
    # Known to the region: an update, and no second organisation.
    choir = db.session.scalars(select(Organisation).filter_by(name="Växjö kammarkör")).one()
    assert judged[0].update_of == choir.id
    assert [(c.fact, c.old, c.new) for c in judged[0].changes] == [
        ("name", "Växjö kammarkör", "Kammarkören")
    ]
    importing.import_rows(region("kronoberg"), judged, skip_refused=True)
    db.session.commit()
    assert choir.name == "Växjö kammarkör"  # blanks only are filled unless staff choose
    # The national federation is listed by Kronoberg too, and stored once.
    assert _organisations() == 2
    regions = db.session.scalars(
        select(RegisterEntry.region_id).filter_by(organisation_id=national.id)
    ).all()
    assert sorted(regions) == sorted([region("kronoberg").id, region("blekinge").id])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen är tom."),
        (b"PK\x03\x04not really a workbook", "Excel"),
        (b"bara en rad utan rubriker", "rubrik"),
    ],
)
def test_files_that_are_not_registers_are_refused_with_a_reason(app, data, message):
    with pytest.raises(importing.ImportFileError) as refused, force_locale("sv"):
        importing.read_table(data)
    with force_locale("sv"):
        assert message in str(refused.value.message)


def test_staff_upload_map_check_and_import_through_the_pages(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    page = "/admin/r/kronoberg/organisations/import"
    token = csrf_token(client, page)
    text = "Förening;Ort;Kommun\nVäxjö kammarkör;Växjö;Växjö\n;;Växjö\n".encode("cp1252")
    uploaded = client.post(
        page,
        data={"csrf_token": token, "file": (io.BytesIO(text), "register.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    check_url = uploaded.headers["Location"]
    check = client.get(check_url).get_data(as_text=True)
    assert "2 rader lästa: 1 kan importeras, 1 avvisade" in check
    assert "Namnet saknas." in check
    # "Ort" is not a column we know; choosing it as the municipality is up to staff.
    remapped = client.post(
        check_url,
        data={"csrf_token": token, "map-name": "0", "map-municipality": "1"},
    ).get_data(as_text=True)
    assert 'id="map-municipality"' in remapped and "2 rader lästa" in remapped

    refused = client.post(f"{check_url}/run", data={"csrf_token": token})
    assert refused.status_code == 303 and refused.headers["Location"] == check_url
    assert _organisations() == 0
    done = client.post(f"{check_url}/run", data={"csrf_token": token, "skip": "yes"})
    assert done.status_code == 303
    assert db.session.scalars(select(Organisation.name)).all() == ["Växjö kammarkör"]
    assert client.get(check_url).status_code == 404  # an import runs once
    # The uploaded file, which may hold personal data, is not kept after the import.
    assert db.session.scalars(select(RegisterImport.data)).one() == b""

    bad = client.post(
        page,
        data={"csrf_token": token, "file": (io.BytesIO(b""), "tom.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "Filen är tom." in bad.get_data(as_text=True)


def test_a_large_import_inserts_its_organisations_in_a_few_statements(app):
    """Rows missing different facts (no number, no website, no municipality) still go in one
    INSERT per batch: grouped by what they lack, 20 000 rows took 19 s and grew with the
    square of the rows."""
    kronoberg = region("kronoberg")
    rows = [
        register.OrganisationData(
            name=f"Förening {number}",
            organisation_number=None,
            municipality_code="0780" if number % 2 else None,
            website=f"https://forening{number}.se" if number % 3 else None,
            size_band="small" if number % 5 else None,
        )
        for number in range(1, 601)
    ]
    with counted() as statements:
        register.register_many(kronoberg, rows)
    db.session.commit()
    assert len(statements.starting("INSERT INTO organisation ")) <= 2
    assert _organisations() == 600
    websites = db.session.scalars(
        select(Organisation.website).where(Organisation.name == "Förening 3")
    ).one()
    assert websites is None


def test_organisations_registered_together_under_one_name_each_get_their_own_facts(app):
    """Two rows may share a name and a municipality outside an import (it refuses that):
    each still gets its own organisation, kinds and entry."""
    register.register_many(
        region("kronoberg"),
        [
            register.OrganisationData("Kören", None, "0780", ["choir"]),
            register.OrganisationData("Kören", None, "0780", ["local_heritage"]),
        ],
    )
    db.session.commit()
    kinds = [
        [category.key for category in organisation.categories]
        for organisation in db.session.scalars(select(Organisation).order_by(Organisation.id))
    ]
    assert kinds == [["choir"], ["local_heritage"]]
