"""What staff see of the answers to their region's consultations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.models import Channel, Consultation, Response, ResponseStatus
from kick_forms.models.response import where_from


@dataclass
class ResponseFilter:
    status: str = ""
    category: str = ""
    municipality: str = ""
    search: str = ""
    channel: str = ""

    @property
    def active(self) -> bool:
        return any((self.status, self.category, self.municipality, self.search, self.channel))


def _filtered(consultation: Consultation, chosen: ResponseFilter) -> Select:
    query = select(Response).where(Response.consultation_id == consultation.id)
    if chosen.status in set(ResponseStatus):
        query = query.where(Response.status == chosen.status)
    if chosen.channel in set(Channel):
        query = query.where(Response.channel == chosen.channel)
    query = where_from(query, chosen.category, chosen.municipality)
    if chosen.search.strip():
        words = chosen.search.strip().lower()
        query = query.where(func.lower(Response.organisation_name).contains(words, autoescape=True))
    return query


def list_responses(consultation: Consultation, chosen: ResponseFilter) -> list[Response]:
    """The consultation's responses that match the filter, the latest activity first."""
    query = (
        _filtered(consultation, chosen)
        .options(
            selectinload(Response.categories),
            selectinload(Response.municipality),
            selectinload(Response.current_version),
        )
        .order_by(Response.saved_at.desc(), Response.id.desc())
    )
    return list(db.session.scalars(query))


def status_counts(consultation: Consultation) -> dict[str, int]:
    query = (
        select(Response.status, func.count())
        .where(Response.consultation_id == consultation.id)
        .group_by(Response.status)
    )
    return dict(db.session.execute(query).tuples().all())


def consultation_response(consultation: Consultation, response_id: int) -> Response | None:
    return db.session.scalars(
        select(Response).filter_by(id=response_id, consultation_id=consultation.id)
    ).one_or_none()
