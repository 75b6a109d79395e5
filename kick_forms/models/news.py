"""News: what KICK's staff tell everyone and a region's staff tell its organisations; and those
who follow them by e-mail."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.models.consultation import Consultation
from kick_forms.models.reference import Region
from kick_forms.timeutil import utcnow

NEWS_TITLE_MAX = 200
NEWS_BODY_MAX = 20_000


class NewsStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class NewsItem(db.Model):
    """A piece of news: national (no region) or a region's. Public once published and its
    publish time has come; the text is Markdown, sanitised when shown, like a consultation's
    introduction. It may point to one of its region's consultations."""

    __tablename__ = "news_item"
    __table_args__ = (Index("ix_news_item_public", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("region.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(NEWS_TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default=NewsStatus.DRAFT)
    # When it is (or was) published; set on publishing, may lie ahead to publish later.
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region: Mapped[Region | None] = relationship()
    consultation: Mapped[Consultation | None] = relationship()

    def is_public(self, now: datetime) -> bool:
        return (
            self.status == NewsStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
        )

    def __repr__(self) -> str:
        return f"<NewsItem {self.id} {self.title!r}>"


class DigestFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


follower_region = db.Table(
    "follower_region",
    db.Column("follower_id", ForeignKey("follower.id", ondelete="CASCADE"), primary_key=True),
    db.Column("region_id", ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
)


class Follower(db.Model):
    """Someone who follows regions, or KICK's national news, by e-mail, without an account.

    Counts once confirmed from the mailed single-use link (nobody can be signed up by someone
    else); until then ``token_hash`` holds the link's hash, and the row is deleted when the
    link has expired. One confirmed row per address: confirming new choices replaces the old.
    ``secret`` signs the unsubscribe links of its mails, so a link stops working with the row.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    national: Mapped[bool] = mapped_column(default=False)
    frequency: Mapped[str] = mapped_column(String(16), default=DigestFrequency.WEEKLY)
    # What the digest covers.
    opened: Mapped[bool] = mapped_column(default=True)
    closing: Mapped[bool] = mapped_column(default=True)
    feedback: Mapped[bool] = mapped_column(default=True)
    news: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    # The digest covers what happened after this (the confirmation, then the last digest).
    covered_until: Mapped[datetime | None]

    regions: Mapped[list[Region]] = relationship(secondary=follower_region)

    def __repr__(self) -> str:
        return f"<Follower {self.id}>"


class DigestDay(db.Model):
    """That a follower got a digest on this day (Swedish time): never two in one day, however
    often the digest command runs or on how many machines."""

    __tablename__ = "digest_day"

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("follower.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
