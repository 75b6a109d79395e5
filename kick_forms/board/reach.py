"""Reach: how many of the organisations in a region's register answered.

An organisation in the register answered when a submitted answer names it (by organisation
number, or by name without case or extra spaces) or was started from its invitation. Counted
by the database, one GROUP BY per breakdown, whatever the register's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Subquery, case, exists, func, or_, select

from kick_forms.extensions import db
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    Invitation,
    Organisation,
    RegisterEntry,
    Response,
    ResponseStatus,
)
from kick_forms.models.organisation import organisation_category_link as category_link


@dataclass
class Reach:
    registered: int
    answered: int
    by_category: list[tuple[str, int, int]]  # (category key, registered, answered)
    by_municipality: list[tuple[str | None, int, int]]  # (municipality code, registered, answered)

    @property
    def share(self) -> float:
        return self.answered / self.registered if self.registered else 0.0


def _answered(in_consultations: ColumnElement[bool]) -> ColumnElement[int]:
    """1 if the organisation of the enclosing query submitted an answer where
    ``in_consultations`` (a condition on Response.consultation_id) holds, else 0."""
    submitted = Response.status == ResponseStatus.SUBMITTED
    by_name_or_number = exists().where(
        in_consultations,
        submitted,
        Response.organisation_key.in_([Organisation.organisation_number, Organisation.name_key]),
    )
    by_invitation = exists().where(
        Invitation.organisation_id == Organisation.id,
        Response.id == Invitation.response_id,
        in_consultations,
        submitted,
    )
    return case((or_(by_name_or_number, by_invitation), 1), else_=0)


def _entries(answered: ColumnElement[int], region_id: int | None = None) -> Subquery:
    query = select(
        RegisterEntry.region_id,
        Organisation.id.label("organisation_id"),
        Organisation.municipality_code,
        answered.label("answered"),
    ).join(Organisation, Organisation.id == RegisterEntry.organisation_id)
    if region_id is not None:
        query = query.where(RegisterEntry.region_id == region_id)
    return query.subquery()


def _breakdowns(entries: Subquery) -> Reach:
    registered, answered = db.session.execute(
        select(func.count(), func.coalesce(func.sum(entries.c.answered), 0))
    ).one()
    by_municipality = db.session.execute(
        select(entries.c.municipality_code, func.count(), func.sum(entries.c.answered))
        .group_by(entries.c.municipality_code)
        .order_by(entries.c.municipality_code)
    ).all()
    by_category = db.session.execute(
        select(category_link.c.category_key, func.count(), func.sum(entries.c.answered))
        .join(entries, entries.c.organisation_id == category_link.c.organisation_id)
        .group_by(category_link.c.category_key)
    ).all()
    return Reach(
        registered=registered,
        answered=int(answered),
        by_category=[(key, count, int(done)) for key, count, done in by_category],
        by_municipality=[(code, count, int(done)) for code, count, done in by_municipality],
    )


def of_consultation(consultation: Consultation) -> Reach:
    """The share of the region's register that answered this consultation."""
    answered = _answered(Response.consultation_id == consultation.id)
    return _breakdowns(_entries(answered, consultation.region_id))


def _public_consultations_of_entry() -> ColumnElement[bool]:
    return Response.consultation_id.in_(
        select(Consultation.id).where(
            Consultation.region_id == RegisterEntry.region_id,
            Consultation.status != ConsultationStatus.DRAFT,
        )
    )


def overview() -> tuple[dict[int, tuple[int, int]], Reach]:
    """Per region, (registered, answered any of the region's public consultations); and the
    same for all registers together, by kind of organisation and by municipality."""
    entries = _entries(_answered(_public_consultations_of_entry()))
    per_region = {
        region_id: (registered, int(answered))
        for region_id, registered, answered in db.session.execute(
            select(entries.c.region_id, func.count(), func.sum(entries.c.answered)).group_by(
                entries.c.region_id
            )
        )
    }
    return per_region, _breakdowns(entries)
