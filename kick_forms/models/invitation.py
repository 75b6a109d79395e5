"""Invitations to answer a consultation, their reminders, and organisations asking to be listed.

An invitation's link is signed, not stored: it can be written again for each reminder, and
nothing in the database opens it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.models.consultation import Consultation
from kick_forms.models.organisation import DESCRIPTION_MAX, NAME_MAX, WEBSITE_MAX, Organisation
from kick_forms.models.response import CONTACT_NAME_MAX, EMAIL_MAX, Response
from kick_forms.timeutil import utcnow


class Invitation(db.Model):
    """That a region invited an organisation in its register to answer a consultation."""

    __table_args__ = (UniqueConstraint("consultation_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # When someone first followed the invitation's link.
    opened_at: Mapped[datetime | None]
    # The answer started from the invitation's link, if one was.
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="SET NULL"), index=True
    )
    # How many of the consultation's reminder points this invitation has been reminded at.
    reminders: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship()
    organisation: Mapped[Organisation] = relationship()
    response: Mapped[Response | None] = relationship()


class ReminderDay(db.Model):
    """That an organisation got a reminder on this day (Swedish time): never two in one day,
    however often the reminder command runs or on how many machines."""

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)


class RequestOutcome(enum.StrEnum):
    APPROVED = "approved"
    MERGED = "merged"
    REJECTED = "rejected"


class RegistrationRequest(db.Model):
    """An organisation asking to be listed in a region's register: confirmed by its contact
    person's email, then approved, merged with an existing entry or rejected by staff."""

    __table_args__ = (
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('approved', 'merged', 'rejected')", name="outcome"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    organisation_number: Mapped[str | None] = mapped_column(String(11))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    category_keys: Mapped[str] = mapped_column(String(500), default="")  # space separated
    website: Mapped[str | None] = mapped_column(String(WEBSITE_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    # Personal data, cleared once staff have decided (it then lives on as a contact person).
    contact_name: Mapped[str] = mapped_column(String(CONTACT_NAME_MAX), default="")
    contact_email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    # The confirmation link's hash, until it is used; the link stops working at expires_at.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )

    organisation: Mapped[Organisation | None] = relationship()


class AuditEvent(db.Model):
    """Who did what to which object: publishing, exports, erasures, views of personal data.

    The subject names an object by kind and id ("contact:12"); no personal data is written here.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("region.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
