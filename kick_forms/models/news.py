"""News: what KICK's staff tell everyone, and what a region's staff tell its organisations."""

from __future__ import annotations

from datetime import datetime
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
