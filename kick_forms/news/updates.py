"""What happened that readers follow: consultations that opened, feedback the regions published,
and news, newest first, for all of Sweden or for one region's readers (its own and KICK's).

The feeds list them; each has an identity that stays the same however often it is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation, NewsItem, Region
from kick_forms.news import services as news
from kick_forms.regions.services import PUBLIC_STATUSES
from kick_forms.templating import render_markdown

CONSULTATION_OPENED = "consultation-opened"
FEEDBACK_PUBLISHED = "feedback-published"
NEWS = "news"


@dataclass(frozen=True)
class Update:
    kind: str
    key: int  # the consultation's or the news' id: with ``kind``, the update's identity
    title: str
    summary_html: str
    endpoint: str  # where it is read, with ``values``
    values: tuple[tuple[str, object], ...]
    at: datetime  # when it happened
    changed_at: datetime  # when it last changed (news may be corrected)
    region: Region | None


def recent(now: datetime, region: Region | None = None, limit: int = 50) -> list[Update]:
    """The newest ``limit`` updates up to ``now``."""
    found = _opened(now, region, limit) + _feedback(now, region, limit) + _news(now, region, limit)
    found.sort(key=lambda update: (update.at, update.kind, update.key), reverse=True)
    return found[:limit]


def _consultations(region: Region | None):  # type: ignore[no-untyped-def]
    query = (
        select(Consultation)
        .where(Consultation.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Consultation.region))
    )
    return query if region is None else query.where(Consultation.region_id == region.id)


def _page(consultation: Consultation) -> tuple[tuple[str, object], ...]:
    return (("region_slug", consultation.region.slug), ("consultation_slug", consultation.slug))


def _opened(now: datetime, region: Region | None, limit: int) -> list[Update]:
    query = (
        _consultations(region)
        .where(Consultation.opens_at.is_not(None), Consultation.opens_at <= now)
        .order_by(Consultation.opens_at.desc())
        .limit(limit)
    )
    return [
        Update(
            kind=CONSULTATION_OPENED,
            key=consultation.id,
            title=_(
                "%(region)s opens a consultation: %(title)s",
                region=consultation.region.name,
                title=consultation.title,
            ),  # fmt: skip
            summary_html=str(render_markdown(consultation.intro)),
            endpoint="regions.consultation_page",
            values=_page(consultation),
            at=consultation.opens_at,
            changed_at=consultation.opens_at,
            region=consultation.region,
        )
        for consultation in db.session.scalars(query)
    ]


def _feedback(now: datetime, region: Region | None, limit: int) -> list[Update]:
    query = (
        _consultations(region)
        .where(
            Consultation.feedback_published_at.is_not(None),
            Consultation.feedback_published_at <= now,
        )
        .order_by(Consultation.feedback_published_at.desc())
        .limit(limit)
    )
    return [
        Update(
            kind=FEEDBACK_PUBLISHED,
            key=consultation.id,
            title=_(
                "%(region)s tells what it did with the answers: %(title)s",
                region=consultation.region.name,
                title=consultation.title,
            ),  # fmt: skip
            summary_html=str(
                _("The region's feedback on the answers to the consultation is on its summary.")
            ),
            endpoint="board.board_page",
            values=_page(consultation),
            at=consultation.feedback_published_at,
            changed_at=consultation.feedback_published_at,
            region=consultation.region,
        )
        for consultation in db.session.scalars(query)
    ]


def _news(now: datetime, region: Region | None, limit: int) -> list[Update]:
    items: list[NewsItem] = news.latest(now, region, limit)
    return [
        Update(
            kind=NEWS,
            key=item.id,
            title=item.title,
            summary_html=str(render_markdown(item.body)),
            endpoint="news.item_page",
            values=(("item_id", item.id),),
            at=item.published_at,
            changed_at=max(item.published_at, item.updated_at),
            region=item.region,
        )
        for item in items
    ]
