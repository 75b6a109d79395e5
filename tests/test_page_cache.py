"""Pages kept between changes of the data: never older than the last commit, never someone
else's, and rendered again when the clock changes what they say."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Consultation
from kick_forms.page_cache import UNSHOWN_TABLES
from kick_forms.regions import views as region_views
from kick_forms.timeutil import utcnow
from tests.conftest import login, make_user
from tests.responses.conftest import ORGANISATION, START, answered_draft
from tests.statements import counted

PAGE = "/r/kronoberg/c/kulturplan/"
BOARD = "/r/kronoberg/c/kulturplan/board"


@pytest.fixture
def shown(consultation):
    consultation.board_visibility = "while_open"
    db.session.commit()
    return consultation


def _kept(client, path: str) -> str:
    """The page, asked for twice; the second answer must come from what was kept."""
    client.get(path)
    with counted() as statements:
        html = client.get(path).get_data(as_text=True)
    assert statements.count <= 3, f"{path} was rendered again ({statements.count} statements)"
    return html


def _responses_on(board: str) -> str:
    return re.search(r"<dt>Svar</dt><dd>([^<]*)</dd>", board).group(1)


def _epoch() -> int:
    return db.session.execute(text("SELECT value FROM data_epoch")).scalar_one()


def test_a_change_through_the_session_shows_at_once(client, shown):
    assert "Kulturplan 2027–2030" in _kept(client, PAGE)
    shown.title = "Kulturplan för Kronoberg"
    db.session.commit()
    assert "Kulturplan för Kronoberg" in client.get(PAGE).get_data(as_text=True)


def test_a_bulk_statement_and_a_write_beside_the_session_show_at_once(client, shown):
    _kept(client, PAGE)
    db.session.execute(update(Consultation).values(title="Med en sats"))
    db.session.commit()
    assert "Med en sats" in _kept(client, PAGE)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE consultation SET title = 'Utanför sessionen'"))
    assert "Utanför sessionen" in client.get(PAGE).get_data(as_text=True)


def test_a_new_answer_shows_on_the_board_at_once(client, shown):
    assert _responses_on(_kept(client, BOARD)) == "0"
    token = answered_draft(client, shown, "ny@example.se")
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    nonce = re.search(r'name="nonce" value="([^"]+)"', check).group(1)
    assert client.post(f"/respond/{token}/submit", data={"nonce": nonce}).status_code == 303
    assert _responses_on(_kept(client, BOARD)) == "1"


def test_a_write_that_is_rolled_back_or_shows_nowhere_keeps_the_pages(client, shown):
    _kept(client, PAGE)
    epoch = _epoch()
    shown.title = "Ångrad"
    db.session.flush()
    db.session.rollback()
    db.session.add(AuditEvent(action="test.event", detail="nothing a page shows"))
    db.session.commit()
    assert _epoch() == epoch
    assert "Ångrad" not in _kept(client, PAGE)


def test_every_other_write_raises_the_epoch_once(shown):
    epoch = _epoch()
    shown.intro = "Ny text"
    shown.title = "Ny titel"
    db.session.commit()
    assert _epoch() == epoch + 1


def test_the_clock_renders_the_page_again(client, shown, monkeypatch):
    assert "Sista dag att svara:" in _kept(client, PAGE)
    later = shown.closes_at + timedelta(minutes=1)
    monkeypatch.setattr(region_views, "utcnow", lambda: later)
    assert "Stängt för svar." in client.get(PAGE).get_data(as_text=True)
    monkeypatch.setattr(region_views, "utcnow", utcnow)
    assert "Sista dag att svara:" in client.get(PAGE).get_data(as_text=True)


def test_staff_never_get_nor_leave_a_kept_page(app, client, shown):
    visitor = app.test_client()
    assert 'name="csrf_token"' not in _kept(visitor, BOARD)
    login(client, make_user("kronoberg", None, platform=True))
    for _ in range(2):
        # Their own page, with the log-out form's token, not the visitors' kept one.
        assert 'name="csrf_token"' in client.get(BOARD).get_data(as_text=True)
    assert 'name="csrf_token"' not in _kept(visitor, BOARD)
    shown.board_visibility = "after_closing"
    db.session.commit()
    assert "Just nu ser bara regionens personal" in client.get(BOARD).get_data(as_text=True)
    assert visitor.get(BOARD).status_code == 404


def test_each_language_has_its_own_page(client, shown):
    assert "Sista dag att svara:" in _kept(client, PAGE)
    assert "Last day to answer:" in client.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "Last day to answer:" in _kept(client, PAGE)  # the choice is remembered
    assert "Sista dag att svara:" in client.get(PAGE + "?lang=sv").get_data(as_text=True)
    assert "Sista dag att svara:" in _kept(client, PAGE)


def test_a_visitor_with_a_message_waiting_sees_it(client, shown):
    _kept(client, PAGE)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Ett meddelande till dig")]
    assert "Ett meddelande till dig" in client.get(PAGE).get_data(as_text=True)
    assert "Ett meddelande till dig" not in client.get(PAGE).get_data(as_text=True)


def test_reading_pages_raises_no_epoch(client, shown):
    """Staff signing in and reading (their session's last activity is written) leave the
    visitors' kept pages alone."""
    login(client, make_user("kronoberg", None, platform=True))
    epoch = _epoch()
    for path in ("/admin/", "/admin/r/kronoberg/", BOARD, PAGE, "/r/kronoberg/"):
        assert client.get(path).status_code == 200, path
    assert _epoch() == epoch


def test_the_kept_start_page_gives_each_visitor_a_nonce_of_their_own(app, client, shown):
    first = client.get(START).get_data(as_text=True)
    html = _kept(app.test_client(), START)
    nonce = re.compile(r'name="nonce" type="hidden" value="([^"]+)"')
    nonces = {nonce.search(page).group(1) for page in (first, html)}
    assert len(nonces) == 2
    for value in nonces:
        reply = client.post(START, data={**ORGANISATION, "nonce": value})
        assert reply.status_code == 303
        assert "/respond/" in reply.headers["Location"]


def test_the_tables_no_page_shows_are_real_tables():
    """A misspelt name would make its writes raise the epoch: harmless, but not what it says."""
    assert UNSHOWN_TABLES - {"alembic_version"} <= set(db.metadata.tables)
