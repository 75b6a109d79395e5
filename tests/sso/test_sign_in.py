"""Signing in through the region's own provider: a real OpenID Connect provider in the test
(tests/sso/provider.py) over HTTP, the authorization code flow with PKCE, and every way an ID
token can be wrong."""

from __future__ import annotations

import html
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey

from kick_forms.auth.services import create_user, grant_role
from kick_forms.extensions import db
from kick_forms.models import Role, StaffSession
from kick_forms.sso.views import FLOW_KEY
from tests.conftest import PASSWORD, region
from tests.sso.conftest import configure_region

EMAIL = "anna@region.example"


@pytest.fixture
def anna(app):
    user = create_user(EMAIL, PASSWORD)
    grant_role(user, region("kronoberg"), Role.EDITOR)
    db.session.commit()
    return user


def _at_provider(client, slug: str = "kronoberg") -> str:
    """Start at our login route and let the provider approve: our callback's path and query."""
    start = client.get(f"/admin/sso/{slug}/login")
    assert start.status_code == 303, start.get_data(as_text=True)
    reply = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text
    back = urlsplit(reply.headers["Location"])
    assert "code" in parse_qs(back.query), back.query
    return f"{back.path}?{back.query}"


def _sessions() -> list[StaffSession]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(StaffSession)))


def test_round_trip_with_pkce_signs_the_member_in(client, provider, anna):
    configure_region(provider)
    start = client.get("/admin/sso/kronoberg/login")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"] and query["state"] and query["code_challenge"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/admin/sso/kronoberg/callback"]

    response = client.get(_at_provider(client))

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    [staff_session] = _sessions()
    assert (staff_session.user_id, staff_session.method) == (anna.id, "sso")
    assert "Region Kronoberg" in client.get("/admin/").get_data(as_text=True)


def _refused(client, callback: str) -> str:
    response = client.get(callback)
    assert response.status_code == 403, response.status_code
    assert _sessions() == []
    assert client.get("/admin/").status_code == 302  # still not signed in
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"aud": ["someone-else"]}, id="wrong audience"),
        pytest.param({"nonce": "not-the-one-sent"}, id="wrong nonce"),
        pytest.param(
            {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, id="expired"
        ),
        pytest.param({"iss": "https://impostor.example"}, id="wrong issuer"),
        pytest.param({"azp": "someone-else"}, id="other authorised party"),
    ],
)
def test_a_wrong_id_token_is_refused(client, provider, anna, tamper):
    configure_region(provider)
    provider.tamper = tamper
    page = _refused(client, _at_provider(client))
    assert "Identiteten från regionens inloggningstjänst är inte giltig." in page


def test_an_id_token_signed_with_another_key_is_refused(client, provider, anna):
    configure_region(provider)
    provider.signing_key = RSAKey.generate_key(2048)  # same kid, a key the provider never published
    page = _refused(client, _at_provider(client))
    assert "Identiteten från regionens inloggningstjänst är inte giltig." in page


def test_an_unknown_email_is_refused_and_no_account_is_made(client, provider, anna):
    configure_region(provider)
    provider.person.email = "stranger@region.example"
    page = _refused(client, _at_provider(client))
    assert "Det finns inget personalkonto för den här e-postadressen i Region Kronoberg" in page
    assert [u.email for u in db.session.scalars(db.select(type(anna)))] == [EMAIL]


def test_an_unverified_email_is_refused(client, provider, anna):
    configure_region(provider)
    provider.person.email_verified = False
    page = _refused(client, _at_provider(client))
    assert "gav ingen bekräftad e-postadress" in page


def test_a_member_of_another_region_only_is_refused(client, provider, anna):
    configure_region(provider)
    membership = anna.memberships[0]
    membership.region_id = region("blekinge").id
    db.session.commit()
    _refused(client, _at_provider(client))


def test_a_deactivated_account_is_refused(client, provider, anna):
    configure_region(provider)
    anna.active = False
    db.session.commit()
    _refused(client, _at_provider(client))


def test_the_provider_checks_the_pkce_verifier(client, provider, anna):
    configure_region(provider)
    callback = _at_provider(client)
    with client.session_transaction() as session:
        flow = dict(session[FLOW_KEY])
        flow["verifier"] = "x" * 64  # not the one whose challenge the provider holds
        session[FLOW_KEY] = flow
    page = _refused(client, callback)
    assert "svarade inte som väntat" in page


def test_a_callback_with_another_state_is_refused(client, provider, anna):
    configure_region(provider)
    callback = _at_provider(client)
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400
    assert _sessions() == []


def test_a_code_works_once(client, provider, anna):
    configure_region(provider)
    callback = _at_provider(client)
    assert client.get(callback).status_code == 303
    assert client.get(callback).status_code == 400  # the flow is spent
    assert len(_sessions()) == 1


def test_the_next_page_given_at_the_login_page_is_kept(client, provider, anna):
    configure_region(provider)
    start = client.get("/admin/sso/kronoberg/login?next=/admin/r/kronoberg/")
    reply = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(reply.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").headers["Location"] == "/admin/r/kronoberg/"


def test_a_region_without_a_provider_has_no_sign_in_route(client, anna):
    assert client.get("/admin/sso/kronoberg/login").status_code == 404
    assert client.get("/admin/sso/kronoberg/callback?code=x&state=y").status_code == 404
