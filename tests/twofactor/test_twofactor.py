"""Two-factor sign-in through the pages people use: enrolment with a code computed here, the
second step of signing in, recovery codes, a region's rule, and a platform admin's reset."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest

from kick_forms.extensions import db
from kick_forms.models import AuditEvent, RecoveryCode, RegionSignIn, Role, StaffSession, User
from kick_forms.timeutil import utcnow
from kick_forms.twofactor import pending
from kick_forms.twofactor import services as twofactor
from tests.conftest import PASSWORD, csrf_token, login, make_app, make_user, region

ENROL = "/admin/account/two-factor"
CHALLENGE = "/admin/login/two-factor"


def _password_step(client, user, next_url: str = ""):
    token = csrf_token(client, "/admin/login")
    url = "/admin/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": user.email, "password": PASSWORD, "csrf_token": token})


def _secret_from_page(html: str) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert match, "the key is not on the page as text"
    return match.group(1).replace(" ", "")


def _enrolled(user: User) -> tuple[str, list[str]]:
    """Two-factor on for the user, as enrolment leaves it: the secret and the recovery codes."""
    secret = twofactor.start_enrolment(user)
    # Half a minute ago: the app's current code is still unused for the test to sign in with.
    codes = twofactor.confirm_enrolment(user, pyotp.TOTP(secret).at(time.time() - 30))
    assert codes is not None
    db.session.commit()
    return secret, codes


def _second_step(client, code: str):
    return client.post(CHALLENGE, data={"code": code, "csrf_token": csrf_token(client, CHALLENGE)})


def _logged_in(client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 200


def _next_code(secret: str) -> str:
    """The code the app shows in the next half minute (accepted for clock drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    now = utcnow()
    near = {totp.at(now + timedelta(seconds=step)) for step in (-30, 0, 30)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


def test_enrolment_with_a_code_computed_from_the_key_on_the_page(app, client):
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    html = client.get(ENROL).get_data(as_text=True)
    secret = _secret_from_page(html)
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn on the server
    assert "KICK Forms" in html and user.email in html
    assert "autentiseringsapp" in html  # the instructions speak Swedish
    assert _secret_from_page(client.get(ENROL).get_data(as_text=True)) == secret  # a reload

    token = csrf_token(client, ENROL)
    refused = client.post(ENROL, data={"code": _wrong_code(secret), "csrf_token": token})
    assert refused.status_code == 422
    assert "Koden är fel" in refused.get_data(as_text=True)
    assert db.session.get(User, user.id).totp_confirmed_at is None

    response = client.post(ENROL, data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(set(codes)) == 10
    stored = db.session.get(User, user.id)
    assert stored.totp_confirmed_at is not None and stored.totp_secret == secret
    hashes = db.session.scalars(db.select(RecoveryCode.code_hash).filter_by(user_id=user.id))
    assert sorted(hashes) == sorted(twofactor._hash_code(code) for code in codes)
    assert "twofactor.enable" in db.session.scalars(db.select(AuditEvent.action)).all()
    # Shown once: the page now offers new codes, never the old ones again.
    again = client.get(ENROL).get_data(as_text=True)
    assert not any(code in again for code in codes)


def test_password_alone_does_not_sign_in_when_two_factor_is_on(app, client):
    user = make_user("kronoberg", Role.EDITOR)
    secret, _codes = _enrolled(user)
    response = _password_step(client, user, next_url="/admin/r/kronoberg/")
    assert response.status_code == 303
    assert response.headers["Location"] == CHALLENGE
    assert client.get("/admin/").headers["Location"].startswith("/admin/login")
    assert client.get(ENROL).headers["Location"].startswith("/admin/login")

    wrong = _second_step(client, _wrong_code(secret))
    assert wrong.status_code == 422
    assert "Koden är fel" in wrong.get_data(as_text=True)
    assert not _logged_in(client)

    response = _second_step(client, pyotp.TOTP(secret).now())
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/r/kronoberg/"
    assert _logged_in(client)


def test_a_code_from_the_app_works_once(app, client):
    user = make_user("kronoberg", Role.EDITOR)
    secret, _codes = _enrolled(user)
    code = pyotp.TOTP(secret).now()
    _password_step(client, user)
    assert _second_step(client, code).status_code == 303
    # Someone who saw the code (over a shoulder, a phishing page) cannot use it again.
    other = app.test_client()
    _password_step(other, user)
    assert _second_step(other, code).status_code == 422
    assert not _logged_in(other)
    # Nor an older one, once a newer code was used.
    assert not twofactor.code_is_valid(user, pyotp.TOTP(secret).at(time.time() - 30))
    assert twofactor.code_is_valid(user, _next_code(secret))


def test_a_recovery_code_works_once(app, client):
    user = make_user("kronoberg", Role.EDITOR)
    _secret, codes = _enrolled(user)
    _password_step(client, user)
    assert _second_step(client, codes[3].upper().replace("-", " ")).status_code == 303
    assert _logged_in(client)
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    _password_step(client, user)
    assert _second_step(client, codes[3]).status_code == 422
    assert not _logged_in(client)
    assert _second_step(client, codes[4]).status_code == 303


def test_too_many_wrong_codes_ask_for_the_password_again(app, client):
    user = make_user("kronoberg", Role.EDITOR)
    secret, _codes = _enrolled(user)
    _password_step(client, user)
    for _ in range(pending.MAX_TRIES - 1):
        assert _second_step(client, _wrong_code(secret)).status_code == 422
    last = _second_step(client, _wrong_code(secret))
    assert last.headers["Location"] == "/admin/login"
    assert client.get(CHALLENGE).headers["Location"] == "/admin/login"
    assert not _logged_in(client)


def test_the_half_done_sign_in_lapses_after_five_minutes(app, client, monkeypatch):
    user = make_user("kronoberg", Role.EDITOR)
    secret, _codes = _enrolled(user)
    _password_step(client, user)
    token = csrf_token(client, CHALLENGE)
    later = utcnow() + timedelta(seconds=pending.LIFETIME_SECONDS + 1)
    monkeypatch.setattr(pending, "utcnow", lambda: later)
    response = client.post(CHALLENGE, data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert response.headers["Location"] == "/admin/login"
    assert not _logged_in(client)


def _set_region_rule(client, for_admins: bool, for_all: bool):
    url = "/admin/r/kronoberg/sign-in"
    data = {"csrf_token": csrf_token(client, url)}
    data.update({"for_admins": "y"} if for_admins else {})
    data.update({"for_all": "y"} if for_all else {})
    return client.post(url, data=data)


def test_the_region_rule_forces_enrolment_before_signing_in(app, client):
    admin = make_user("kronoberg", Role.ADMIN)
    editor = make_user("kronoberg", Role.EDITOR)
    admin_client = app.test_client()
    login(admin_client, admin)
    assert db.session.get(RegionSignIn, region("kronoberg").id) is None
    assert _set_region_rule(admin_client, for_admins=False, for_all=True).status_code == 303
    rules = db.session.get(RegionSignIn, region("kronoberg").id)
    assert rules.two_factor_for_all and not rules.two_factor_for_admins

    response = _password_step(client, editor)
    assert response.headers["Location"] == ENROL
    assert client.get("/admin/").headers["Location"].startswith("/admin/login")
    assert client.get(CHALLENGE).headers["Location"] == ENROL
    html = client.get(ENROL).get_data(as_text=True)
    assert "kräver tvåstegsverifiering" in html
    secret = _secret_from_page(html)
    token = csrf_token(client, ENROL)
    done = client.post(ENROL, data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 200
    assert 'href="/admin/"' in done.get_data(as_text=True)
    assert _logged_in(client)
    assert db.session.get(User, editor.id).totp_confirmed_at is not None


def test_the_admins_rule_applies_to_admins_and_platform_admins_only(app):
    admin = make_user("kronoberg", Role.ADMIN)
    editor = make_user("kronoberg", Role.EDITOR)
    elsewhere = make_user("blekinge", Role.ADMIN)
    platform = make_user(None, None, platform=True)
    assert not any(twofactor.second_factor_needed(u) for u in (admin, editor, elsewhere, platform))
    twofactor.set_region_rules(region("kronoberg"), for_admins=True, for_all=False)
    db.session.commit()
    assert twofactor.second_factor_needed(admin)
    assert twofactor.second_factor_needed(platform)
    assert not twofactor.second_factor_needed(editor)
    assert not twofactor.second_factor_needed(elsewhere)
    admin.memberships[0].deactivated_at = utcnow()
    db.session.commit()
    assert not twofactor.second_factor_needed(admin)


def test_only_the_region_admin_changes_the_rule(app, client):
    login(client, make_user("kronoberg", Role.EDITOR))
    page = client.get("/admin/r/kronoberg/sign-in")
    assert page.status_code == 200
    assert 'type="checkbox"' not in page.get_data(as_text=True)  # the rules, to read
    assert _set_region_rule(client, for_admins=True, for_all=True).status_code == 403
    admin_client = app.test_client()
    login(admin_client, make_user("blekinge", Role.ADMIN))
    assert admin_client.get("/admin/r/kronoberg/sign-in").status_code == 404
    assert db.session.get(RegionSignIn, region("kronoberg").id) is None


def test_saved_rule_shows_and_is_audited(app, client):
    login(client, make_user("kronoberg", Role.ADMIN))
    _set_region_rule(client, for_admins=True, for_all=False)
    html = client.get("/admin/r/kronoberg/sign-in").get_data(as_text=True)
    boxes = {re.search(r'id="(\w+)"', tag)[1]: " checked" in tag
             for tag in re.findall(r"<input[^>]*checkbox[^>]*>", html)}  # fmt: skip
    assert boxes == {"for_admins": True, "for_all": False}
    assert "twofactor.region_rules" in db.session.scalars(db.select(AuditEvent.action)).all()


@pytest.mark.parametrize("proof", ["code", "password"])
def test_turning_it_off_needs_a_code_or_the_password(app, client, proof):
    user = make_user("kronoberg", Role.EDITOR)
    secret, _codes = _enrolled(user)
    _password_step(client, user)
    _second_step(client, pyotp.TOTP(secret).now())
    token = csrf_token(client, ENROL)
    refused = client.post(
        "/admin/account/two-factor/off",
        data={"code": _wrong_code(secret), "password": "not it", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert db.session.get(User, user.id).totp_confirmed_at is not None
    # The code of the next half minute: the current one was spent on signing in.
    data = {"code": _next_code(secret)} if proof == "code" else {"password": PASSWORD}
    response = client.post("/admin/account/two-factor/off", data={**data, "csrf_token": token})
    assert response.status_code == 303
    stored = db.session.get(User, user.id)
    assert stored.totp_confirmed_at is None and stored.totp_secret is None
    assert db.session.scalars(db.select(RecoveryCode).filter_by(user_id=user.id)).all() == []
    assert "twofactor.disable" in db.session.scalars(db.select(AuditEvent.action)).all()


def test_new_recovery_codes_replace_the_old_ones(app, client):
    user = make_user("kronoberg", Role.EDITOR)
    secret, old = _enrolled(user)
    _password_step(client, user)
    _second_step(client, pyotp.TOTP(secret).now())
    token = csrf_token(client, ENROL)
    response = client.post(
        "/admin/account/two-factor/recovery-codes", data={"password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 200
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert not twofactor.use_recovery_code(user, old[0])
    assert twofactor.use_recovery_code(user, new[0])


def test_a_platform_admin_resets_a_second_factor(app, client):
    user = make_user("kronoberg", Role.EDITOR)
    secret, _codes = _enrolled(user)
    own = app.test_client()
    _password_step(own, user)
    _second_step(own, pyotp.TOTP(secret).now())
    assert _logged_in(own)
    url = f"/admin/staff/{user.id}/two-factor/reset"

    region_admin = app.test_client()
    login(region_admin, make_user("kronoberg", Role.ADMIN))
    assert (
        region_admin.post(url, data={"csrf_token": csrf_token(region_admin, "/admin/")}).status_code
        == 403
    )
    assert db.session.get(User, user.id).totp_confirmed_at is not None

    login(client, make_user(None, None, platform=True))
    token = csrf_token(client, "/admin/")
    response = client.post(url, data={"csrf_token": token, "next": "/admin/r/kronoberg/"})
    assert response.headers["Location"] == "/admin/r/kronoberg/"
    stored = db.session.get(User, user.id)
    assert stored.totp_secret is None and stored.totp_confirmed_at is None
    assert db.session.scalars(db.select(RecoveryCode).filter_by(user_id=user.id)).all() == []
    live = db.session.scalars(db.select(StaffSession).filter_by(user_id=user.id, ended_at=None))
    assert live.all() == []
    assert not _logged_in(own)
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="twofactor.reset")).one()
    assert event.subject == f"user:{user.id}"
    assert (
        client.post("/admin/staff/999999/two-factor/reset", data={"csrf_token": token}).status_code
        == 404
    )


def test_the_second_step_is_rate_limited_like_the_login(app, database_url):
    user = make_user("kronoberg", Role.EDITOR)
    secret, _codes = _enrolled(user)
    limited = make_app(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    with limited.app_context():
        _password_step(client, user)
        statuses = [_second_step(client, _wrong_code(secret)).status_code for _ in range(4)]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [422, 422, 422, 429]
