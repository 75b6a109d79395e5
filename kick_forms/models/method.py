"""The method tool's records: the KICK method's checklist, dialogue meetings, the quality of the
dialogue as both sides judged it, and editable examples of ways of working in the Code's matrix."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.models.reference import Bilingual
from kick_forms.timeutil import utcnow


class ChecklistTick(db.Model):
    """That an item of the KICK method's checklist is done for a consultation."""

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    item_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class DialogueMeeting(db.Model):
    """A dialogue meeting held alongside the form, with its minutes if any."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    minutes_filename: Mapped[str | None] = mapped_column(String(200))
    minutes_type: Mapped[str | None] = mapped_column(String(100))
    minutes: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualityRespondent(enum.StrEnum):
    ORGANISATION = "organisation"
    STAFF = "staff"


class QualityAnswer(db.Model):
    """One answer to the survey on the dialogue's quality: from an organisation that took part
    (once per response) or from a member of the region's staff (once per person)."""

    __table_args__ = (
        CheckConstraint("respondent IN ('organisation', 'staff')", name="respondent"),
        UniqueConstraint("response_id"),
        UniqueConstraint("consultation_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    respondent: Mapped[str] = mapped_column(String(16))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    scores: Mapped[list[QualityScore]] = relationship(
        back_populates="answer", cascade="all, delete-orphan"
    )


class QualityScore(db.Model):
    """One scale question of a quality answer: 1 (not at all) to 5 (fully)."""

    __table_args__ = (CheckConstraint("value BETWEEN 1 AND 5", name="value"),)

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("quality_answer.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int]

    answer: Mapped[QualityAnswer] = relationship(back_populates="scores")


class CodeExample(Bilingual, db.Model):
    """An example of a way of working in one cell of the Code's matrix. Not the Code's words:
    KICK's staff keep these, starting from the examples in the reference data."""

    id: Mapped[int] = mapped_column(primary_key=True)
    level_key: Mapped[str] = mapped_column(ForeignKey("code_level.key"), index=True)
    step_key: Mapped[str] = mapped_column(ForeignKey("code_step.key"))
    position: Mapped[int] = mapped_column(default=0)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
