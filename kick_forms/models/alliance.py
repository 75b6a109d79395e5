"""Organisations that want to help start a regional culture alliance where there is none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kick_forms.extensions import db
from kick_forms.models.organisation import NAME_MAX
from kick_forms.models.response import CONTACT_NAME_MAX, EMAIL_MAX
from kick_forms.timeutil import utcnow


class AllianceInterest(db.Model):
    """An organisation's wish to help start its region's culture alliance: counted once its
    contact person confirms by e-mail; KICK's staff write to it when the alliance starts.
    The contact person is personal data, shown to KICK's staff only and never published;
    an interest never confirmed is deleted with other old personal data (``flask kick purge``).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    organisation_name: Mapped[str] = mapped_column(String(NAME_MAX))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    contact_name: Mapped[str] = mapped_column(String(CONTACT_NAME_MAX))
    contact_email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    # The confirmation link's hash, until it is used; the link stops working at expires_at.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    # When the alliance was started and the contact person was told, and which one.
    told_at: Mapped[datetime | None]
    alliance_id: Mapped[int | None] = mapped_column(
        ForeignKey("culture_alliance.id", ondelete="SET NULL")
    )
