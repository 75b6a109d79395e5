"""Following by e-mail through a real SMTP server: follow, confirm, one digest a day listing
what happened, and one POST that stops it."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from kick_forms.models import DigestDay, Follower
from kick_forms.news import following
from kick_forms.privacy.purge import purge
from kick_forms.timeutil import utcnow
from tests.conftest import at_once, csrf_token

FORM = "/folj"
CONFIRM = re.compile(r"https?://\S+/folj/bekrafta/[A-Za-z0-9_-]+")


def _follow(client, **changes):  # type: ignore[no-untyped-def]
    data = {
        "email": "anna@example.se",
        "regions": ["kronoberg"],
        "frequency": "daily",
        "opened": "y",
        "closing": "y",
        "feedback": "y",
        "news": "y",
        "privacy": "y",
        **changes,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(FORM, data={**data, "csrf_token": csrf_token(client, FORM)})


def _mails(smtp):  # type: ignore[no-untyped-def]
    """Send what is queued through the SMTP server: the messages received."""
    send_due(now=utcnow() + timedelta(days=3))
    received = [message for _rcpts, message in smtp.received]
    smtp.received.clear()
    return received


def _text(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(("plain",)).get_content()


def _confirmed(client, smtp) -> Follower:
    assert _follow(client).status_code == 303
    [mail] = _mails(smtp)
    assert mail["To"] == "anna@example.se"
    path = urlsplit(CONFIRM.search(_text(mail)).group(0)).path
    page = client.get(path)  # what a mail scanner does: it confirms nothing
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    assert db.session.scalars(select(Follower)).one().confirmed_at is None
    token = csrf_token(client, path)
    assert client.post(path, data={"csrf_token": token}).status_code == 303
    assert client.post(path, data={"csrf_token": token}).status_code == 404  # single use
    return db.session.scalars(select(Follower)).one()


def test_follow_confirm_one_digest_then_one_click_stops_it(app, client, consultation, smtp):
    follower = _confirmed(client, smtp)
    assert [region.slug for region in follower.regions] == ["kronoberg"]
    confirmed = follower.confirmed_at
    # After the confirmation the consultation opens and the region publishes its feedback.
    consultation.opens_at = confirmed + timedelta(hours=1)
    consultation.feedback_published_at = confirmed + timedelta(hours=2)
    db.session.commit()
    tomorrow = confirmed + timedelta(days=1)

    # The digest command started on two machines at once, then again: one mail.
    reports = at_once(app, 2, lambda: following.send_digests(tomorrow))
    assert sum(report.mails for report in reports) == 1
    assert following.send_digests(tomorrow + timedelta(hours=3)).mails == 0
    assert db.session.scalar(select(func.count()).select_from(DigestDay)) == 1
    [digest] = _mails(smtp)
    text = _text(digest)
    assert "Region Kronoberg öppnar ett samråd: Kulturplan 2027–2030" in text
    assert "Region Kronoberg berättar vad regionen gjorde med svaren" in text
    assert "http://127.0.0.1:8000/r/kronoberg/c/kulturplan/" in text
    unsubscribe = str(digest["List-Unsubscribe"]).strip().strip("<>")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text

    # The next day there is something new, but the one-click POST (no session, no token but
    # the link's) stops the digests first: the address is gone.
    consultation.title = "Kulturplan, andra omgången"
    consultation.feedback_published_at = tomorrow + timedelta(hours=5)
    db.session.commit()
    visitor = client.application.test_client(use_cookies=False)
    reply = visitor.post(
        urlsplit(unsubscribe).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert reply.status_code == 200
    assert db.session.scalars(select(Follower)).first() is None
    assert following.send_digests(tomorrow + timedelta(days=1)).mails == 0
    assert _mails(smtp) == []
    # The link stays harmless: posting again changes nothing and says it is done.
    again = visitor.post(urlsplit(unsubscribe).path)
    assert again.status_code == 404
    assert "inga fler e-postmeddelanden" in again.get_data(as_text=True)
    assert visitor.get(urlsplit(unsubscribe).path).status_code == 404


def test_nothing_new_sends_nothing_and_a_week_waits_for_a_week(client, consultation, smtp):
    assert _follow(client, frequency="weekly").status_code == 303
    [mail] = _mails(smtp)
    path = urlsplit(CONFIRM.search(_text(mail)).group(0)).path
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    follower = db.session.scalars(select(Follower)).one()
    confirmed = follower.confirmed_at
    report = following.send_digests(confirmed + timedelta(days=8))
    assert (report.mails, report.nothing_new) == (0, 1)
    consultation.feedback_published_at = confirmed + timedelta(days=1)
    db.session.commit()
    assert following.send_digests(confirmed + timedelta(days=3)).mails == 0  # not a week yet
    assert following.send_digests(confirmed + timedelta(days=8)).mails == 1


def test_the_last_week_before_a_deadline_is_told_once(client, consultation, smtp):
    follower = _confirmed(client, smtp)
    confirmed = follower.confirmed_at
    consultation.closes_at = confirmed + timedelta(days=9)
    db.session.commit()
    assert following.send_digests(confirmed + timedelta(days=1)).mails == 0  # 8 days left
    assert following.send_digests(confirmed + timedelta(days=3)).mails == 1  # 6 days left
    [digest] = _mails(smtp)
    assert "Sista veckan att svara" in _text(digest)
    assert following.send_digests(confirmed + timedelta(days=4)).mails == 0  # told already


def test_confirming_new_choices_replaces_the_old(client, smtp):
    _confirmed(client, smtp)
    assert _follow(client, regions=["blekinge"], national="y").status_code == 303
    [mail] = _mails(smtp)
    path = urlsplit(CONFIRM.search(_text(mail)).group(0)).path
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    follower = db.session.scalars(select(Follower)).one()
    assert [region.slug for region in follower.regions] == ["blekinge"]
    assert follower.national


def test_bad_input_is_said_and_nothing_is_sent(client, smtp):
    reply = _follow(client, email="inte en adress", regions=None, privacy=None)
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "inte en adress" in page
    assert "Välj en region eller KICK:s nyheter." in page
    assert db.session.scalars(select(Follower)).first() is None
    assert _mails(smtp) == []


def test_an_unconfirmed_address_expires_and_is_purged(client, smtp):
    _follow(client)
    [mail] = _mails(smtp)
    path = urlsplit(CONFIRM.search(_text(mail)).group(0)).path
    later = utcnow() + timedelta(days=3)
    assert purge(later, 365).followers == 1
    db.session.commit()
    assert client.get(path).status_code == 404
