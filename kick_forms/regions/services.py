"""What the public pages list: regions and their consultations that are no longer drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, func, not_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from kick_forms.consultations.structure import load_structure
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
        .where(_taking_answers(now))
        .options(selectinload(Consultation.region))
        .order_by(Consultation.closes_at)
    )
    if region is not None:
        query = query.where(Consultation.region_id == region.id)
    return list(db.session.scalars(query))


def _taking_answers(now: datetime) -> ColumnElement[bool]:
    return and_(
        Consultation.status == ConsultationStatus.OPEN,
        Consultation.opens_at <= now,
        Consultation.closes_at > now,
    )


def recent_consultations(region: Region, now: datetime, limit: int = 10) -> list[Consultation]:
    """A region's public consultations that are not taking answers now, newest first."""
    query = (
        select(Consultation)
        .where(
            Consultation.region_id == region.id,
            Consultation.status.in_(PUBLIC_STATUSES),
            not_(_taking_answers(now)),
        )
        .order_by(Consultation.closes_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def open_counts_by_region(now: datetime) -> dict[int, int]:
    query = (
        select(Consultation.region_id, func.count())
        .where(_taking_answers(now))
        .group_by(Consultation.region_id)
    )
    return dict(db.session.execute(query).tuples().all())


def public_consultation(region: Region, slug: str, *loading: ORMOption) -> Consultation | None:
    """The consultation the public may see, with what ``loading`` says to load along."""
    return db.session.scalars(
        select(Consultation)
        .where(
            Consultation.region_id == region.id,
            Consultation.slug == slug,
            Consultation.status.in_(PUBLIC_STATUSES),
        )
        .options(*loading)
    ).one_or_none()


# Built once: the hot public pages run it on every request, kept or not.
_PUBLIC_AT = (
    select(Consultation)
    .join(Consultation.region)
    .where(
        Region.slug == bindparam("region_slug"),
        Consultation.slug == bindparam("slug"),
        Consultation.status.in_(PUBLIC_STATUSES),
    )
    .options(contains_eager(Consultation.region))
)


def public_consultation_at(region_slug: str, slug: str) -> Consultation | None:
    """The consultation the public may see at this address, with its region, in one
    statement."""
    return db.session.scalars(_PUBLIC_AT, {"region_slug": region_slug, "slug": slug}).one_or_none()


# What the consultation's public page shows of it besides its questions (see
# ``consultations.structure``), loaded in a statement per kind.
PUBLIC_PAGE_LOADING = (
    selectinload(Consultation.culture_areas),
    joinedload(Consultation.code_level),
    joinedload(Consultation.code_step),
    selectinload(Consultation.documents),
    selectinload(Consultation.chapters),
)


def load_public_page(consultation: Consultation) -> None:
    """Load what the consultation's public page shows of it: its questions, and the rest in a
    statement per kind (the session's consultation is filled in, not read again)."""
    db.session.scalars(
        select(Consultation).where(Consultation.id == consultation.id).options(*PUBLIC_PAGE_LOADING)
    ).one()
    load_structure(consultation, options=False)
