"""The region's register of organisations: search, filters, pages, adding and changing."""

from __future__ import annotations

import re
from datetime import datetime
from unittest.mock import patch

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Organisation, OrganisationContact, RegisterEntry, Role
from kick_forms.organisations import services as register
from tests.board.test_charts import charts_of
from tests.conftest import csrf_token, login, make_user, region

REGISTER = "/admin/r/kronoberg/organisations"


def _list(slug: str, name: str, **details) -> Organisation:
    return register.register_organisation(
        region(slug),
        register.OrganisationData(
            name=name,
            organisation_number=details.get("number"),
            municipality_code=details.get("municipality"),
            category_keys=details.get("categories", []),
        ),
    )


def _names(html: str) -> list[str]:
    return re.findall(r'/organisations/\d+">([^<]+)</a>', html)


def test_search_filters_and_pages_work_without_javascript_and_as_fragments(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    _list("kronoberg", "Växjö kammarkör", municipality="0780", categories=["choir"],
          number="802455-1239")  # fmt: skip
    _list("kronoberg", "Ljungby hembygdsförening", municipality="0781",
          categories=["local_heritage"])  # fmt: skip
    _list("kronoberg", "Älmhults kör", municipality="0765", categories=["choir"])
    _list("blekinge", "Karlskrona kör", categories=["choir"])
    db.session.commit()

    everyone = client.get(REGISTER).get_data(as_text=True)
    assert _names(everyone) == ["Ljungby hembygdsförening", "Växjö kammarkör", "Älmhults kör"]
    assert "3 organisationer" in everyone  # Blekinge's register is not Kronoberg's

    choirs = client.get(f"{REGISTER}?category=choir").get_data(as_text=True)
    assert _names(choirs) == ["Växjö kammarkör", "Älmhults kör"]
    assert _names(client.get(f"{REGISTER}?q=KÖR&municipality=0765").get_data(as_text=True)) == [
        "Älmhults kör"
    ]
    by_number = client.get(f"{REGISTER}?q=8024551239").get_data(as_text=True)
    assert _names(by_number) == ["Växjö kammarkör"]
    assert "Ingen organisation" in client.get(f"{REGISTER}?q=%25").get_data(as_text=True)

    fragment = client.get(f"{REGISTER}?q=hembygd", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert 'id="register-results"' in html
    assert "<html" not in html and _names(html) == ["Ljungby hembygdsförening"]
    assert "HX-Request" in fragment.headers["Vary"]


def test_the_register_is_paged(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    for number in range(30):
        _list("kronoberg", f"Förening {number:02d}")
    db.session.commit()
    first = client.get(REGISTER).get_data(as_text=True)
    assert len(_names(first)) == 25 and "sida 1 av 2" in first
    second = client.get(f"{REGISTER}?page=2").get_data(as_text=True)
    assert _names(second) == [f"Förening {n}" for n in range(25, 30)]
    assert _names(client.get(f"{REGISTER}?page=99").get_data(as_text=True)) == _names(second)


def test_editors_add_and_change_organisations_and_a_known_number_is_listed_not_copied(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    blekinge_choir = _list("blekinge", "Riksförbundet Sveriges körer", number="802455-1239")
    db.session.commit()
    token = csrf_token(client, f"{REGISTER}/new")

    refused = client.post(
        f"{REGISTER}/new",
        data={"csrf_token": token, "name": "", "organisation_number": "850101-1236"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "personnummer" in html and "Ange organisationens namn" in html

    added = client.post(
        f"{REGISTER}/new",
        data={
            "csrf_token": token,
            "name": "Sveriges körer",
            "organisation_number": "8024551239",
            "municipality": "0780",
            "categories": ["choir"],
        },  # fmt: skip
    )
    assert added.status_code == 303
    # The organisation number was known: the national federation is now listed, once.
    assert db.session.scalars(select(Organisation)).all() == [blekinge_choir]
    regions = {entry.region.slug for entry in db.session.scalars(select(RegisterEntry))}
    assert regions == {"kronoberg", "blekinge"}
    again = client.post(
        f"{REGISTER}/new",
        data={"csrf_token": token, "name": "Körerna", "organisation_number": "802455-1239"},
    )
    assert again.status_code == 422 and "finns redan i registret" in again.get_data(as_text=True)

    # Blekinge registered it first and keeps its facts; Kronoberg cannot rewrite them.
    assert client.get(f"{REGISTER}/{blekinge_choir.id}/edit").status_code == 403
    own = _list("kronoberg", "Växjö kör", number="556036-0793")
    db.session.commit()
    changed = client.post(
        f"{REGISTER}/{own.id}/edit",
        data={
            "csrf_token": token,
            "name": "Växjö Körförbund",
            "organisation_number": "",
            "municipality": "0780",
            "categories": ["choir"],
            "size_band": "large",
            "website": "https://www.korforbundet.se",
            "description": "Riksförbund.",
        },  # fmt: skip
    )
    assert changed.status_code == 303
    page = client.get(changed.headers["Location"]).get_data(as_text=True)
    assert "Växjö Körförbund" in page and "100–499 medlemmar" in page


def test_an_organisation_outside_the_regions_register_is_not_found(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    elsewhere = _list("blekinge", "Karlskrona kör")
    db.session.commit()
    assert client.get(f"{REGISTER}/{elsewhere.id}").status_code == 404
    assert client.get(f"{REGISTER}/{elsewhere.id}/edit").status_code == 404


def test_the_exported_register_imports_again_as_it_was(client):
    from openpyxl import load_workbook

    from kick_forms.organisations import importing

    login(client, make_user("kronoberg", Role.VIEWER))
    _list("kronoberg", "Växjö kammarkör", municipality="0780",
          categories=["choir", "local_heritage"], number="802455-1239")  # fmt: skip
    _list("kronoberg", '=HYPERLINK("x")', municipality="0781")
    db.session.commit()

    exported = client.get(f"{REGISTER}/export.csv")
    assert exported.status_code == 200 and exported.headers["Cache-Control"] == "no-store"
    assert exported.data.startswith(b"\xef\xbb\xbf")
    text = exported.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Namn;Organisationsnummer;Kommun")
    assert "'=HYPERLINK" in text  # a formula is shown, never run

    # Another region imports Kronoberg's file: every row reads back the same.
    table = importing.read_table(exported.data)
    judged = importing.judge(
        region("blekinge"),
        table,
        importing.guess_mapping(table.headers),
        make_user("blekinge", Role.EDITOR),
    )
    assert [row.problems for row in judged] == [[], []]
    choir = next(row.data for row in judged if row.data.name == "Växjö kammarkör")
    assert (choir.organisation_number, choir.municipality_code) == ("802455-1239", "0780")
    assert choir.category_keys == ["local_heritage", "choir"]

    workbook = load_workbook(__import__("io").BytesIO(client.get(f"{REGISTER}/export.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Namn", "Organisationsnummer", "Kommun") and len(rows) == 3


def test_contact_persons_are_kept_apart_shown_to_editors_only_and_erasable(client):
    organisation = _list("kronoberg", "Växjö kammarkör", municipality="0780")
    db.session.commit()
    page = f"{REGISTER}/{organisation.id}"
    login(client, make_user("kronoberg", Role.EDITOR))
    token = csrf_token(client, page)
    bad = client.post(f"{page}/contacts", data={"csrf_token": token, "contact_name": "Eva Ek",
                                                "contact_email": "inte en adress"})  # fmt: skip
    assert bad.status_code == 422 and "namn@example.se" in bad.get_data(as_text=True)
    added = client.post(f"{page}/contacts", data={"csrf_token": token, "contact_name": "Eva Ek",
                                                  "contact_email": "eva@example.se",
                                                  "contact_phone": "0470-12 34 56",
                                                  "contact_role": "Ordförande"})  # fmt: skip
    assert added.status_code == 303
    shown = client.get(page).get_data(as_text=True)
    assert "Eva Ek (Ordförande) &lt;eva@example.se&gt;, 0470-12 34 56" in shown
    contact = db.session.scalars(select(OrganisationContact)).one()
    export = client.get(f"{page}/contacts/{contact.id}/export").get_json()
    assert export["contact_person"]["phone"] == "0470-12 34 56"
    assert export["contact_person"]["role"] == "Ordförande"

    viewer = client.application.test_client()
    login(viewer, make_user("kronoberg", Role.VIEWER))
    assert "eva@example.se" not in viewer.get(page).get_data(as_text=True)
    assert "eva@example.se" not in client.get(f"{REGISTER}/export.csv").data.decode("utf-8-sig")

    contact_id = db.session.scalars(select(OrganisationContact.id)).one()
    erased = client.post(f"{page}/contacts/{contact_id}/delete", data={"csrf_token": token})
    assert erased.status_code == 303
    assert db.session.scalars(select(OrganisationContact)).all() == []


def test_the_mapping_report_counts_kinds_by_municipality_and_shows_the_gaps(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    _list("kronoberg", "Växjö kammarkör", municipality="0780", categories=["choir"])
    _list("kronoberg", "Växjö hembygd", municipality="0780", categories=["local_heritage", "choir"])
    _list("kronoberg", "Ljungby kör", municipality="0781", categories=["choir"])
    _list("kronoberg", "Riksförbundet", categories=["choir"])  # no municipality
    _list("blekinge", "Karlskrona kör", municipality="1080", categories=["choir"])
    db.session.commit()

    report = register.mapping_report(region("kronoberg"))
    assert report.total == 4 and report.elsewhere == 1
    assert report.counts[("0780", "choir")] == 2 and report.counts[("0781", "choir")] == 1
    assert report.by_category == {"choir": 4, "local_heritage": 1}
    choir = next(c for c in report.categories if c.key == "choir")
    assert {m.code for m in report.gaps(choir)} == {m.code for m in report.municipalities} - {
        "0780",
        "0781",
    }
    assert [count for _, count in report.growth] == [4]

    html = client.get(f"{REGISTER}/report").get_data(as_text=True)
    assert "4 organisationer i registret" in html
    assert "Lessebo" in html and "Kör" in html


def test_the_mapping_reports_charts_draw_the_reports_counts(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    _list("kronoberg", "Växjö kammarkör", municipality="0780", categories=["choir"])
    _list("kronoberg", "Växjö hembygd", municipality="0780", categories=["local_heritage", "choir"])
    _list("kronoberg", "Ljungby kör", municipality="0781", categories=["choir"])
    _list("blekinge", "Karlskrona kör", municipality="1080", categories=["choir"])
    kronoberg = db.session.scalars(
        select(RegisterEntry).filter_by(region_id=region("kronoberg").id).order_by(RegisterEntry.id)
    ).all()
    for entry, added in zip(kronoberg, ["2025-01-05", "2025-01-20", "2025-03-31"], strict=True):
        entry.added_at = datetime.fromisoformat(added + "T12:00")
    db.session.commit()

    report = register.mapping_report(region("kronoberg"))
    assert report.growth == [("2025-01", 2), ("2025-02", 2), ("2025-03", 3)]  # February too
    html = client.get(f"{REGISTER}/report").get_data(as_text=True)
    charts = charts_of(html)

    kinds = charts["chart-kinds"]
    counts = [report.by_category.get(category.key, 0) for category in report.categories]
    assert sum(counts) == 4 and 0 in counts  # every kind drawn, the empty ones too
    assert kinds["labels"] == [category.name for category in report.categories]
    assert kinds["figures"] == [
        f"{count} ({round(count / report.total * 100)}\N{NO-BREAK SPACE}%)" for count in counts
    ]
    assert [int(row[1]) for row in kinds["rows"][1:]] == counts
    assert kinds["title"] == "Organisationer efter typ"
    assert kinds["desc"].startswith("3 organisationer i registret. ")

    growth = charts["chart-growth"]
    assert growth["labels"] == ["januari 2025", "februari 2025", "mars 2025"]
    assert growth["figures"] == [str(count) for _, count in report.growth] == ["2", "2", "3"]
    assert growth["rows"] == [["Månad", "Antal"], ["januari 2025", "2"],
                              ["februari 2025", "2"], ["mars 2025", "3"]]  # fmt: skip
    assert growth["desc"] == (
        "3 organisationer i registret. januari 2025: 2. februari 2025: 2. mars 2025: 3."
    )

    for chart in (kinds, growth):
        assert chart["svg"]["role"] == "img"
        assert chart["svg"]["aria-labelledby"] == f"{chart['title_id']} {chart['desc_id']}"
        assert f'id="{chart["title_id"]}"' in html and f'id="{chart["desc_id"]}"' in html
    assert html.count("Visa siffrorna som tabell") == 3  # both charts and the map
    assert 'class="chart"' not in html and 'class="bar"' not in html


def test_the_mapping_report_writes_large_figures_the_readers_way(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    report = register.Mapping(
        municipalities=register.mapping_report(region("kronoberg")).municipalities,
        categories=[], counts={}, by_municipality={"0780": 12345}, by_category={}, elsewhere=0,
        total=12345, growth=[("2025-01", 12345)],
    )  # fmt: skip
    with patch.object(register, "mapping_report", return_value=report):
        html = client.get(f"{REGISTER}/report").get_data(as_text=True)
    assert "12345" not in html
    assert '<td class="chart__number">12\N{NO-BREAK SPACE}345</td>' in html
