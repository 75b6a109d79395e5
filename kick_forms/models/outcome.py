"""What the region did with the input: "you said, we did", per section, per question or per
chapter of the plan's text."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.timeutil import utcnow

EXPLANATION_MAX = 5_000
URL_MAX = 500


class OutcomeStatus(enum.StrEnum):
    INCORPORATED = "incorporated"
    PARTLY = "partly"
    NOT_INCORPORATED = "not_incorporated"
    LATER = "later"


class Outcome(db.Model):
    __table_args__ = (
        CheckConstraint(
            "status IN ('incorporated', 'partly', 'not_incorporated', 'later')", name="status"
        ),
        # One outcome for a section as a whole, and at most one per question.
        Index(
            "uq_outcome_section",
            "section_id",
            unique=True,
            sqlite_where=text("question_id IS NULL"),
            postgresql_where=text("question_id IS NULL"),
        ),
        Index("uq_outcome_question", "question_id", unique=True),
        Index("uq_outcome_chapter", "chapter_id", unique=True),
        CheckConstraint(
            "section_id IS NOT NULL OR chapter_id IS NOT NULL", name="section_or_chapter"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    # A section (and perhaps one of its questions), or a chapter of the plan's text.
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    chapter_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_chapter.id", ondelete="CASCADE")
    )
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    plan_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    section = relationship("Section")
    question = relationship("Question")
    chapter = relationship("PlanChapter")
