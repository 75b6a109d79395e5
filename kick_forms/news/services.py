"""Writing, publishing and listing news. Services flush and never commit; the view commits."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from kick_forms.extensions import db
from kick_forms.models import Consultation, NewsItem, NewsStatus, Region
from kick_forms.regions.services import PUBLIC_STATUSES

PAGE_SIZE = 10


@dataclass(frozen=True)
class NewsData:
    """What staff write: ``publish_at`` None publishes now (when ``published``)."""

    title: str
    body: str
    published: bool
    publish_at: datetime | None
    consultation: Consultation | None = None


@dataclass(frozen=True)
class NewsPage:
    items: list[NewsItem]
    page: int
    pages: int
    total: int


def _public(now: datetime) -> Select[tuple[NewsItem]]:
    return (
        select(NewsItem)
        .where(NewsItem.status == NewsStatus.PUBLISHED, NewsItem.published_at <= now)
        .options(joinedload(NewsItem.region), joinedload(NewsItem.consultation))
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
    )


def _for_region(query: Select[tuple[NewsItem]], region: Region | None) -> Select[tuple[NewsItem]]:
    """A region's readers see its news and the national news; None: everything."""
    if region is None:
        return query
    return query.where(or_(NewsItem.region_id == region.id, NewsItem.region_id.is_(None)))


def public_page(now: datetime, region: Region | None = None, page: int = 1) -> NewsPage:
    """One page of published news, newest first: all of it, or what a region's readers see."""
    query = _for_region(_public(now), region)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = list(db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return NewsPage(items, page, pages, total)


def latest(now: datetime, region: Region | None = None, limit: int = 3) -> list[NewsItem]:
    return list(db.session.scalars(_for_region(_public(now), region).limit(limit)))


def published_between(
    since: datetime | None,
    until: datetime,
    region_ids: Collection[int] | None,
    national: bool,
    limit: int,
) -> list[NewsItem]:
    """News published after ``since`` up to ``until``: of these regions (None: every region's)
    and, with ``national``, KICK's."""
    query = _public(until)
    if since is not None:
        query = query.where(NewsItem.published_at > since)
    if region_ids is not None:
        owners = [NewsItem.region_id.in_(region_ids)]
        if national:
            owners.append(NewsItem.region_id.is_(None))
        query = query.where(or_(*owners))
    elif not national:
        query = query.where(NewsItem.region_id.is_not(None))
    return list(db.session.scalars(query.limit(limit)))


def public_item(item_id: int, now: datetime) -> NewsItem | None:
    item = db.session.get(NewsItem, item_id)
    return item if item is not None and item.is_public(now) else None


def may_write_in(user: Any, region: Region | None) -> bool:
    """Whether ``user`` writes the region's news (its editors), or the national news (None:
    KICK's staff)."""
    if not user.is_authenticated:
        return False
    return user.can_edit(region) if region else bool(user.is_platform_admin)


def may_write(user: Any, item: NewsItem) -> bool:
    return may_write_in(user, item.region)


def written_by(region: Region | None) -> list[NewsItem]:
    """Everything the region's staff (None: KICK's) have written, drafts too, newest first."""
    owner = NewsItem.region_id.is_(None) if region is None else NewsItem.region_id == region.id
    return list(
        db.session.scalars(
            select(NewsItem)
            .where(owner)
            .order_by(NewsItem.published_at.desc().nulls_first(), NewsItem.id.desc())
        )
    )


def owned_item(region: Region | None, item_id: int) -> NewsItem | None:
    """A piece of news of this region (None: national), or None for any other id."""
    item = db.session.get(NewsItem, item_id)
    if item is None or item.region_id != (region.id if region else None):
        return None
    return item


def linkable_consultations(region: Region) -> list[Consultation]:
    """The region's consultations the public can see, which news may point to."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.region_id == region.id, Consultation.status.in_(PUBLIC_STATUSES))
            .order_by(Consultation.created_at.desc())
        )
    )


def write(item: NewsItem, data: NewsData, now: datetime) -> None:
    """Set what staff wrote; publishing keeps the first publish time unless a new one is set."""
    item.title = data.title.strip()
    item.body = data.body.strip()
    item.consultation = data.consultation
    if data.published:
        item.status = NewsStatus.PUBLISHED
        item.published_at = data.publish_at or item.published_at or now
    else:
        item.status = NewsStatus.DRAFT
        item.published_at = data.publish_at


def create(region: Region | None, data: NewsData, now: datetime) -> NewsItem:
    item = NewsItem(region=region)
    write(item, data, now)
    db.session.add(item)
    db.session.flush()
    return item


def delete(item: NewsItem) -> None:
    db.session.delete(item)
    db.session.flush()
