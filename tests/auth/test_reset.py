"""A forgotten password: a single-use, expiring link by mail, and an answer that does not tell
whether an address has an account."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

from kick_forms.auth.services import authenticate, set_active
from kick_forms.extensions import db
from kick_forms.models import AccountToken, AuditEvent, OutboxMessage, Role, User
from kick_forms.timeutil import utcnow
from tests.conftest import PASSWORD, csrf_token, login, make_app, make_user

NEW = "sju sjösjuka sjömän på ett skepp"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/admin/password/reset/[A-Za-z0-9_-]{43})")


def _forgot(client, email: str, **kwargs):
    token = csrf_token(client, "/admin/password/forgot")
    return client.post(
        "/admin/password/forgot", data={"email": email, "csrf_token": token}, **kwargs
    )


def _mailed_link(email: str) -> str:
    messages = db.session.scalars(db.select(OutboxMessage).filter_by(to_address=email)).all()
    assert len(messages) == 1
    assert messages[0].subject == "Välj ett nytt lösenord för KICK Forms"
    match = LINK.search(messages[0].body_text)
    assert match, messages[0].body_text
    return match.group(1)


def _reset(client, path: str, password: str = NEW):
    token = csrf_token(client, path)
    return client.post(
        path, data={"new_password": password, "repeat_password": password, "csrf_token": token}
    )


def test_the_login_page_links_to_the_forgotten_password_page(client):
    html = client.get("/admin/login").get_data(as_text=True)
    assert 'href="/admin/password/forgot"' in html
    assert "Glömt lösenordet?" in html


def test_a_reset_link_works_once_and_signs_out_every_other_session(client, app):
    user = make_user("kronoberg", Role.EDITOR)
    elsewhere = app.test_client()
    login(elsewhere, user)
    assert elsewhere.get("/admin/").status_code == 200

    assert _forgot(client, user.email.upper()).status_code == 200
    path = _mailed_link(user.email)
    stored = db.session.scalars(db.select(AccountToken)).one()
    assert stored.purpose == "reset" and path.rsplit("/", 1)[1] not in stored.token_hash
    assert timedelta(minutes=59) < stored.expires_at - stored.created_at <= timedelta(hours=1)

    assert client.get(path).status_code == 200
    response = _reset(client, path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login"
    assert "Logga in med det nya" in client.get("/admin/login").get_data(as_text=True)
    assert elsewhere.get("/admin/").status_code == 302  # signed out
    assert authenticate(user.email, NEW) is not None
    assert authenticate(user.email, PASSWORD) is None
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="account.password_reset"))
    assert [e.subject for e in event] == [f"user:{user.id}"]

    again = client.get(path)
    assert again.status_code == 404
    assert "Länken fungerar inte" in again.get_data(as_text=True)
    token = csrf_token(client, "/admin/password/forgot")
    form = {"new_password": "ännu ett nytt lösenord här", "csrf_token": token}
    assert (
        client.post(path, data={**form, "repeat_password": form["new_password"]}).status_code == 404
    )
    assert authenticate(user.email, NEW) is not None


def test_a_reset_link_expires(client):
    user = make_user("kronoberg", Role.EDITOR)
    _forgot(client, user.email)
    path = _mailed_link(user.email)
    stored = db.session.scalars(db.select(AccountToken)).one()
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert "har gått ut" in response.get_data(as_text=True)
    token = csrf_token(client, "/admin/password/forgot")
    form = {"new_password": NEW, "repeat_password": NEW, "csrf_token": token}
    assert client.post(path, data=form).status_code == 404
    assert authenticate(user.email, PASSWORD) is not None


def test_the_reset_page_refuses_a_weak_password_and_keeps_the_link(client):
    user = make_user("kronoberg", Role.EDITOR)
    _forgot(client, user.email)
    path = _mailed_link(user.email)
    response = _reset(client, path, "password1234")
    assert response.status_code == 422
    assert "ett av de vanligaste" in response.get_data(as_text=True)
    assert _reset(client, path).status_code == 303


def test_unknown_garbled_or_other_purpose_links_get_the_clear_page(client):
    assert client.get("/admin/password/reset/not-a-token").status_code == 404
    assert client.get("/admin/password/reset/" + "A" * 43).status_code == 404
    assert client.get("/admin/password/reset/%00%FF" + "x" * 500).status_code == 404


def test_an_inactive_account_gets_no_link_and_its_old_link_stops(client):
    user = make_user("kronoberg", Role.EDITOR)
    _forgot(client, user.email)
    path = _mailed_link(user.email)
    set_active(db.session.get(User, user.id), False)
    db.session.commit()
    assert client.get(path).status_code == 404
    _forgot(client, user.email)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1  # no new mail
    assert not db.session.get(User, user.id).active


def _comparable(html: str) -> str:
    """The page without what differs on every request anyway (CSRF tokens, nonces)."""
    html = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', "csrf", html)
    return re.sub(r'nonce="[^"]+"', "nonce", html)


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client):
    user = make_user("kronoberg", Role.EDITOR)
    known = _forgot(client, user.email)
    unknown = _forgot(client, "nobody-here@example.se")
    assert known.status_code == unknown.status_code == 200
    assert _comparable(known.get_data(as_text=True)) == _comparable(unknown.get_data(as_text=True))
    assert "Titta i din e-post" in known.get_data(as_text=True)
    assert dict(known.headers).keys() == dict(unknown.headers).keys()
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1


def test_the_answer_takes_the_same_time_for_a_known_and_an_unknown_address(client):
    user = make_user("kronoberg", Role.EDITOR)
    token = csrf_token(client, "/admin/password/forgot")
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(8):
        for kind, email in (("known", user.email), ("unknown", "nobody-here@example.se")):
            started = time.perf_counter()
            response = client.post(
                "/admin/password/forgot", data={"email": email, "csrf_token": token}
            )
            times[kind].append(time.perf_counter() - started)
            assert response.status_code == 200
    ratio = statistics.median(times["known"]) / statistics.median(times["unknown"])
    assert 0.8 < ratio < 1.25, times


def test_asking_is_rate_limited_per_client_and_per_address(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True, PASSWORD_RESET_RATE_LIMIT="2 per minute")
    with app.app_context():
        client = app.test_client()
        per_client = [
            _forgot(client, f"person{n}@example.se").status_code for n in range(3)
        ]  # one client, three addresses
        per_address = [
            _forgot(
                app.test_client(), "same@example.se", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
            ).status_code
            for n in range(3)
        ]  # three clients, one address
        db.session.remove()
        db.engine.dispose()
    assert per_client == [200, 200, 429]
    assert per_address == [200, 200, 429]
