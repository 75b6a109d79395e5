"""A contact person's data, gathered for them on request (the right of access)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import Consultation, OrganisationContact, Region, Response, ResponseContact
from kick_forms.timeutil import to_local, utcnow


def _time(moment: datetime | None) -> str | None:
    local = to_local(moment)
    return local.isoformat(timespec="seconds") if local else None


def contact_record(region: Region, contact: OrganisationContact) -> dict[str, Any]:
    """Everything the region holds about one contact person: the register's row, and the
    contact rows of answers to the region's consultations given with the same email address."""
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
    }
