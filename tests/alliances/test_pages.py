"""The public list of alliances, and the links to it from every page and a region's page."""

from __future__ import annotations

import csv

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Region, Role
from tests.alliances.conftest import alliance
from tests.conftest import ROOT, login, make_user

CSV = ROOT / "kick_forms" / "data" / "culture_alliances.csv"


def _loaded() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_list_shows_every_region_and_the_loaded_alliances(client):
    response = client.get("/allianser")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    regions = db.session.scalars(select(Region)).all()
    assert len(regions) == 21
    for region in regions:
        assert f'href="/r/{region.slug}/">{region.name}</a>' in html
    for row in _loaded():
        assert f'<a href="{row["url"]}" rel="noopener">{row["name"]} (öppnar Facebook)</a>' in html
    assert html.count("Ingen allians registrerad ännu") == 21 - len(_loaded())
    assert "6 av 21 regioner har en regional kulturallians." in html
    assert "Ideell kulturallians (IKA) driver KICK-projektet" in html
    assert "IKA-grupp" in html
    # Region Stockholm is not in the cultural cooperation model.
    stockholm = html.index("Region Stockholm")
    assert html.index("<td>Nej</td>", stockholm) < html.index("</tr>", stockholm)


def test_the_regions_come_in_swedish_alphabetical_order(client):
    html = client.get("/allianser").get_data(as_text=True)
    names = ["Region Blekinge", "Region Dalarna", "Region Gotland", "Region Gävleborg",
             "Region Västmanland", "Region Örebro län", "Region Östergötland",
             "Västra Götalandsregionen"]  # fmt: skip
    places = [html.index(f">{name}</a>") for name in names]
    assert places == sorted(places)


def test_the_list_speaks_english_on_request(client):
    html = client.get("/allianser?lang=en").get_data(as_text=True)
    assert "No alliance registered yet" in html
    assert "Ideell kulturallians Kronoberg (opens Facebook)" in html


def test_a_website_that_is_not_facebook_says_so(client):
    alliance("Ideell kulturallians Kronoberg").url = "https://kronoberg.example.se/ika"
    db.session.commit()
    html = client.get("/allianser").get_data(as_text=True)
    assert "Ideell kulturallians Kronoberg (öppnar alliansens webbplats)" in html


def test_every_page_and_the_regions_page_link_to_the_list(client):
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/allianser">Regionala kulturallianser</a>' in home
    kronoberg = client.get("/r/kronoberg/").get_data(as_text=True)
    section = kronoberg[kronoberg.index('id="alliance-heading"') :]
    assert "Ideell kulturallians Kronoberg (öppnar Facebook)" in section
    assert '<a href="/allianser">Vad en kulturallians är' in section
    dalarna = client.get("/r/dalarna/").get_data(as_text=True)
    section = dalarna[dalarna.index('id="alliance-heading"') :]
    assert "Det finns ingen regional kulturallians här än." in section
    assert '<a href="/allianser">Vad en kulturallians är' in section


def test_only_kick_staff_see_the_way_to_change_the_alliances(client):
    assert "/admin/alliances" not in client.get("/allianser").get_data(as_text=True)
    login(client, make_user("kronoberg", Role.ADMIN))
    assert "/admin/alliances" not in client.get("/allianser").get_data(as_text=True)
    other = client.application.test_client()
    login(other, make_user(None, None, platform=True))
    assert 'href="/admin/alliances"' in other.get("/allianser").get_data(as_text=True)
