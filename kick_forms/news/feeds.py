"""The updates as an Atom feed (RFC 4287) and a region's calendar as iCalendar (RFC 5545).

Both use absolute links at the configured public address, and identities that stay the same
however often they are drawn: an entry's id is a tag URI (RFC 4151) of the public host, the kind
of update and its object's id; an event's UID likewise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.i18n import current_locale
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation, DialogueMeeting, Region
from kick_forms.news.updates import Update
from kick_forms.regions.services import PUBLIC_STATUSES
from kick_forms.urls import public_url_for

ATOM = "http://www.w3.org/2005/Atom"
# The year in the tag URIs: the year KICK Forms began naming its updates so.
TAG_YEAR = 2026


def _host() -> str:
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


def _tag(kind: str, key: int) -> str:
    return f"tag:{_host()},{TAG_YEAR}:{kind}/{key}"


def _uid(kind: str, key: int) -> str:
    """An event's identity in the form calendars expect (RFC 5545 3.8.4.7)."""
    return f"{kind}-{key}@{_host()}"


def _timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC (the database keeps naive UTC)."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def atom(
    title: str, self_url: str, page_url: str, updates: Sequence[Update], now: datetime
) -> bytes:
    """The feed: newest update first; ``updated`` is the newest change (now when empty)."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", current_locale().language)

    def add(parent: ElementTree.Element, name: str, text: str | None = None, **attrs: str):  # type: ignore[no-untyped-def]
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    add(feed, "id", self_url)
    add(feed, "title", title)
    newest = max((update.changed_at for update in updates), default=now)
    add(feed, "updated", _timestamp(newest))
    author = add(feed, "author")
    add(author, "name", "KICK Forms")
    add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    add(feed, "link", rel="alternate", type="text/html", href=page_url)
    for update in updates:
        entry = add(feed, "entry")
        add(entry, "id", _tag(update.kind, update.key))
        add(entry, "title", update.title)
        add(entry, "published", _timestamp(update.at))
        add(entry, "updated", _timestamp(update.changed_at))
        entry_author = add(entry, "author")
        add(entry_author, "name", update.region.name if update.region else "KICK")
        url = public_url_for(update.endpoint, **dict(update.values))
        add(entry, "link", rel="alternate", type="text/html", href=url)
        add(entry, "content", update.summary_html, type="html")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def calendar(region: Region, now: datetime) -> bytes:
    """The region's consultations' deadlines and dialogue meetings, from a year back."""
    since = now - timedelta(days=365)
    cal = Calendar()
    cal.add("prodid", "-//KICK Forms//kick-forms//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Consultations of %(region)s", region=region.name))
    consultations = db.session.scalars(
        select(Consultation)
        .where(
            Consultation.region_id == region.id,
            Consultation.status.in_(PUBLIC_STATUSES),
            Consultation.closes_at.is_not(None),
            Consultation.closes_at >= since,
        )
        .order_by(Consultation.closes_at)
    )
    for consultation in consultations:
        event = Event()
        event.add("uid", _uid("consultation-deadline", consultation.id))
        event.add("dtstamp", consultation.updated_at.replace(tzinfo=UTC))
        # A moment, with no end: the event ends when it starts (RFC 5545 3.6.1).
        event.add("dtstart", consultation.closes_at.replace(tzinfo=UTC))
        event.add("summary", _("Last day to answer: %(title)s", title=consultation.title))
        event.add("url", public_url_for("regions.consultation_page", region_slug=region.slug,
                                        consultation_slug=consultation.slug))  # fmt: skip
        cal.add_component(event)
    meetings = db.session.execute(
        select(DialogueMeeting, Consultation)
        .join(Consultation, Consultation.id == DialogueMeeting.consultation_id)
        .where(
            Consultation.region_id == region.id,
            Consultation.status.in_(PUBLIC_STATUSES),
            DialogueMeeting.held_on >= since.date(),
        )
        .order_by(DialogueMeeting.held_on)
    ).tuples()
    for meeting, consultation in meetings:
        event = Event()
        event.add("uid", _uid("dialogue-meeting", meeting.id))
        event.add("dtstamp", meeting.created_at.replace(tzinfo=UTC))
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + timedelta(days=1))
        event.add("summary", _("Dialogue meeting: %(title)s", title=consultation.title))
        event.add("location", meeting.place)
        event.add("url", public_url_for("regions.consultation_page", region_slug=region.slug,
                                        consultation_slug=consultation.slug))  # fmt: skip
        cal.add_component(event)
    return cal.to_ical()
