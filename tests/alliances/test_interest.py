"""Helping to start an alliance where a region has none: organisations say they want one and
confirm by e-mail, the public sees how many, KICK's staff start it and tell them."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from kick_forms.models import AllianceInterest, AuditEvent, CultureAlliance, OutboxMessage, Role
from kick_forms.privacy.purge import purge
from kick_forms.timeutil import utcnow
from tests.conftest import csrf_token, login, make_app, make_user

FORM = "/allianser/dalarna/starta"
LIST = "/allianser"
STAFF = "/admin/alliances/interest"
LINK = re.compile(r"https?://\S+/allianser/bekrafta/[A-Za-z0-9_-]+")


def _typed(**changes) -> dict:
    data = {
        "name": "Falu spelmanslag",
        "municipality": "2080",
        "contact_name": "Eva Ek",
        "contact_email": "eva@example.se",
        "privacy": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _say(client, **changes):  # type: ignore[no-untyped-def]
    return client.post(FORM, data={**_typed(**changes), "csrf_token": csrf_token(client, FORM)})


def _mails(smtp) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Send what is queued through the SMTP server: (recipient, subject, text) each."""
    send_due(now=utcnow() + timedelta(minutes=1))
    received = [
        (rcpts[0], message["Subject"], message.get_body(("plain",)).get_content())
        for rcpts, message in smtp.received
    ]
    smtp.received.clear()
    return received


def _confirm_from(client, text: str):  # type: ignore[no-untyped-def]
    path = urlsplit(LINK.search(text).group(0)).path
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def test_an_organisation_says_it_wants_an_alliance_and_confirms_by_mail(client, smtp):
    listed = client.get(LIST).get_data(as_text=True)
    assert f'href="{FORM}"' in listed  # where there is none
    assert 'href="/allianser/kronoberg/starta"' not in listed  # Kronoberg has one
    assert 'href="https://www.facebook.com/Ideellkulturallians/"' in listed  # IKA's own page

    sent = _say(client)
    assert sent.status_code == 303
    assert "Titta i din e-post" in client.get(sent.headers["Location"]).get_data(as_text=True)
    [(to, subject, text)] = _mails(smtp)
    assert to == "eva@example.se" and "Falu spelmanslag" in subject
    assert text.startswith("Hej Eva Ek!")
    # Not counted before it is confirmed, and a mail scanner opening the link confirms nothing.
    assert "vill vara med och starta en" not in client.get(LIST).get_data(as_text=True)
    path = urlsplit(LINK.search(text).group(0)).path
    opened = client.get(path)
    assert opened.status_code == 200 and opened.headers["Cache-Control"] == "no-store"
    assert "vill vara med och starta en" not in client.get(LIST).get_data(as_text=True)

    confirmed = _confirm_from(client, text)
    assert confirmed.status_code == 303
    thanks = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "1 organisation i Region Dalarna vill vara med och starta en kulturallians." in thanks
    assert "1 organisation vill vara med och starta en." in client.get(LIST).get_data(as_text=True)
    region_page = client.get("/r/dalarna/").get_data(as_text=True)
    assert "1 organisation vill vara med och starta en." in region_page
    assert f'href="{FORM}"' in region_page
    # The link works once; the same address confirming again is counted once.
    assert client.post(path, data={"csrf_token": csrf_token(client, FORM)}).status_code == 404
    _say(client, name="Falu spelmanslag (igen)", contact_email="EVA@example.se")
    [(_to, _subject, again)] = _mails(smtp)
    _confirm_from(client, again)
    assert "1 organisation vill vara med" in client.get(LIST).get_data(as_text=True)
    # Never published: neither the person nor the address.
    for page in (client.get(LIST), client.get("/r/dalarna/"), client.get(FORM)):
        assert "Eva Ek" not in page.get_data(as_text=True)
        assert "eva@example.se" not in page.get_data(as_text=True)


def test_bad_input_is_refused_and_keeps_what_was_typed(client):
    refused = _say(client, contact_email="eva@", privacy=None, name="")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "<title>Fel:" in html and 'class="error-summary"' in html
    assert "namn@example.se" in html and "Bekräfta att du har läst" in html
    assert 'value="eva@"' in html and '<option selected value="2080">' in html
    assert db.session.scalar(select(func.count(AllianceInterest.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    # A region with an alliance sends visitors to it; an unknown region is not found.
    assert client.get("/allianser/kronoberg/starta").status_code == 302
    assert client.get("/allianser/atlantis/starta").status_code == 404
    assert client.get("/allianser/bekrafta/not-a-token").status_code == 404


def test_an_expired_link_asks_to_send_the_form_again_and_the_purge_deletes_it(client):
    _say(client)
    text = db.session.scalars(select(OutboxMessage.body_text)).one()
    interest = db.session.scalars(select(AllianceInterest)).one()
    interest.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    path = urlsplit(LINK.search(text).group(0)).path
    expired = client.get(path)
    assert expired.status_code == 410 and f'href="{FORM}"' in expired.get_data(as_text=True)
    assert db.session.get(AllianceInterest, interest.id).confirmed_at is None
    report = purge(utcnow(), retention_days=730)
    db.session.commit()
    assert report.interests == 1
    assert db.session.scalar(select(func.count(AllianceInterest.id))) == 0


def test_public_writes_are_rate_limited(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True, PUBLIC_WRITE_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        statuses = [_say(client, name="").status_code for _ in range(3)]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [422, 422, 429]


def test_kick_starts_the_alliance_and_tells_every_organisation_that_waited(client, smtp):
    waited = (
        ("Falu spelmanslag", "eva@example.se"),
        ("Borlänge kör", "bo@example.se"),
        ("Falu kammarkör", "EVA@example.se"),
    )  # the same person for two organisations
    for name, email in waited:
        _say(client, name=name, contact_email=email)
    for _to, _subject, text in _mails(smtp):
        _confirm_from(client, text)

    region_staff = client.application.test_client()
    login(region_staff, make_user("dalarna", Role.ADMIN))
    assert region_staff.get(STAFF).status_code == 403
    assert region_staff.get(f"{STAFF}.csv").status_code == 403

    kick = client.application.test_client()
    login(kick, make_user(None, None, platform=True))
    waiting = kick.get(STAFF).get_data(as_text=True)
    assert "Region Dalarna" in waiting and "3 organisationer" in waiting
    assert "Eva Ek &lt;eva@example.se&gt;" in waiting
    export = kick.get(f"{STAFF}.csv?region=dalarna")
    rows = export.data.decode("utf-8-sig").splitlines()
    assert export.headers["Cache-Control"] == "no-store"
    assert rows[0] == "Region;Organisation;Kommun;Kontaktperson;E-postadress;Bekräftad"
    assert sorted(row.split(";")[1] for row in rows[1:]) == [
        "Borlänge kör",
        "Falu kammarkör",
        "Falu spelmanslag",
    ]
    assert kick.get(f"{STAFF}.csv?region=atlantis").status_code == 404

    start = f"{STAFF}/dalarna/start"
    refused = kick.post(start, data={"csrf_token": csrf_token(kick, start), "url": "http://x"})
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(CultureAlliance.id)).filter_by(name="")) == 0
    started = kick.post(
        start,
        data={
            "csrf_token": csrf_token(kick, start),
            "name": "Ideell kulturallians Dalarna",
            "url": "https://www.facebook.com/groups/ikadalarna/",
        },
    )
    assert started.status_code == 303
    mails = _mails(smtp)
    told = {to: text for to, _subject, text in mails}
    assert sorted(to for to, _subject, _text in mails) == ["bo@example.se", "eva@example.se"]
    assert "https://www.facebook.com/groups/ikadalarna/" in told["eva@example.se"]
    # The alliance is on the list and the region's page; nobody waits any more.
    listed = client.get(LIST).get_data(as_text=True)
    assert "Ideell kulturallians Dalarna" in listed and f'href="{FORM}"' not in listed
    assert "Ideell kulturallians Dalarna" in client.get("/r/dalarna/").get_data(as_text=True)
    assert "Ingen organisation väntar" in kick.get(STAFF).get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent.detail).filter_by(action="alliance.add")).all() == [
        "told=2"
    ]
