"""Importing the registers regions actually have: contact persons with their organisations,
files from Excel and from older Windows programs, totals rows, notes and merged cells, checked
row by row against what lands in the register."""

from __future__ import annotations

import io
import re

from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Organisation, OrganisationCategory, RegisterEntry, Role
from kick_forms.models.organisation import OrganisationContact
from kick_forms.organisations import importing
from tests.conftest import csrf_token, login, make_user, region
from tests.invitations.test_invitations import _delivered, _invite, _staff

IMPORT_PAGE = "/admin/r/kronoberg/organisations/import"

# As a municipality's old association register exports it: Windows-1252, semicolons,
# descriptions with commas, two contact persons in numbered columns, a further contact on a
# row of its own, kinds in the region's own words, a totals row and a note under the table.
WINDOWS_CSV = (
    "Föreningsregister Kronobergs län;;;;;;;;;;;\r\n"
    "Föreningens namn;Org.nr;Kommun;Typ av förening;Hemsida;Beskrivning;Kontaktperson;E-post;"
    "Telefon;Roll;Kontaktperson 2;E-post 2\r\n"
    "Växjö spelmanslag;802455-1239;Växjö;Spelmanslag;www.spelmanslag.se;Vi spelar polska, "
    "vals och schottis, varje tisdag;Anna Berg;anna@example.se;0470-12 34 56;Ordförande;"
    "Bo Ek;bo@example.se\r\n"
    "Ljungby kör;;Ljungby;Kör/sång;http://ljungbykor.se;Blandad kör, ca 40 sångare;"
    "Cilla Dahl;CILLA@Example.se;;Kassör;;\r\n"
    "Ljungby kör;;Ljungby;;;;Dan Lund;dan@example.se;070-111 22 33;Sekreterare;;\r\n"
    "Älmhults hembygdsförening;;Älmhult;Hembygd;;Gården, museet och arkivet;"
    "Eva Ek;;0476-100 00;Ordförande;;\r\n"
    "Karlshamns folkmusiker;;Karlshamn;Folkmusik;;;Fia Falk;fia@example.se;;;;\r\n"
    "Tingsryds dragspelsklubb;;Tingsryd;Dragspel;;;;;;;;\r\n"
    "Summa: 5 föreningar;;;;;;;;;;;\r\n"
    ";;;;;;;;;;;\r\n"
    "Anm: listan uppdaterades i mars av kulturförvaltningen;;;;;;;;;;;\r\n"
)


def _upload(client, name: str, data: bytes) -> str:  # type: ignore[no-untyped-def]
    token = csrf_token(client, IMPORT_PAGE)
    uploaded = client.post(
        IMPORT_PAGE,
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    return uploaded.headers["Location"]


def _tight(html: str) -> str:
    """The page without the white space between its tags."""
    return re.sub(r">\s+<", "><", html)


def _register() -> dict[str, dict[str, object]]:
    """Kronoberg's register as it stands: each organisation's facts and its contact persons."""
    kronoberg = region("kronoberg")
    organisations = db.session.scalars(
        select(Organisation)
        .join(RegisterEntry, RegisterEntry.organisation_id == Organisation.id)
        .where(RegisterEntry.region_id == kronoberg.id)
        .order_by(Organisation.id)
    ).all()
    return {
        organisation.name: {
            "number": organisation.organisation_number,
            "municipality": organisation.municipality_code,
            "kinds": sorted(category.key for category in organisation.categories),
            "website": organisation.website,
            "description": organisation.description,
            "contacts": [
                (contact.name, contact.email, contact.phone, contact.role)
                for contact in sorted(organisation.contacts_of(kronoberg), key=lambda c: c.id)
            ],
        }
        for organisation in organisations
    }


def test_a_windows_1252_semicolon_register_with_contacts_lands_row_by_row(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    check_url = _upload(client, "foreningar.csv", WINDOWS_CSV.encode("cp1252"))
    check = client.get(check_url).get_data(as_text=True)
    # Split on semicolons although the descriptions hold commas, and said so.
    assert '<option value=";" selected>Semikolon (;)</option>' in check
    assert "5 kan importeras, 0 avvisade" in check
    assert "Med dem 5 kontaktpersoner." in check
    # The preview shows what will be stored, not what the file says.
    assert "https://www.spelmanslag.se" in check
    assert "Folkdans, spelmanslag och folkmusik" in check
    # Nothing is silently lost: each row not imported as it stands is listed with its reason.
    assert "En summarad." in check
    assert "En anteckning, inte en organisation." in check
    assert "Ytterligare en kontaktperson för organisationen på rad 4." in check
    assert "Kontaktpersonen ”Eva Ek” har ingen e-postadress och importeras inte." in check
    assert "Karlshamn ligger inte i Region Kronoberg." in check
    assert "Okänd typ av organisation ”Dragspel”: importeras utan den." in check

    done = client.post(f"{check_url}/run", data={"csrf_token": csrf_token(client, check_url)})
    assert done.status_code == 303
    flashed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "5 organisationer importerade. 5 kontaktpersoner lades till." in flashed

    assert _register() == {
        "Växjö spelmanslag": {
            "number": "802455-1239", "municipality": "0780", "kinds": ["folk_music_dance"],
            "website": "https://www.spelmanslag.se",
            "description": "Vi spelar polska, vals och schottis, varje tisdag",
            "contacts": [("Anna Berg", "anna@example.se", "0470-12 34 56", "Ordförande"),
                         ("Bo Ek", "bo@example.se", None, None)],
        },
        "Ljungby kör": {
            "number": None, "municipality": "0781", "kinds": ["choir"],
            "website": "http://ljungbykor.se", "description": "Blandad kör, ca 40 sångare",
            "contacts": [("Cilla Dahl", "CILLA@example.se", None, "Kassör"),
                         ("Dan Lund", "dan@example.se", "070-111 22 33", "Sekreterare")],
        },
        "Älmhults hembygdsförening": {
            "number": None, "municipality": "0765", "kinds": ["local_heritage"],
            "website": None, "description": "Gården, museet och arkivet", "contacts": [],
        },
        "Karlshamns folkmusiker": {
            "number": None, "municipality": "1082", "kinds": ["folk_music_dance"],
            "website": None, "description": "",
            "contacts": [("Fia Falk", "fia@example.se", None, None)],
        },
        "Tingsryds dragspelsklubb": {
            "number": None, "municipality": "0763", "kinds": [], "website": None,
            "description": "", "contacts": [],
        },
    }  # fmt: skip
    # The contact persons are Kronoberg's: another region listing the same organisation
    # sees none of them.
    assert {contact.region_id for contact in db.session.scalars(select(OrganisationContact))} == {
        region("kronoberg").id
    }


def _workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Föreningar"
    sheet["A1"] = "Kulturföreningar i Kronoberg 2026"
    sheet.merge_cells("A1:D1")
    sheet.append(["Förening", "Organisationsnummer", "Kommun", "Kategori"])
    sheet.append(["Växjö kammarkör", "802455-1239", "Växjö", "Kör"])
    sheet.append(["Ljungby kyrkokör", "", "Ljungby", None])
    sheet.append(["Alvesta gospel", "", "Alvesta", None])
    sheet.merge_cells("D3:D5")  # one "Kör" beside three choirs
    sheet.append(["Lessebo teaterförening", "", "Lessebo", "Teater"])
    sheet.append(["Summa: 4 föreningar", None, None, None])
    sheet.append([None, None, None, None])
    sheet.append(["Obs! Kontaktuppgifterna finns på nästa blad.", None, None, None])
    people = workbook.create_sheet("Kontaktpersoner")
    people.append(["Förening", "Org.nr", "Namn", "E-post", "Telefon", "Roll"])
    people.append(["", "8024551239", "Anna Berg", "anna@example.se", "0470-1", "Ordförande"])
    people.append(["Växjö kammarkör", "", "Bo Ek", "bo@example.se", "", "Kassör"])
    people.append(["Alvesta gospel", "", "Cilla Dahl", "cilla@example.se", "", ""])
    people.append(["Ljungby kyrkokör", "", "Dan Lund", "dan@example", "", ""])
    people.append(["Tingsryds kör", "", "Eva Ek", "eva@example.se", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_a_contact_sheet_merged_cells_a_totals_row_and_notes(client):
    editor = make_user("kronoberg", Role.EDITOR)
    table = importing.read_table(_workbook())
    judgement = importing.judge(
        region("kronoberg"), table, importing.guess_mapping(table.headers), editor
    )
    assert table.contacts is not None and table.contacts.title == "Kontaktpersoner"
    rows = {row.number: row for row in judgement}
    # The merged "Kör" reaches the two choirs below it.
    assert [rows[n].data.category_keys for n in (3, 4, 5)] == [["choir"]] * 3
    assert rows[6].data.category_keys == ["amateur_theatre"]  # "Teater", a synonym
    with force_locale("sv"):
        assert str(rows[7].left_out) == "En summarad."
        assert str(rows[9].left_out) == "En anteckning, inte en organisation."
        problems = {(p.sheet, p.number): str(p.problem) for p in judgement.contact_problems}
    assert problems == {
        ("Kontaktpersoner", 5): "”dan@example” är inte en giltig e-postadress.",
        ("Kontaktpersoner", 6): "Ingen organisation i filen har det numret eller namnet.",
    }
    assert [(c.name, c.role) for c in rows[3].contacts] == [
        ("Anna Berg", "Ordförande"), ("Bo Ek", "Kassör")
    ]  # fmt: skip
    assert [c.email for c in rows[5].contacts] == ["cilla@example.se"]

    # The two contact rows that cannot be kept stop the import like a refused row, until
    # staff leave them out.
    login(client, editor)
    check_url = _upload(client, "register.xlsx", _workbook())
    token = csrf_token(client, check_url)
    assert client.post(f"{check_url}/run", data={"csrf_token": token}).status_code == 303
    assert _register() == {}
    client.post(f"{check_url}/run", data={"csrf_token": token, "skip": "yes"})
    register = _register()
    assert list(register) == [
        "Växjö kammarkör", "Ljungby kyrkokör", "Alvesta gospel", "Lessebo teaterförening"
    ]  # fmt: skip
    assert [c[0] for c in register["Växjö kammarkör"]["contacts"]] == ["Anna Berg", "Bo Ek"]
    assert register["Alvesta gospel"]["contacts"] == [
        ("Cilla Dahl", "cilla@example.se", None, None)
    ]
    assert register["Ljungby kyrkokör"]["kinds"] == ["choir"]


def test_staff_choose_the_separator_and_the_columns_follow(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    text = (
        "Namn;Kommun;Beskrivning\nVäxjö kör;Växjö;Sång, fika och resor\nLjungby kör;Ljungby;Sång\n"
    )
    check_url = _upload(client, "lista.csv", text.encode("utf-8"))
    token = csrf_token(client, check_url)
    comma = client.post(check_url, data={"csrf_token": token, "separator": ","})
    page = comma.get_data(as_text=True)
    assert '<option value="," selected>' in page
    assert "2 rader har ett annat antal kolumner än rubrikraden" in page
    semicolon = client.post(check_url, data={"csrf_token": token, "separator": ";"})
    page = semicolon.get_data(as_text=True)
    assert "2 kan importeras, 0 avvisade" in page
    assert "Sång, fika och resor" in page


def test_an_organisation_imported_with_its_contact_is_invited_at_once(client, consultation, smtp):
    staff = _staff(client)
    text = (
        "Namn;Kommun;Kategori;Kontaktperson;E-post\nVäxjö kör;Växjö;Kör;Anna Berg;anna@example.se\n"
    )
    check_url = _upload(staff, "ny.csv", text.encode("cp1252"))
    staff.post(f"{check_url}/run", data={"csrf_token": csrf_token(staff, check_url)})
    assert db.session.scalars(select(Organisation.name)).all() == ["Växjö kör"]
    _invite(staff, consultation)
    delivered = _delivered(smtp)
    assert list(delivered) == ["anna@example.se"]
    assert "Anna Berg" in delivered["anna@example.se"]
    assert db.session.scalar(select(OrganisationCategory.key).limit(1)) is not None


def test_a_second_import_shows_the_updates_and_applies_what_staff_choose(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    first = (
        "Namn;Org.nr;Kommun;Typ;Hemsida;Beskrivning;Kontaktperson;E-post\n"
        "Växjö spelmanslag;802455-1239;Växjö;Spelmanslag;www.gamla.se;;Anna Berg;anna@example.se\n"
        "Ljungby kör;;Ljungby;Kör;;Vi sjunger.;Bo Ek;bo@example.se\n"
    )
    check_url = _upload(client, "forsta.csv", first.encode("cp1252"))
    client.post(f"{check_url}/run", data={"csrf_token": csrf_token(client, check_url)})
    # Another region's organisation, listed by Kronoberg: its facts are not Kronoberg's.
    national = importing.register.register_organisation(
        region("blekinge"),
        importing.register.OrganisationData("Sveriges spelmän", "802000-0249", None, []),
    )
    importing.register.register_many(
        region("kronoberg"), [importing.register.OrganisationData("Sveriges spelmän",
                                                                  "802000-0249", None, [])]
    )  # fmt: skip
    db.session.commit()
    before = _register()

    second = (
        "Namn;Org.nr;Kommun;Typ;Hemsida;Beskrivning;Kontaktperson;E-post\n"
        "Växjö Spelmanslag;802455-1239;Växjö;;www.nya.se;Polska varje tisdag.;Cia Lund;"
        "cia@example.se\n"
        "Ljungby kör;;Ljungby;Kör;;;Bo Ek;bo@example.se\n"
        "Sveriges spelmän;802000-0249;;;www.spelman.se;;Dan Ek;dan@example.se\n"
        "Alvesta kör;;Alvesta;Kör;;;;\n"
    )
    check_url = _upload(client, "andra.csv", second.encode("cp1252"))
    check = _tight(client.get(check_url).get_data(as_text=True))
    # One sentence after the other, with a space between them.
    assert re.search(
        r"kontaktpersoner\. 3 av dem finns redan i registret: se uppdateringarna nedan\.", check
    )
    # Each change with the register's value and the file's; the name written otherwise and
    # the empty cells are no changes.
    assert (
        "<td>Webbplats</td><td>https://www.gamla.se</td><td>https://www.nya.se</td><td>Behålls</td>"
        in check
    )
    assert "<td>Beskrivning</td><td>–</td><td>Polska varje tisdag.</td><td>Ändrat</td>" in check
    assert "Behålls: Region Blekinge äger organisationens uppgifter." in check
    assert "Växjö Spelmanslag</td><td>Namn" not in check

    token = csrf_token(client, check_url)
    chosen = client.post(
        check_url, data={"csrf_token": token, "separator": ";", "map-name": "0",
                         "map-organisation_number": "1", "map-municipality": "2",
                         "map-categories": "3", "map-website": "4", "map-description": "5",
                         "map-contact_name": "6", "map-contact_email": "7",
                         "update-website": "overwrite", "update-name": "keep"},
    )  # fmt: skip
    chosen = _tight(chosen.get_data(as_text=True))
    assert '<option value="overwrite" selected>Skriv över med filens uppgift</option>' in chosen
    assert "<td>https://www.gamla.se</td><td>https://www.nya.se</td><td>Ändrat</td>" in chosen

    done = client.post(f"{check_url}/run", data={"csrf_token": token})
    flashed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert (
        "1 organisation importerad. 1 organisation uppdaterad. 2 kontaktpersoner lades till."
        in flashed
    )
    after = _register()
    assert after["Växjö spelmanslag"] == {
        **before["Växjö spelmanslag"],
        "website": "https://www.nya.se", "description": "Polska varje tisdag.",
        "contacts": [("Anna Berg", "anna@example.se", None, None),
                     ("Cia Lund", "cia@example.se", None, None)],
    }  # fmt: skip
    assert after["Ljungby kör"] == before["Ljungby kör"]  # Bo Ek once, nothing deleted
    assert after["Sveriges spelmän"]["website"] is None  # Blekinge's to change
    assert after["Sveriges spelmän"]["contacts"] == [("Dan Ek", "dan@example.se", None, None)]
    assert national.website is None
    assert after["Alvesta kör"]["kinds"] == ["choir"]


def test_who_may_change_a_known_organisations_facts_decides_the_update(app):
    """The register's own rule (``facts_changeable_by``): Kronoberg's editor may not change
    Blekinge's organisation, KICK's staff may."""
    shared = importing.register.register_organisation(
        region("blekinge"),
        importing.register.OrganisationData("Sveriges spelmän", "802000-0249", None, []),
    )
    importing.register.register_many(
        region("kronoberg"),
        [importing.register.OrganisationData("Sveriges spelmän", "802000-0249", None, [])],
    )
    db.session.commit()
    table = importing.read_table(
        b"Namn;Org.nr;Hemsida\nSveriges spelm\xe4n;802000-0249;spelman.se\n"
    )
    mapping = importing.guess_mapping(table.headers)
    for user, kept_by in ((make_user("kronoberg", Role.EDITOR), "Region Blekinge"),
                          (make_user(None, None, platform=True), None)):  # fmt: skip
        judgement = importing.judge(region("kronoberg"), table, mapping, user)
        assert judgement[0].owner == kept_by
    importing.import_rows(region("kronoberg"), judgement, False, {"website": "overwrite"})
    db.session.commit()
    assert shared.website == "https://spelman.se"
