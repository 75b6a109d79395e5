"""A contact person's data, gathered for them on request (the right of access)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import (
    Consultation,
    OrganisationContact,
    Region,
    Response,
    ResponseContact,
    ResponseVersion,
)
from kick_forms.timeutil import to_local, utcnow


def _time(moment: datetime | None) -> str | None:
    local = to_local(moment)
    return local.isoformat(timespec="seconds") if local else None


def contact_record(region: Region, contact: OrganisationContact) -> dict[str, Any]:
    """Everything the region holds about one contact person: the register's row, the contact
    rows of answers to the region's consultations given with the same email address, and the
    sent versions whose sender named it (an answer's contact person may since have changed)."""
    answers = db.session.execute(
        select(ResponseContact, Response, Consultation.title)
        .join(Response, Response.id == ResponseContact.response_id)
        .join(Consultation, Consultation.id == Response.consultation_id)
        .where(
            Consultation.region_id == region.id,
            func.lower(ResponseContact.email) == func.lower(contact.email),
        )
        .order_by(Response.id)
    ).all()
    return {
        "exported_at": _time(utcnow()),
        "controller": region.name,
        "contact_person": {
            "id": contact.id,
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "role": contact.role,
            "created_at": _time(contact.created_at),
            "unsubscribed_at": _time(contact.unsubscribed_at),
        },
        "organisation": {"id": contact.organisation.id, "name": contact.organisation.name},
        "answers": [
            {
                "consultation": title,
                "response": response.reference,
                "organisation": response.organisation_name,
                "name": answering.name,
                "email": answering.email,
                "status": response.status,
                "created_at": _time(response.created_at),
                "saved_at": _time(response.saved_at),
                "submitted_at": _time(response.submitted_at),
                "withdrawn_at": _time(response.withdrawn_at),
            }
            for answering, response, title in answers
        ],
        "sent_versions": _sent_versions(region, contact.email),
    }


def _sent_versions(region: Region, email: str) -> list[dict[str, Any]]:
    """The versions sent to the region's consultations whose sender (kept as sent with each
    version, ``records.sender``) gave this email address."""
    sent_with = ResponseVersion.sender[("contact", "email")].as_string()
    versions = db.session.execute(
        select(ResponseVersion, Consultation.title)
        .join(Response, Response.id == ResponseVersion.response_id)
        .join(Consultation, Consultation.id == Response.consultation_id)
        .where(Consultation.region_id == region.id, func.lower(sent_with) == func.lower(email))
        .order_by(ResponseVersion.id)
    ).all()
    return [
        {
            "consultation": title,
            "version": version.reference,
            "organisation": version.sender["organisation_name"],
            "name": version.sender["contact"]["name"],
            "email": version.sender["contact"]["email"],
            "arrived_at": _time(version.arrived_at),
        }
        for version, title in versions
    ]
