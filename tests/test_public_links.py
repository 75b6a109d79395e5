"""Links that leave a request (mail, the open-data API) point at the configured public address,
whatever Host the request named; a Host the app does not know is refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import OutboxMessage
from tests.conftest import csrf_token, make_app
from tests.responses.conftest import ORGANISATION, START, token_of

PUBLIC = "https://kick.example.se"
ATTACKER = "evil.example"
FORGERIES = [
    pytest.param({"PROXY_FIX": 0}, {"Host": ATTACKER}, id="Host"),
    pytest.param({"PROXY_FIX": 1}, {"X-Forwarded-Host": ATTACKER}, id="X-Forwarded-Host"),
    pytest.param(
        {"PROXY_FIX": 1}, {"Host": ATTACKER, "X-Forwarded-Proto": "http"}, id="Host-behind-proxy"
    ),
]


def _mails_to(address: str) -> list[str]:
    db.session.commit()  # end the test's read: the requests ran in an app of their own
    return list(
        db.session.scalars(
            select(OutboxMessage.body_text).filter_by(to_address=address).order_by(OutboxMessage.id)
        )
    )


@pytest.mark.parametrize(("settings", "forged"), FORGERIES)
def test_a_draft_started_with_a_forged_host_mails_the_public_address(
    database_url, consultation, settings, forged
):
    # Even with the Host check off ("*"), the host in the mail is the configured one.
    app = make_app(database_url, PUBLIC_URL=PUBLIC, TRUSTED_HOSTS="*", **settings)
    client = app.test_client()
    page = client.get(START, headers=forged).get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    started = client.post(START, data={**ORGANISATION, "nonce": nonce}, headers=forged)
    assert started.status_code == 303
    token = token_of(started.headers["Location"])

    [mail] = _mails_to(ORGANISATION["contact_email"])
    assert f"{PUBLIC}/respond/{token}\n" in mail
    assert ATTACKER not in mail
    # The private link the page shows to keep is the public one too.
    overview = client.get(f"/respond/{token}?started=1", headers=forged).get_data(as_text=True)
    assert f'value="{PUBLIC}/respond/{token}"' in overview
    assert ATTACKER not in overview


def test_a_registration_mailed_from_a_forged_host_links_to_the_public_address(database_url, app):
    app = make_app(database_url, PUBLIC_URL=PUBLIC, TRUSTED_HOSTS="*")
    client = app.test_client()
    form = "/r/kronoberg/register"
    headers = {"Host": ATTACKER}
    data = {
        "name": "Växjö kammarkör",
        "municipality": "0780",
        "categories": ["choir"],
        "contact_name": "Eva Ek",
        "contact_email": "eva@example.se",
        "privacy": "y",
    }
    token = csrf_token(client, f"http://{ATTACKER}{form}")
    assert client.post(form, data={**data, "csrf_token": token}, headers=headers).status_code < 400

    [mail] = _mails_to("eva@example.se")
    assert re.search(rf"^{re.escape(PUBLIC)}/register/confirm/[A-Za-z0-9_-]+$", mail, re.M)
    assert ATTACKER not in mail


def test_the_open_data_api_links_to_the_public_address(database_url, consultation):
    app = make_app(database_url, PUBLIC_URL=f"{PUBLIC}/kick", TRUSTED_HOSTS="*")
    records = app.test_client().get("/api/v1/consultations", headers={"Host": ATTACKER}).json
    urls = [record["url"] for record in records["consultations"]]
    assert urls == [f"{PUBLIC}/kick/r/kronoberg/c/kulturplan/"]


def test_an_unknown_host_is_refused_with_a_page_that_says_so(database_url, app):
    app = make_app(database_url, PUBLIC_URL=PUBLIC)
    client = app.test_client()
    refused = client.get("/", headers={"Host": ATTACKER})
    assert refused.status_code == 400
    assert "Okänd adress" in refused.get_data(as_text=True)
    assert refused.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in refused.headers["Content-Security-Policy"]
    # The public host and the machine's own names (health checks, metrics) are answered.
    for host in ("kick.example.se", "localhost", "127.0.0.1:8000"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_the_hosts_come_from_the_environment(database_url, app, monkeypatch):
    monkeypatch.setenv("KICK_TRUSTED_HOSTS", "forms.region.se, .kick.example.se")
    client = make_app(database_url).test_client()
    assert client.get("/", headers={"Host": "forms.region.se"}).status_code == 200
    assert client.get("/", headers={"Host": "www.kick.example.se"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
