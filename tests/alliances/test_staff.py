"""KICK's staff add, change and remove alliances; no region's staff may, whatever their role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kick_forms import create_app
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, CultureAlliance, Role
from tests.alliances.conftest import alliance
from tests.conftest import csrf_token, login, make_user, region

BASE = "/admin/alliances"
KRONOBERG = "Ideell kulturallians Kronoberg"


def _staff_rules() -> list[tuple[str, str]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("alliances_staff.")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


@pytest.fixture
def kick(client):
    login(client, make_user(None, None, platform=True))
    return client


def _count() -> int:
    return db.session.scalar(select(func.count(CultureAlliance.id)))


def _events() -> list[tuple[str, str, int | None, str]]:
    """The alliances' events (the roles the tests' staff were given are audited too)."""
    return [
        (event.action, event.subject, event.region_id, event.detail)
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action != "role.grant").order_by(AuditEvent.id)
        )
    ]


def _snapshot() -> list[tuple]:
    db.session.expire_all()
    return [
        (a.id, a.name, a.url, a.region_id, a.edited_at)
        for a in db.session.scalars(select(CultureAlliance).order_by(CultureAlliance.id))
    ]


def test_the_staff_list_has_every_alliance_with_buttons_to_change_and_remove_it(kick):
    html = kick.get(BASE).get_data(as_text=True)
    kronoberg = alliance(KRONOBERG)
    assert f'href="{BASE}/{kronoberg.id}/edit"' in html
    assert f'href="{BASE}/{kronoberg.id}/delete"' in html
    assert f'Ändra<span class="visually-hidden"> {KRONOBERG}</span>' in html
    assert html.count("Från referensdata") == 6
    assert f'href="{BASE}/new"' in html


def test_adding_an_alliance_shows_it_everywhere_and_is_recorded(kick):
    token = csrf_token(kick, f"{BASE}/new")
    added = kick.post(
        f"{BASE}/new",
        data={
            "csrf_token": token,
            "name": " Ideell kulturallians Dalarna ",
            "region": "dalarna",
            "url": "https://www.facebook.com/groups/ikadalarna/",
        },
    )
    assert added.status_code == 303 and added.headers["Location"] == BASE
    dalarna = alliance("Ideell kulturallians Dalarna")
    assert dalarna.region.slug == "dalarna" and dalarna.edited_at is not None
    assert _events() == [("alliance.add", f"alliance:{dalarna.id}", region("dalarna").id, "")]
    assert "Ideell kulturallians Dalarna är tillagd." in kick.get(BASE).get_data(as_text=True)
    public = kick.get("/allianser").get_data(as_text=True)
    assert "Ideell kulturallians Dalarna (öppnar Facebook)" in public
    assert "Ideell kulturallians Dalarna" in kick.get("/r/dalarna/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        (
            {"name": "", "region": "", "url": ""},
            ["Ange alliansens namn.", "Välj alliansens region.", "Ange alliansens webbadress."],
        ),
        (
            {"name": "Kulturalliansen", "region": "dalarna", "url": "http://ika.example.se"},
            ["Ange en webbadress som börjar med https://."],
        ),
        (
            {"name": "Kulturalliansen", "region": "dalarna", "url": "ika dalarna"},
            ["Ange en webbadress som börjar med https://."],
        ),
        (
            {"name": KRONOBERG.upper(), "region": "dalarna", "url": "https://ika.example.se"},
            [f"Det finns redan en allians som heter {KRONOBERG.upper()}. Välj ett annat namn."],
        ),
    ],
)
def test_a_bad_new_alliance_is_refused_with_errors_and_keeps_what_was_typed(kick, typed, errors):
    before = _snapshot()
    token = csrf_token(kick, f"{BASE}/new")
    refused = kick.post(f"{BASE}/new", data={"csrf_token": token, **typed})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "<title>Fel:" in html and 'class="error-summary"' in html
    for error in errors:
        assert html.count(error) == 2  # in the summary and at the field
    if typed["name"]:
        assert f'value="{typed["name"]}"' in html
        assert f'value="{typed["url"]}"' in html
        assert '<option selected value="dalarna">' in html
    assert _snapshot() == before and _events() == []


def test_changing_an_alliance_marks_it_as_kicks_own(kick):
    kronoberg = alliance(KRONOBERG)
    form = kick.get(f"{BASE}/{kronoberg.id}/edit").get_data(as_text=True)
    assert f'value="{KRONOBERG}"' in form and '<option selected value="kronoberg">' in form
    token = csrf_token(kick, f"{BASE}/{kronoberg.id}/edit")
    changed = kick.post(
        f"{BASE}/{kronoberg.id}/edit",
        data={
            "csrf_token": token,
            "name": "IKA Kronoberg",
            "region": "kronoberg",
            "url": "https://ika-kronoberg.example.se/",
        },
    )
    assert changed.status_code == 303
    db.session.expire_all()
    assert (kronoberg.name, kronoberg.url) == ("IKA Kronoberg", "https://ika-kronoberg.example.se/")
    assert kronoberg.edited_at is not None
    assert _events() == [("alliance.change", f"alliance:{kronoberg.id}", kronoberg.region_id, "")]
    listed = kick.get(BASE).get_data(as_text=True)
    assert "Ändringarna av IKA Kronoberg är sparade." in listed
    assert "IKA Kronoberg (öppnar alliansens webbplats)" in listed
    assert listed.count("Från referensdata") == 5
    # The region's own audit log names the change in words.
    log = kick.get("/admin/r/kronoberg/audit").get_data(as_text=True)
    assert "KICK ändrade en kulturallians" in log


def test_a_bad_change_is_refused_and_nothing_is_lost(kick):
    kronoberg = alliance(KRONOBERG)
    before = _snapshot()
    token = csrf_token(kick, f"{BASE}/{kronoberg.id}/edit")
    refused = kick.post(
        f"{BASE}/{kronoberg.id}/edit",
        data={
            "csrf_token": token,
            "name": "IKA Gävleborg",
            "region": "kronoberg",
            "url": "https://ika-kronoberg.example.se/",
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Det finns redan en allians som heter IKA Gävleborg." in html
    assert 'value="https://ika-kronoberg.example.se/"' in html
    assert _snapshot() == before and _events() == []
    # Keeping its own name is no clash.
    kept = kick.post(
        f"{BASE}/{kronoberg.id}/edit",
        data={"csrf_token": token, "name": KRONOBERG, "region": "kronoberg",
              "url": "https://www.facebook.com/groups/ikakronoberg/"},
    )  # fmt: skip
    assert kept.status_code == 303


def test_removing_asks_first_then_removes_with_a_post(kick):
    kronoberg_id = alliance(KRONOBERG).id
    url = f"{BASE}/{kronoberg_id}/delete"
    page = kick.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ta bort Ideell kulturallians Kronoberg?" in html
    assert '<form class="confirm" method="post"' in html and _count() == 6
    assert kick.post(url, data={}).status_code == 400
    assert _count() == 6
    removed = kick.post(url, data={"csrf_token": csrf_token(kick, url)})
    assert removed.status_code == 303 and removed.headers["Location"] == BASE
    assert _count() == 5
    assert _events() == [
        ("alliance.remove", f"alliance:{kronoberg_id}", region("kronoberg").id, "")
    ]
    assert "Ideell kulturallians Kronoberg är borttagen." in kick.get(BASE).get_data(as_text=True)
    page = kick.get("/r/kronoberg/").get_data(as_text=True)
    assert "Det finns ingen regional kulturallians här än." in page
    assert kick.get(url).status_code == 404
    assert kick.get(f"{BASE}/{kronoberg_id}/edit").status_code == 404


@pytest.mark.parametrize(("pattern", "method"), _staff_rules())
@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR, Role.VIEWER])
def test_a_regions_staff_get_403_on_every_alliance_page(client, pattern, method, role):
    login(client, make_user("kronoberg", role))
    token = csrf_token(client, "/admin/r/kronoberg/")
    before = _snapshot()
    url = pattern.replace("<int:alliance_id>", str(alliance(KRONOBERG).id))
    data = {"csrf_token": token, "name": "Ny", "region": "kronoberg", "url": "https://x.example"}
    assert client.open(url, method=method, data=data).status_code == 403
    assert _snapshot() == before and _events() == []


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(BASE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")
