"""What a consultation is about: its documents, and the draft plan's text that organisations
comment on paragraph by paragraph."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.models.response import REVIEW_STATES, Reviewed
from kick_forms.timeutil import utcnow

DOCUMENT_TITLE_MAX = 200
CHAPTER_TITLE_MAX = 300
PARAGRAPH_MAX = 20_000
COMMENT_MAX = 5_000


class ConsultationDocument(db.Model):
    """A document the consultation is about (the draft plan as PDF, an annex), published on the
    consultation page, in the frame and at the start of the answering flow. Stored in the
    database, as attached statements are, so every app server sees it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(DOCUMENT_TITLE_MAX))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation = relationship("Consultation", back_populates="documents")


class PlanChapter(db.Model):
    """A chapter of the draft plan's text. Its number is its position, from 1; the plan's text
    can be edited while the consultation is a draft, and the numbers stay as published."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(CHAPTER_TITLE_MAX))

    consultation = relationship("Consultation", back_populates="chapters")
    paragraphs: Mapped[list[PlanParagraph]] = relationship(
        back_populates="chapter",
        order_by="PlanParagraph.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )

    @property
    def number(self) -> int:
        return self.position + 1


class PlanParagraph(db.Model):
    """A paragraph of a chapter, numbered "chapter.paragraph" (2.3). A subheading inside the
    chapter is a paragraph of its own kind, unnumbered and not open to comments."""

    __table_args__ = (CheckConstraint("kind IN ('paragraph', 'heading', 'list')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("plan_chapter.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16), default="paragraph")
    # A paragraph's own number within its chapter, counting only commentable paragraphs;
    # None for a subheading.
    number: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)

    chapter: Mapped[PlanChapter] = relationship(back_populates="paragraphs")

    @property
    def label(self) -> str:
        """Its number as people cite it: "2.3"."""
        return f"{self.chapter.number}.{self.number}"


class ParagraphComment(Reviewed, db.Model):
    """An organisation's comment on one paragraph of the plan, kept as answers are: in the
    working draft (no version) and copied into each sent version."""

    __table_args__ = (
        Index(
            "uq_paragraph_comment_draft",
            "response_id",
            "paragraph_id",
            unique=True,
            sqlite_where=text("version_id IS NULL"),
            postgresql_where=text("version_id IS NULL"),
        ),
        UniqueConstraint("version_id", "paragraph_id"),
        CheckConstraint(REVIEW_STATES, name="review_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("response_version.id", ondelete="CASCADE"), index=True
    )
    paragraph_id: Mapped[int] = mapped_column(
        ForeignKey("plan_paragraph.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    # What the public sees of a redacted comment; the original stays for the records.
    redacted_text: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    paragraph: Mapped[PlanParagraph] = relationship()
