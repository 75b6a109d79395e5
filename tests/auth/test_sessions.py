"""A person's own sessions: the list, ending one elsewhere, logging out everywhere."""

from __future__ import annotations

import re

from kick_forms.auth.account import browser_name
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Role, StaffSession
from tests.conftest import csrf_token, login, make_user

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _browser(app, user, agent: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    login(client, user)
    return client


def test_browser_names_are_short(app):
    assert browser_name(FIREFOX) == "Firefox på Windows"
    assert browser_name(SAFARI) == "Safari på iPhone"
    assert browser_name("curl/8.5.0") == "curl"
    assert browser_name("") == "Okänd webbläsare"


def test_the_account_page_links_password_and_sessions(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/account"' in html  # in the header
    html = client.get("/admin/account").get_data(as_text=True)
    assert 'href="/admin/account/password"' in html
    assert 'href="/admin/account/sessions"' in html


def test_the_list_shows_each_live_session_and_marks_this_one(app):
    user = make_user("kronoberg", Role.EDITOR)
    other = make_user("blekinge", Role.EDITOR)
    here = _browser(app, user, FIREFOX)
    _browser(app, user, SAFARI)
    _browser(app, other, SAFARI.replace("iPhone", "iPad"))  # someone else's: not listed
    html = here.get("/admin/account/sessions").get_data(as_text=True)
    assert html.count("<tr>") == 3  # the header and two sessions
    assert "Firefox på Windows <strong>(den här inloggningen)</strong>" in html
    assert "Safari på iPhone" in html
    assert "iPad" not in html
    assert html.count('name="session_id"') == 1  # only the other one can be ended here


def test_ending_one_other_session_logs_that_browser_out(app):
    user = make_user("kronoberg", Role.EDITOR)
    here = _browser(app, user, FIREFOX)
    phone = _browser(app, user, SAFARI)
    html = here.get("/admin/account/sessions").get_data(as_text=True)
    session_id = re.search(r'name="session_id" value="(\d+)"', html).group(1)
    token = csrf_token(here, "/admin/account/sessions")
    response = here.post(
        "/admin/account/sessions/end", data={"session_id": session_id, "csrf_token": token}
    )
    assert response.status_code == 303
    assert "den webbläsaren är utloggad" in here.get("/admin/account/sessions").get_data(
        as_text=True
    )
    assert phone.get("/admin/").status_code == 302
    assert here.get("/admin/").status_code == 200
    audited = db.session.scalars(db.select(AuditEvent).filter_by(action="account.session_end"))
    assert [(event.subject, event.user_id) for event in audited] == [
        (f"session:{session_id}", user.id)
    ]


def test_no_one_ends_another_persons_session(app):
    user = make_user("kronoberg", Role.EDITOR)
    other = make_user("blekinge", Role.EDITOR)
    victim = _browser(app, other, SAFARI)
    theirs = db.session.scalars(db.select(StaffSession).filter_by(user_id=other.id)).one()
    here = _browser(app, user, FIREFOX)
    token = csrf_token(here, "/admin/account/sessions")
    for value in (str(theirs.id), "x", "99999999999999", "²"):
        response = here.post(
            "/admin/account/sessions/end", data={"session_id": value, "csrf_token": token}
        )
        assert response.status_code == 303
    assert "redan avslutad" in here.get("/admin/account/sessions").get_data(as_text=True)
    assert victim.get("/admin/").status_code == 200


def test_logging_out_everywhere_ends_every_session_this_one_too(app):
    user = make_user("kronoberg", Role.EDITOR)
    here = _browser(app, user, FIREFOX)
    phone = _browser(app, user, SAFARI)
    token = csrf_token(here, "/admin/account/sessions")
    response = here.post("/admin/account/sessions/end-all", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login"
    assert "Du är utloggad överallt" in here.get("/admin/login").get_data(as_text=True)
    assert here.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302
    live = db.session.scalars(db.select(StaffSession).filter_by(ended_at=None)).all()
    assert live == []


def test_logging_out_everywhere_needs_a_csrf_token(app):
    here = _browser(app, make_user("kronoberg", Role.EDITOR), FIREFOX)
    assert here.post("/admin/account/sessions/end-all").status_code == 400
    assert here.get("/admin/").status_code == 200


def test_ending_this_very_session_by_its_id_logs_out_here(app):
    user = make_user("kronoberg", Role.EDITOR)
    here = _browser(app, user, FIREFOX)
    mine = db.session.scalars(db.select(StaffSession).filter_by(user_id=user.id)).one()
    token = csrf_token(here, "/admin/account/sessions")
    response = here.post(
        "/admin/account/sessions/end", data={"session_id": str(mine.id), "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login"
    assert here.get("/admin/").status_code == 302
