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
class Scope:
    """Whose updates: the regions' (None: every region's) and, with ``national``, KICK's news."""

    region_ids: frozenset[int] | None
    national: bool = True

    @classmethod
    def of(cls, region: Region | None) -> Scope:
        """A region's readers' updates (its own and KICK's), or everything."""
        return cls(None if region is None else frozenset({region.id}))


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
    """The newest ``limit`` updates up to ``now``, for a region's readers or for everyone."""
    return between(None, now, Scope.of(region), KINDS, limit)


KINDS = frozenset({CONSULTATION_OPENED, FEEDBACK_PUBLISHED, NEWS})


def between(
    since: datetime | None,
    until: datetime,
    scope: Scope,
    kinds: frozenset[str] = KINDS,
    limit: int = 50,
) -> list[Update]:
    """The updates of these kinds after ``since`` (None: ever) up to ``until``, newest first."""
    found: list[Update] = []
    if CONSULTATION_OPENED in kinds:
        found += _opened(since, until, scope, limit)
    if FEEDBACK_PUBLISHED in kinds:
        found += _feedback(since, until, scope, limit)
    if NEWS in kinds:
        found += _news(since, until, scope, limit)
    found.sort(key=lambda update: (update.at, update.kind, update.key), reverse=True)
    return found[:limit]


def _consultations(scope: Scope, moment, since: datetime | None, until: datetime):  # type: ignore[no-untyped-def]
    """Public consultations in the scope's regions whose ``moment`` lies in the window."""
    query = (
        select(Consultation)
        .where(
            Consultation.status.in_(PUBLIC_STATUSES),
            moment.is_not(None),
            moment <= until,
        )
        .options(joinedload(Consultation.region))
        .order_by(moment.desc())
    )
    if since is not None:
        query = query.where(moment > since)
    if scope.region_ids is not None:
        query = query.where(Consultation.region_id.in_(scope.region_ids))
    return query


def _of_consultation(
    kind: str,
    consultation: Consultation,
    at: datetime,
    title: str,
    summary_html: str,
    endpoint: str,
) -> Update:
    """An update about a consultation, read on its page or its summary; it does not change."""
    return Update(
        kind=kind,
        key=consultation.id,
        title=title,
        summary_html=summary_html,
        endpoint=endpoint,
        values=(
            ("region_slug", consultation.region.slug),
            ("consultation_slug", consultation.slug),
        ),
        at=at,
        changed_at=at,
        region=consultation.region,
    )


def _opened(since: datetime | None, until: datetime, scope: Scope, limit: int) -> list[Update]:
    query = _consultations(scope, Consultation.opens_at, since, until).limit(limit)
    return [
        _of_consultation(
            CONSULTATION_OPENED,
            consultation,
            consultation.opens_at,
            _(
                "%(region)s opens a consultation: %(title)s",
                region=consultation.region.name,
                title=consultation.title,
            ),
            str(render_markdown(consultation.intro)),
            "regions.consultation_page",
        )  # fmt: skip
        for consultation in db.session.scalars(query)
    ]


def _feedback(since: datetime | None, until: datetime, scope: Scope, limit: int) -> list[Update]:
    query = _consultations(scope, Consultation.feedback_published_at, since, until).limit(limit)
    return [
        _of_consultation(
            FEEDBACK_PUBLISHED,
            consultation,
            consultation.feedback_published_at,
            _(
                "%(region)s tells what it did with the answers: %(title)s",
                region=consultation.region.name,
                title=consultation.title,
            ),
            _("The region's feedback on the answers to the consultation is on its summary."),
            "board.board_page",
        )  # fmt: skip
        for consultation in db.session.scalars(query)
    ]


def _news(since: datetime | None, until: datetime, scope: Scope, limit: int) -> list[Update]:
    items: list[NewsItem] = news.published_between(
        since, until, scope.region_ids, scope.national, limit
    )
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
