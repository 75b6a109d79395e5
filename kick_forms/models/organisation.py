"""The register of cultural organisations (kartläggning): who a region may consult.

An organisation is stored once and listed by every region that registers it (a national
federation, a neighbour's association). What is personal or a region's own is not shared:
each contact person belongs to the region that collected it, each region keeps its own notes
on its listing, and the organisation's core facts are changed only by the region that first
registered it (its owner) or by KICK's staff.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kick_forms.extensions import db
from kick_forms.models.reference import Municipality, OrganisationCategory, Region
from kick_forms.models.response import CONTACT_NAME_MAX, EMAIL_MAX
from kick_forms.models.user import User
from kick_forms.timeutil import utcnow

NAME_MAX = 200
WEBSITE_MAX = 300
DESCRIPTION_MAX = 1_000
NOTES_MAX = 4_000
PHONE_MAX = 40
ROLE_MAX = 100


def name_key(name: str) -> str:
    """A name without case or extra spaces, for search and for finding duplicates."""
    return " ".join(name.split()).casefold()


class SizeBand(enum.StrEnum):
    """Members or regular participants, roughly."""

    SMALL = "small"  # under 25
    MEDIUM = "medium"  # 25-99
    LARGE = "large"  # 100-499
    VERY_LARGE = "very_large"  # 500 or more


organisation_category_link = Table(
    "organisation_category_link",
    db.Model.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("category_key", ForeignKey("organisation_category.key"), primary_key=True),
    Index("ix_organisation_category_link_category", "category_key", "organisation_id"),
)


class Organisation(db.Model):
    __table_args__ = (
        CheckConstraint(
            "size_band IS NULL OR size_band IN ('small', 'medium', 'large', 'very_large')",
            name="size_band",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # For search and duplicates: the name without case or extra spaces.
    name_key: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    organisation_number: Mapped[str | None] = mapped_column(String(11), unique=True)
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipality.code"), index=True
    )
    website: Mapped[str | None] = mapped_column(String(WEBSITE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    size_band: Mapped[str | None] = mapped_column(String(16))
    # The region that registered it first, which alone (with KICK's staff) changes its core
    # facts; None: KICK's staff keep them.
    owner_region_id: Mapped[int | None] = mapped_column(
        ForeignKey("region.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner_region: Mapped[Region | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    categories: Mapped[list[OrganisationCategory]] = relationship(
        secondary=organisation_category_link, order_by=OrganisationCategory.position
    )
    # Every region's contacts; read a region's own through ``contacts_of``.
    all_contacts: Mapped[list[OrganisationContact]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationContact.id",
    )

    @validates("name")
    def _keep_name_key(self, _attribute: str, value: str) -> str:
        self.name_key = name_key(value)
        return value

    def facts_changeable_by(self, user: User, region: Region) -> bool:
        """Whether the user, working in this region, may change the core facts every listing
        region shares: editors of the owner region, and KICK's staff."""
        if not user.can_edit(region):
            return False
        return user.is_platform_admin or self.owner_region_id == region.id

    def contacts_of(self, region: Region) -> list[OrganisationContact]:
        """The contact persons this region collected; other regions' are not its to see."""
        return [contact for contact in self.all_contacts if contact.region_id == region.id]

    def __repr__(self) -> str:
        return f"<Organisation {self.id}>"


class OrganisationContact(db.Model):
    """A contact person: personal data, never published, erasable on request. It belongs to
    the region that collected it, the controller of its data."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(CONTACT_NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    role: Mapped[str | None] = mapped_column(String(ROLE_MAX))  # "ordförande", "kassör"
    unsubscribed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="all_contacts")
    region: Mapped[Region] = relationship()


class RegisterEntry(db.Model):
    """That a region lists an organisation in its register."""

    __table_args__ = (UniqueConstraint("region_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The region's own notes on the organisation, seen by its staff only.
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    region: Mapped[Region] = relationship()
    organisation: Mapped[Organisation] = relationship()


class RegisterImport(db.Model):
    """A file being imported into a region's register, kept between the mapping, the dry run
    and the import, so that every app server sees it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    mapping: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field -> column or null
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None]
