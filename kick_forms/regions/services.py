"""What the public pages list: regions and their consultations that are no longer drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.models import Consultation, ConsultationStatus, Region

PUBLIC_STATUSES = (
    ConsultationStatus.OPEN,
    ConsultationStatus.CLOSED,
    ConsultationStatus.PUBLISHED,
)


def open_consultations(now: datetime, region: Region | None = None) -> list[Consultation]:
    """Consultations that take answers now, the closing soonest first."""
    query = (
        select(Consultation)
        .where(
            Consultation.status == ConsultationStatus.OPEN,
            Consultation.opens_at <= now,
            Consultation.closes_at > now,
        )
        .options(selectinload(Consultation.region))
        .order_by(Consultation.closes_at)
    )
    if region is not None:
        query = query.where(Consultation.region_id == region.id)
    return list(db.session.scalars(query))


def recent_consultations(region: Region, now: datetime, limit: int = 10) -> list[Consultation]:
    """A region's public consultations that are not taking answers now, newest first."""
    query = (
        select(Consultation)
        .where(
            Consultation.region_id == region.id,
            Consultation.status.in_(PUBLIC_STATUSES),
        )
        .order_by(Consultation.closes_at.desc())
    )
    return [c for c in db.session.scalars(query) if not c.accepts_answers(now)][:limit]


def open_counts_by_region(now: datetime) -> dict[int, int]:
    query = (
        select(Consultation.region_id, func.count())
        .where(
            Consultation.status == ConsultationStatus.OPEN,
            Consultation.opens_at <= now,
            Consultation.closes_at > now,
        )
        .group_by(Consultation.region_id)
    )
    return dict(db.session.execute(query).tuples().all())


def public_consultation(region: Region, slug: str) -> Consultation | None:
    return db.session.scalars(
        select(Consultation).where(
            Consultation.region_id == region.id,
            Consultation.slug == slug,
            Consultation.status.in_(PUBLIC_STATUSES),
        )
    ).one_or_none()
