"""The feeds: updates as Atom for all of Sweden (/nytt.atom) and per region
(/r/<region>/nytt.atom), and a region's calendar of deadlines and dialogue meetings
(/r/<region>/kalender.ics)."""

from __future__ import annotations

from flask import Response, abort
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import Region
from kick_forms.news import bp, feeds, updates
from kick_forms.timeutil import utcnow
from kick_forms.urls import public_url_for

# Feed readers and calendars ask often; a few minutes late is on time for them.
MAX_AGE = 300


def _region(region_slug: str) -> Region:
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None:
        abort(404)
    return region


def _send(body: bytes, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@bp.route("/nytt.atom")
def feed():
    now = utcnow()
    body = feeds.atom(
        _("KICK Forms: news and consultations in all regions"),
        public_url_for("news.feed"),
        public_url_for("news.list_page"),
        updates.recent(now),
        now,
    )
    return _send(body, "application/atom+xml")


@bp.route("/r/<region_slug>/nytt.atom")
def region_feed(region_slug: str):
    region = _region(region_slug)
    now = utcnow()
    body = feeds.atom(
        _("KICK Forms: news and consultations of %(region)s", region=region.name),
        public_url_for("news.region_feed", region_slug=region.slug),
        public_url_for("regions.region_page", region_slug=region.slug),
        updates.recent(now, region),
        now,
    )
    return _send(body, "application/atom+xml")


@bp.route("/r/<region_slug>/kalender.ics")
def region_calendar(region_slug: str):
    region = _region(region_slug)
    response = _send(feeds.calendar(region, utcnow()), "text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{region.slug}.ics"'
    return response
