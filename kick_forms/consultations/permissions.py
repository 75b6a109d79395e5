"""Loading what a staff member works on, scoped by region, in one place.

Each loader raises 404 when the object does not exist *for this user*: staff of another region
learn nothing, not even that a consultation exists. A viewer who tries to change something gets
403, since they may know the object exists.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Consultation, Question, Region, Role, Section


def staff_region(region_slug: str, at_least: Role = Role.VIEWER) -> Region:
    """The region if the current user has at least the given role there; else 404 or 403."""
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None or not current_user.can_view(region):
        abort(404)
    if not current_user.has_role(region, at_least):
        abort(403)
    return region


def region_consultation(region: Region, consultation_id: int) -> Consultation:
    """A consultation of this region, or 404."""
    consultation = db.session.scalars(
        select(Consultation).filter_by(id=consultation_id, region_id=region.id)
    ).one_or_none()
    if consultation is None:
        abort(404)
    return consultation


def consultation_section(consultation: Consultation, section_id: int) -> Section:
    section = db.session.scalars(
        select(Section).filter_by(id=section_id, consultation_id=consultation.id)
    ).one_or_none()
    if section is None:
        abort(404)
    return section


def consultation_question(consultation: Consultation, question_id: int) -> Question:
    question = db.session.scalars(
        select(Question)
        .join(Section)
        .where(Question.id == question_id, Section.consultation_id == consultation.id)
    ).one_or_none()
    if question is None:
        abort(404)
    return question
