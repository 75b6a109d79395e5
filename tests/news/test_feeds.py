"""The feeds: Atom for all of Sweden and per region, valid by RFC 4287's schema, with entries
that keep their identity; and a region's calendar that a calendar library reads."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from lxml import etree

from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, DialogueMeeting, NewsItem, NewsStatus
from kick_forms.timeutil import utcnow
from tests.conftest import make_consultation, region

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent.parent / "data" / "atom.rng")))
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _news(region_slug: str | None, title: str, hours_ago: int = 1) -> NewsItem:
    item = NewsItem(
        region=region(region_slug) if region_slug else None,
        title=title,
        body="Med **fetstil** och <script>alert(1)</script>",
        status=NewsStatus.PUBLISHED,
        published_at=utcnow() - timedelta(hours=hours_ago),
    )
    db.session.add(item)
    db.session.commit()
    return item


def _feed(client, path: str) -> etree._Element:
    reply = client.get(path)
    assert reply.status_code == 200
    assert reply.mimetype == "application/atom+xml"
    assert reply.headers["Cache-Control"] == "public, max-age=300"
    # Its words follow the language kept in the session cookie: a cache keys on that too.
    assert "cookie" in reply.vary
    document = etree.fromstring(reply.get_data())
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def _entries(document: etree._Element) -> dict[str, str]:
    """Each entry's title by its id."""
    return {
        entry.findtext("a:id", namespaces=ATOM): entry.findtext("a:title", namespaces=ATOM)
        for entry in document.findall("a:entry", ATOM)
    }


@pytest.fixture
def opened(consultation):
    """The open consultation with feedback published, and Blekinge's open one."""
    consultation.feedback_published_at = utcnow() - timedelta(minutes=5)
    blekinge = make_consultation(region_slug="blekinge", slug="blekinge-plan",
                                 status=ConsultationStatus.OPEN)  # fmt: skip
    blekinge.opens_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return consultation


def test_the_national_feed_lists_every_kind_of_update_and_validates(client, opened):
    _news(None, "KICK:s nyhet")
    _news("kronoberg", "Kronobergs nyhet")
    entries = _entries(_feed(client, "/nytt.atom"))
    titles = set(entries.values())
    assert "KICK:s nyhet" in titles and "Kronobergs nyhet" in titles
    assert any("öppnar ett samråd" in title and "Kulturplan" in title for title in titles)
    assert any("berättar vad regionen gjorde med svaren" in t for t in titles)
    assert any("Region Blekinge" in title for title in titles)
    for entry_id in entries:
        assert entry_id.startswith("tag:127.0.0.1,2026:")


def test_a_regions_feed_has_its_own_and_kicks_updates_only(client, opened):
    _news(None, "KICK:s nyhet")
    _news("blekinge", "Blekinges nyhet")
    document = _feed(client, "/r/kronoberg/nytt.atom")
    titles = set(_entries(document).values())
    assert "KICK:s nyhet" in titles
    assert "Blekinges nyhet" not in titles
    assert not any("Blekinge" in title for title in titles)
    links = {link.get("rel"): link.get("href") for link in document.findall("a:link", ATOM)}
    assert links["self"] == "http://127.0.0.1:8000/r/kronoberg/nytt.atom"
    assert links["alternate"] == "http://127.0.0.1:8000/r/kronoberg/"


def test_entries_keep_their_ids_and_a_new_item_appears(client, opened):
    first = _entries(_feed(client, "/nytt.atom"))
    again = _entries(_feed(client, "/nytt.atom"))
    assert first == again
    item = _news("kronoberg", "Ny nyhet")
    after = _entries(_feed(client, "/nytt.atom"))
    assert after.keys() - first.keys() == {f"tag:127.0.0.1,2026:news/{item.id}"}
    # Corrected, it keeps its identity and its entry says it was updated.
    item.title = "Rättad nyhet"
    db.session.commit()
    assert _entries(_feed(client, "/nytt.atom"))[f"tag:127.0.0.1,2026:news/{item.id}"] == (
        "Rättad nyhet"
    )


def test_the_feed_holds_no_draft_nor_news_set_for_later(client, opened):
    _news("kronoberg", "Senare", hours_ago=-5)
    draft = _news("kronoberg", "Utkast")
    draft.status = NewsStatus.DRAFT
    db.session.commit()
    titles = set(_entries(_feed(client, "/nytt.atom")).values())
    assert "Senare" not in titles and "Utkast" not in titles


def test_the_news_text_is_sanitised_html(client, opened):
    _news("kronoberg", "Kronobergs nyhet")
    document = _feed(client, "/r/kronoberg/nytt.atom")
    contents = [
        entry.findtext("a:content", namespaces=ATOM) for entry in document.findall("a:entry", ATOM)
    ]
    news_content = next(text for text in contents if "fetstil" in text)
    assert "<strong>fetstil</strong>" in news_content
    assert "<script>" not in news_content


def test_pages_name_their_feeds(client, opened):
    for path, feed in (
        ("/", "/nytt.atom"),
        ("/nytt", "/nytt.atom"),
        ("/r/kronoberg/", "/r/kronoberg/nytt.atom"),
        ("/r/kronoberg/nytt", "/r/kronoberg/nytt.atom"),
    ):
        page = client.get(path).get_data(as_text=True)
        assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in page, path
    assert 'type="text/calendar" href="/r/kronoberg/kalender.ics"' in client.get(
        "/r/kronoberg/"
    ).get_data(as_text=True)


def test_the_calendar_has_the_deadlines_and_dialogue_meetings(client, opened):
    db.session.add(DialogueMeeting(consultation_id=opened.id, held_on=date(2027, 2, 10),
                                   place="Växjö konserthus"))  # fmt: skip
    db.session.commit()
    reply = client.get("/r/kronoberg/kalender.ics")
    assert "cookie" in reply.vary  # its event names follow the session's language
    assert reply.status_code == 200
    assert reply.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(reply.get_data())
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    deadline = events[f"consultation-deadline-{opened.id}@127.0.0.1"]
    assert deadline.decoded("DTSTART").replace(tzinfo=None) == opened.closes_at.replace(
        microsecond=0
    )
    assert "Kulturplan" in str(deadline["SUMMARY"])
    assert str(deadline["URL"]) == "http://127.0.0.1:8000/r/kronoberg/c/kulturplan/"
    meeting = next(event for uid, event in events.items() if uid.startswith("dialogue-meeting-"))
    assert meeting.decoded("DTSTART") == date(2027, 2, 10)
    assert str(meeting["LOCATION"]) == "Växjö konserthus"
    # Blekinge's consultation is not in Kronoberg's calendar; the same calendar again is equal.
    assert not any("blekinge" in str(event.get("URL")) for event in events.values())
    assert client.get("/r/kronoberg/kalender.ics").get_data() == reply.get_data()
    assert client.get("/r/ingenstans/kalender.ics").status_code == 404
