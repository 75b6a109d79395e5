"""KICK's staff keep the examples of ways of working; nobody else can, and reloads keep them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import AuditEvent, CodeExample, Role
from kick_forms.reference import load_reference_data
from kick_forms.timeutil import utcnow
from tests.conftest import csrf_token, login, make_user, region
from tests.method.helpers import table_cells

pytestmark = pytest.mark.usefixtures("examples")

CELL = "/admin/metod/partnership/decision/"


def _cell_names(level_key: str = "partnership", step_key: str = "decision") -> list[str]:
    db.session.expire_all()
    query = (
        select(CodeExample.name_sv)
        .filter_by(level_key=level_key, step_key=step_key)
        .order_by(CodeExample.position)
    )
    return list(db.session.scalars(query))


def _example(name_sv: str) -> CodeExample:
    return db.session.scalars(select(CodeExample).filter_by(name_sv=name_sv)).one()


def _public_cell(client, lang: str = "sv") -> str:
    html = client.get(f"/metod?lang={lang}").get_data(as_text=True)
    headers = ("Partnerskap", "Beslut") if lang == "sv" else ("Partnership", "Decision")
    return table_cells(html, "examples-matrix")[headers]


@pytest.fixture
def kick_staff(client):
    login(client, make_user(None, None, platform=True))
    return client


def test_kick_staff_add_change_reorder_and_remove_an_example(kick_staff):
    client = kick_staff
    assert _cell_names() == ["Gemensamt beslutsfattande", "Samreglering"]
    assert client.get("/admin/metod/").status_code == 200

    token = csrf_token(client, CELL)
    response = client.post(
        CELL,
        data={"csrf_token": token, "name_sv": "Gemensam budget", "name_en": "Joint budget"},
    )
    assert response.status_code == 303
    assert _cell_names() == ["Gemensamt beslutsfattande", "Samreglering", "Gemensam budget"]
    assert "Gemensam budget" in _public_cell(client)
    assert "Joint budget" in _public_cell(client, "en")

    added = _example("Gemensam budget")
    client.post(
        f"{CELL}{added.id}/edit",
        data={"csrf_token": token, "name_sv": "Delad budget", "name_en": ""},
    )
    assert "Delad budget" in _public_cell(client, "en")  # no English text: the Swedish one
    assert "Delad budget" in _public_cell(client, "sv")

    client.post(f"{CELL}{added.id}/move", data={"csrf_token": token, "direction": "up"})
    assert _cell_names() == ["Gemensamt beslutsfattande", "Delad budget", "Samreglering"]
    page = client.get(CELL).get_data(as_text=True)
    assert "”Delad budget” är nu nummer 2 av 3." in page

    first = _example("Gemensamt beslutsfattande")
    assert client.get(f"{CELL}{first.id}/delete").status_code == 200
    client.post(f"{CELL}{first.id}/delete", data={"csrf_token": token})
    assert _cell_names() == ["Delad budget", "Samreglering"]
    assert [e.position for e in db.session.scalars(
        select(CodeExample).filter_by(level_key="partnership", step_key="decision")
        .order_by(CodeExample.position))] == [0, 1]  # fmt: skip
    assert "Gemensamt beslutsfattande" not in _public_cell(client)


def test_an_example_needs_its_swedish_name(kick_staff):
    token = csrf_token(kick_staff, CELL)
    response = kick_staff.post(CELL, data={"csrf_token": token, "name_sv": " ", "name_en": "X"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "error-summary" in html and "Skriv exemplet på svenska." in html
    assert _cell_names() == ["Gemensamt beslutsfattande", "Samreglering"]


def test_an_example_is_found_only_through_its_own_cell(kick_staff):
    example = _example("Samreglering")
    assert kick_staff.get(f"/admin/metod/dialogue/decision/{example.id}/edit").status_code == 404
    assert kick_staff.get("/admin/metod/nowhere/decision/").status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR, Role.VIEWER])
def test_region_staff_may_not_edit_the_examples(client, role):
    login(client, make_user("kronoberg", role))
    example = _example("Samreglering")
    token = csrf_token(client, "/admin/")
    for url in ("/admin/metod/", CELL, f"{CELL}{example.id}/edit", f"{CELL}{example.id}/delete"):
        assert client.get(url).status_code == 403
    posts = {
        CELL: {"name_sv": "Intrång"},
        f"{CELL}{example.id}/edit": {"name_sv": "Intrång"},
        f"{CELL}{example.id}/delete": {},
        f"{CELL}{example.id}/move": {"direction": "up"},
    }
    for url, data in posts.items():
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403
    assert _cell_names() == ["Gemensamt beslutsfattande", "Samreglering"]
    assert "/admin/metod/" not in client.get("/metod").get_data(as_text=True)


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/metod/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_reloading_the_reference_data_keeps_the_staff_s_edits(app):
    changed = _example("Samreglering")
    changed.name_sv = "Samreglering med branschen"
    db.session.delete(_example("Gemensamt beslutsfattande"))
    db.session.add(
        CodeExample(
            level_key="dialogue",
            step_key="decision",
            position=5,
            name_sv="Öppet rådsmöte",
            name_en="Open council meeting",
        )
    )
    db.session.commit()

    load_reference_data()
    db.session.commit()

    assert _cell_names() == ["Samreglering med branschen"]
    assert "Öppet rådsmöte" in _cell_names("dialogue", "decision")
    assert len(_cell_names("dialogue", "decision")) == 2
    assert db.session.query(CodeExample).count() == 46


def test_a_cell_staff_emptied_stays_empty_when_the_reference_data_is_loaded_again(kick_staff):
    token = csrf_token(kick_staff, CELL)
    for name in ("Gemensamt beslutsfattande", "Samreglering"):
        kick_staff.post(f"{CELL}{_example(name).id}/delete", data={"csrf_token": token})
    assert _cell_names() == []

    load_reference_data()
    db.session.commit()

    assert _cell_names() == []
    assert "Inga exempel ännu." in _public_cell(kick_staff)


def test_kick_staff_read_their_edits_in_the_log_of_what_no_region_owns(kick_staff):
    client = kick_staff
    token = csrf_token(client, CELL)
    client.post(CELL, data={"csrf_token": token, "name_sv": "Gemensam budget", "name_en": ""})
    added = _example("Gemensam budget")
    client.post(f"{CELL}{added.id}/delete", data={"csrf_token": token})
    db.session.add_all(
        [
            AuditEvent(at=utcnow(), region_id=None, action="privacy.purge", detail="contacts=2"),
            AuditEvent(at=utcnow(), region_id=region("kronoberg").id, action="register.export",
                       subject="register", detail="format=csv"),
        ]
    )  # fmt: skip
    db.session.commit()

    assert 'href="/admin/audit"' in client.get("/admin/").get_data(as_text=True)
    html = client.get("/admin/audit").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", html, re.S)
    assert len(rows) == 3
    assert "Gallrade gamla personuppgifter" in "".join(rows)
    removed, added_row = (row for row in rows if "exempel" in row)
    assert "KICK tog bort ett exempel" in removed and "KICK lade till ett exempel" in added_row
    assert "Partnerskap × Beslut" in removed and "platform-none@example.se" in removed
    assert "Laddade ner registret" not in html  # Kronoberg's own event is in Kronoberg's log


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VIEWER])
def test_region_staff_may_not_read_the_log_of_what_no_region_owns(client, role):
    login(client, make_user("kronoberg", role))
    assert client.get("/admin/audit").status_code == 403
    assert 'href="/admin/audit"' not in client.get("/admin/").get_data(as_text=True)
