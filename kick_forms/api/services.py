"""What the open-data API may read: regions, public consultations and public boards only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    Municipality,
    OrganisationCategory,
    Region,
)
from kick_forms.regions.services import PUBLIC_STATUSES


class InvalidParameter(ValueError):
    """A query parameter the API cannot use; its message tells the client what to send."""


def all_regions() -> list[Region]:
    """Every region, in the order of the official county codes."""
    return list(db.session.scalars(select(Region).order_by(Region.code)))


def region_by_slug(slug: str) -> Region | None:
    """The region with this slug, or None."""
    return db.session.scalars(select(Region).filter_by(slug=slug)).one_or_none()


def parse_status(value: str) -> ConsultationStatus | None:
    """The public status a client asked for; drafts are not open data, so asking is an error."""
    if not value:
        return None
    allowed = [status.value for status in PUBLIC_STATUSES]
    if value not in allowed:
        raise InvalidParameter(
            f"Status must be one of {', '.join(allowed)}, or left out; drafts are not public."
            f" Got {value!r}."
        )
    return ConsultationStatus(value)


def public_consultations(
    region: Region | None, status: ConsultationStatus | None
) -> list[Consultation]:
    """Consultations that are no longer drafts, the most recently opened first."""
    query = (
        select(Consultation)
        .where(Consultation.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Consultation.region), selectinload(Consultation.culture_areas))
        .order_by(Consultation.opens_at.desc().nulls_last(), Consultation.id.desc())
    )
    if region is not None:
        query = query.where(Consultation.region_id == region.id)
    if status is not None:
        query = query.where(Consultation.status == status)
    return list(db.session.scalars(query))


def consultation_with_public_board(consultation_id: int, now: datetime) -> Consultation | None:
    """The consultation if anyone may see its board now; staff-only boards are not open data."""
    consultation = db.session.get(Consultation, consultation_id)
    if (
        consultation is None
        or consultation.status not in PUBLIC_STATUSES
        or not consultation.board_is_public(now)
    ):
        return None
    return consultation


def check_board_filter(category: str, municipality: str) -> None:
    """Refuse filters that name no category or municipality, instead of answering with zeros."""
    if category and db.session.get(OrganisationCategory, category) is None:
        raise InvalidParameter(f"Unknown organisation category {category!r}.")
    if municipality and db.session.get(Municipality, municipality) is None:
        raise InvalidParameter(
            f"Unknown municipality code {municipality!r}: use a four-digit code such as 0780."
        )
