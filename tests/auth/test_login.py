"""Staff login: argon2 passwords, rate limits, expiring sessions, nothing secret in logs."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta

from kick_forms.auth import services
from kick_forms.extensions import db
from kick_forms.models import Role, User
from tests.conftest import PASSWORD, csrf_token, login, make_app, make_user


def _post_login(client, email, password):
    token = csrf_token(client, "/admin/login")
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


def test_passwords_are_stored_as_argon2_hashes(app):
    user = make_user("kronoberg", Role.EDITOR)
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_login_then_logout(client):
    user = make_user("kronoberg", Role.EDITOR)
    response = _post_login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    assert "Region Kronoberg" in client.get("/admin/").get_data(as_text=True)

    token = csrf_token(client, "/admin/")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/").status_code == 302


def test_wrong_password_says_so_and_keeps_the_email(client):
    user = make_user("kronoberg", Role.EDITOR)
    response = _post_login(client, user.email, "wrong password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Fel e-postadress eller lösenord" in html or "wrong" in html
    assert f'value="{user.email}"' in html
    assert "wrong password" not in html


def test_logout_needs_a_csrf_token(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    assert client.post("/admin/logout").status_code == 400


def test_login_redirects_only_to_local_paths(client):
    user = make_user("kronoberg", Role.EDITOR)
    token = csrf_token(client, "/admin/login")
    response = client.post(
        "/admin/login?next=https://evil.example/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/admin/"


def test_login_is_rate_limited(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        responses = [_post_login(client, "nobody@example.se", "x") for _ in range(4)]
        statuses = [response.status_code for response in responses]
        last = responses[-1]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [422, 422, 422, 429]
    assert "Too many attempts" not in last.get_data(as_text=True)  # Swedish: "För många försök"


def test_session_expires_after_inactivity(database_url, app):
    user = make_user("kronoberg", Role.EDITOR)
    short = make_app(database_url, PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    client = short.test_client()
    with short.app_context():
        login(client, user)
        assert client.get("/admin/").status_code == 200
        time.sleep(2.2)
        response = client.get("/admin/")
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_passwords_never_reach_the_logs(client, caplog):
    user = make_user("kronoberg", Role.EDITOR)
    caplog.set_level(logging.DEBUG)
    _post_login(client, user.email, "a wrong secret password")
    login(client, user)
    assert PASSWORD not in caplog.text
    assert "a wrong secret password" not in caplog.text


def test_create_admin_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["kick", "create-admin", "--email", "Chef@Region.se", "--region", "blekinge",
              "--role", "editor", "--password-stdin"],
        input="a long enough password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    user = db.session.scalars(db.select(User).filter_by(email="chef@region.se")).one()
    assert [(m.region.slug, m.role) for m in user.memberships] == [("blekinge", "editor")]

    refused = runner.invoke(
        args=["kick", "create-admin", "--email", "x@y.se", "--platform", "--password-stdin"],
        input="short\n",
    )
    assert refused.exit_code != 0
    assert "at least 12" in refused.output


def test_htmx_requests_without_a_session_navigate_to_the_login_page(client):
    response = client.get("/admin/r/kronoberg/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/admin/login?next=")


def test_an_expired_form_says_what_to_do(client):
    response = client.post("/admin/login", data={"email": "a@b.se", "password": "x"})
    assert response.status_code == 400
    assert "Ladda om" in response.get_data(as_text=True) or "Reload" in response.get_data(
        as_text=True
    )


def _copied_session(client, app):  # type: ignore[no-untyped-def]
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_a_copied_session_cookie_stops_working_at_logout(client, app):
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    thief = _copied_session(client, app)
    assert thief.get("/admin/").status_code == 200
    token = csrf_token(client, "/admin/")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert thief.get("/admin/").status_code == 302  # to the login page: the session is ended


def test_a_new_password_or_deactivation_ends_every_session(client, app):
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    other = app.test_client()
    login(other, user)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["kick", "set-password", "--email", user.email, "--password-stdin"],
        input="a whole new passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 302
    assert other.get("/admin/").status_code == 302

    login_with = {"email": user.email, "password": "a whole new passphrase"}
    assert _post_login(client, **login_with).status_code == 303
    assert client.get("/admin/").status_code == 200
    result = runner.invoke(args=["kick", "deactivate", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 302
    assert _post_login(client, **login_with).status_code == 422
    runner.invoke(args=["kick", "deactivate", "--email", user.email, "--reactivate"])
    assert _post_login(client, **login_with).status_code == 303


def test_the_login_page_does_not_tell_whether_an_address_has_an_account(client, monkeypatch):
    """The same answer, and the same password-hashing work, for a wrong password of a known
    address and for an address that has no account."""
    verified: list[str] = []
    real = services._hasher

    class Counting:
        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(real, name)

        def verify(self, stored, candidate):  # type: ignore[no-untyped-def]
            verified.append("verify")
            return real.verify(stored, candidate)

    monkeypatch.setattr(services, "_hasher", Counting())
    user = make_user("kronoberg", Role.EDITOR)
    answers, work = [], []
    for email in (user.email, "nobody-here@example.se"):
        verified.clear()
        response = _post_login(client, email, "not the password at all")
        work.append(len(verified))
        page = re.sub(
            r'name="csrf_token"( type="hidden")? value="[^"]+"', "", response.get_data(as_text=True)
        )
        answers.append(
            (response.status_code, re.sub(r'nonce="[^"]+"', "", page.replace(email, "@")))
        )
    assert answers[0] == answers[1]
    assert work[0] == work[1] > 0
