"""How a region shows the answering form on its own website: the sites that may frame it, and
the colour and logo of the frame."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.models.reference import Region
from kick_forms.timeutil import utcnow

ORIGIN_MAX = 200


class EmbedOrigin(db.Model):
    """A website (scheme, host and port) allowed to frame the region's forms."""

    __table_args__ = (UniqueConstraint("region_id", "origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    origin: Mapped[str] = mapped_column(String(ORIGIN_MAX))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region] = relationship()


class RegionTheme(db.Model):
    """The region's colour and logo in the embedded form's minimal chrome."""

    region_id: Mapped[int] = mapped_column(
        ForeignKey("region.id", ondelete="CASCADE"), primary_key=True
    )
    colour: Mapped[str | None] = mapped_column(String(7))  # "#005a9c"
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship()
