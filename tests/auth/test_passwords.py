"""Password rules after NIST SP 800-63B, and changing one's own password."""

from __future__ import annotations

import unicodedata

import pytest
from argon2 import PasswordHasher

from kick_forms.auth.passwords import common_passwords, context_words, password_problem
from kick_forms.auth.services import authenticate, create_user
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, csrf_token, login, make_user

NEW = "tre små grodor hoppar i dammen"


def _change(client, current: str, new: str, again: str | None = None):
    token = csrf_token(client, "/admin/account/password")
    return client.post(
        "/admin/account/password",
        data={"current_password": current, "new_password": new,
              "repeat_password": new if again is None else again, "csrf_token": token},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("elva tecken", True),  # too short: 11 characters
        ("x" * 129, True),  # longer than 128
        ("aaaaaaaaaaaa", True),
        ("123456789012", True),
        ("abcabcabcabc", True),
        ("qwertyuiopas", True),
        ("zyxwvutsrqpo", True),
        ("Password2024!!", True),
        ("P@ssw0rd1234", True),
        ("iloveyou123456", True),
        ("lösenord 2024!", True),
        ("Kronoberg2024!", True),
        ("KickForms 2025", True),
        ("anna.berg 1990", True),  # the e-mail's own local part
        ("correct horse battery staple", False),
        ("kronoberg är vackert på våren", False),
        ("Ð¾Ñ ĸ ŋ ŧ 12345", False),  # any characters
        ("z" * 3 + "y" * 3 + "é" * 3 + " wide ␣ ok", False),
        ("ab c" * 32, True),  # a repeated unit, 128 characters
    ],
)
def test_the_rules_refuse_what_attackers_try_first(app, password, refused):
    words = context_words("anna.berg@kronoberg.example.se", ["Region Kronoberg", "kronoberg"])
    assert (password_problem(password, words) is not None) is refused


def test_the_shipped_list_is_loaded_without_its_header(app):
    common = common_passwords()
    assert len(common) > 19000
    assert {"password", "123456", "qwerty", "lösenord"} <= common
    assert not any(line.startswith("# ") for line in common)


def test_create_user_refuses_a_common_password_with_a_swedish_message(app):
    with pytest.raises(ValueError, match="vanligaste"):
        create_user("ny@example.se", "password1234")
    with pytest.raises(ValueError, match="minst 12"):
        create_user("ny@example.se", "kort")


def test_change_password_needs_the_current_one(client):
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    response = _change(client, "not my password at all", NEW)
    assert response.status_code == 422
    assert "Det är inte ditt nuvarande lösenord" in response.get_data(as_text=True)
    assert authenticate(user.email, PASSWORD) is not None
    assert authenticate(user.email, NEW) is None


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("elva tecken", "minst 12 tecken"),
        ("password1234", "ett av de vanligaste"),
        ("Kronoberg-2024!", "bygger på din e-postadress"),
        ("kronoberg-editor", "bygger på din e-postadress"),  # the e-mail's local part
        ("111111111111", "upprepat mönster"),
    ],
)
def test_a_refused_new_password_says_why_and_changes_nothing(client, new, message):
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    response = _change(client, PASSWORD, new)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert new not in html
    assert authenticate(user.email, PASSWORD) is not None


def test_the_two_new_passwords_must_match(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    response = _change(client, PASSWORD, NEW, again=NEW + "x")
    assert response.status_code == 422
    assert "inte likadana" in response.get_data(as_text=True)


def test_a_changed_password_ends_other_sessions_and_keeps_this_one(client, app):
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    other = app.test_client()
    login(other, user)
    assert other.get("/admin/").status_code == 200

    response = _change(client, PASSWORD, NEW)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "utloggad överallt annars" in page.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302
    assert authenticate(user.email, NEW) is not None
    assert authenticate(user.email, PASSWORD) is None
    events = db.session.scalars(db.select(AuditEvent).filter_by(action="account.password")).all()
    assert [(event.subject, event.user_id) for event in events] == [(f"user:{user.id}", user.id)]


def test_a_long_passphrase_with_spaces_and_unicode_is_accepted_in_any_normal_form(client):
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    passphrase = (
        "Åsa åt ärtsoppa på torsdagen och drack punsch medan snön föll över Växjö domkyrka "
        "och tornet lyste i mörkret"
    )  # 109 characters, composed
    assert len(passphrase) > 100
    assert _change(client, PASSWORD, passphrase).status_code == 303
    decomposed = unicodedata.normalize("NFD", passphrase)
    assert decomposed != passphrase
    assert authenticate(user.email, decomposed) is not None
    assert authenticate(user.email, passphrase) is not None


def test_a_hash_made_before_normalisation_still_works_and_is_upgraded(app):
    user = make_user("kronoberg", Role.EDITOR)
    typed = unicodedata.normalize("NFD", "Åsa åt ärtsoppa på torsdagen")
    db.session.get(User, user.id).password_hash = PasswordHasher().hash(typed)
    db.session.commit()
    assert authenticate(user.email, typed) is not None
    db.session.commit()
    # Upgraded to the normalised form: the composed spelling now works too.
    assert authenticate(user.email, unicodedata.normalize("NFC", typed)) is not None
