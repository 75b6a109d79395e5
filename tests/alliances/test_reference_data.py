"""Loading the reference data again keeps what KICK's staff did to the alliances."""

from __future__ import annotations

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import CultureAlliance
from kick_forms.reference import load_reference_data
from tests.alliances.conftest import alliance
from tests.conftest import csrf_token, login, make_user

BASE = "/admin/alliances"
KRONOBERG = "Ideell kulturallians Kronoberg"
FILE_URL = "https://www.facebook.com/groups/ikakronoberg/"


def _names() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(CultureAlliance.name)))


def _kick(client):  # type: ignore[no-untyped-def]
    login(client, make_user(None, None, platform=True))
    return csrf_token(client, f"{BASE}/new")


def _reload() -> dict[str, int]:
    changes = load_reference_data()
    db.session.commit()
    return changes


def test_an_alliance_staff_changed_is_not_overwritten(client):
    token = _kick(client)
    kronoberg = alliance(KRONOBERG)
    client.post(f"{BASE}/{kronoberg.id}/edit", data={
        "csrf_token": token, "name": KRONOBERG, "region": "kronoberg",
        "url": "https://ika-kronoberg.example.se/",
    })  # fmt: skip
    assert _reload()["alliances"] == 0
    db.session.expire_all()
    assert kronoberg.url == "https://ika-kronoberg.example.se/"


def test_an_alliance_staff_renamed_does_not_come_back_under_its_old_name(client):
    token = _kick(client)
    kronoberg = alliance(KRONOBERG)
    client.post(f"{BASE}/{kronoberg.id}/edit", data={
        "csrf_token": token, "name": "IKA Kronoberg", "region": "kronoberg", "url": FILE_URL,
    })  # fmt: skip
    assert _reload()["alliances"] == 0
    assert KRONOBERG not in _names() and "IKA Kronoberg" in _names()


def test_an_alliance_staff_removed_is_not_brought_back(client):
    token = _kick(client)
    kronoberg = alliance(KRONOBERG)
    client.post(f"{BASE}/{kronoberg.id}/delete", data={"csrf_token": token})
    assert KRONOBERG not in _names()
    assert _reload()["alliances"] == 0
    assert KRONOBERG not in _names() and len(_names()) == 5
    assert _reload()["alliances"] == 0


def test_alliances_staff_never_touched_still_follow_the_file(client):
    kronoberg = alliance(KRONOBERG)
    kronoberg.url = "https://old.example.se/"
    blekinge = alliance("Ideell kulturallians Blekinge")
    db.session.delete(blekinge)  # as if the file had just gained it
    db.session.commit()
    assert _reload()["alliances"] == 2
    db.session.expire_all()
    assert alliance(KRONOBERG).url == FILE_URL
    assert alliance("Ideell kulturallians Blekinge").region.slug == "blekinge"
    assert alliance(KRONOBERG).edited_at is None


def test_a_staff_change_in_one_region_leaves_the_others_to_the_file(client):
    token = _kick(client)
    client.post(f"{BASE}/{alliance(KRONOBERG).id}/delete", data={"csrf_token": token})
    uppsala = alliance("Ideell kulturallians Uppsala")
    db.session.delete(uppsala)
    db.session.commit()
    assert _reload()["alliances"] == 1
    assert "Ideell kulturallians Uppsala" in _names() and KRONOBERG not in _names()
