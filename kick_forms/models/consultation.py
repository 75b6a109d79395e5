"""A region's consultation: its settings, sections and questions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint, select
from sqlalchemy import false as sa_false
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.models.reference import CodeLevel, CodeStep, CultureArea, Region
from kick_forms.models.response import Response
from kick_forms.timeutil import utcnow

if TYPE_CHECKING:
    from kick_forms.models.plan import ConsultationDocument, PlanChapter


class ConsultationStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class BoardVisibility(enum.StrEnum):
    """When the public may see the summary board; staff of the region always may."""

    WHILE_OPEN = "while_open"
    AFTER_CLOSING = "after_closing"
    WHEN_PUBLISHED = "when_published"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    YES_NO = "yes_no"
    NUMBER = "number"

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


# Limits shared by the forms, the templates (counters) and the answering flow.
TITLE_MAX = 200
SLUG_MAX = 80
REGISTRY_NUMBER_MAX = 60
INTRO_MAX = 20_000
SECTION_DESCRIPTION_MAX = 2_000
LABEL_MAX = 500
HELP_MAX = 1_000
OPTION_MAX = 200
OPTIONS_MAX = 30
SCALE_LABEL_MAX = 80
SHORT_TEXT_MAX = 300
LONG_TEXT_DEFAULT_MAX = 5_000
LONG_TEXT_MAX = 20_000

consultation_culture_area = Table(
    "consultation_culture_area",
    db.Model.metadata,
    Column(
        "consultation_id",
        ForeignKey("consultation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("culture_area_key", ForeignKey("culture_area.key"), primary_key=True),
)


class Consultation(db.Model):
    __table_args__ = (UniqueConstraint("region_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    intro: Mapped[str] = mapped_column(Text, default="")
    plan_start_year: Mapped[int | None]
    plan_end_year: Mapped[int | None]
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default=ConsultationStatus.DRAFT)
    code_level_key: Mapped[str | None] = mapped_column(ForeignKey("code_level.key"))
    code_step_key: Mapped[str | None] = mapped_column(ForeignKey("code_step.key"))
    board_visibility: Mapped[str] = mapped_column(
        String(20), default=BoardVisibility.WHEN_PUBLISHED, server_default="when_published"
    )
    board_live: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    feedback_published_at: Mapped[datetime | None]
    # The region's diarienummer for the consultation, as its records system writes it.
    registry_number: Mapped[str | None] = mapped_column(String(REGISTRY_NUMBER_MAX))
    # The registrar's mailbox, told of each answer as it arrives, with the answer as PDF.
    registrar_email: Mapped[str | None] = mapped_column(String(254))
    # Free texts and statements appear on the board only once staff have reviewed them.
    review_before_publishing: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship()
    code_level: Mapped[CodeLevel | None] = relationship()
    code_step: Mapped[CodeStep | None] = relationship()
    culture_areas: Mapped[list[CultureArea]] = relationship(
        secondary=consultation_culture_area, order_by=CultureArea.position
    )
    sections: Mapped[list[Section]] = relationship(
        back_populates="consultation",
        order_by="Section.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )

    documents: Mapped[list[ConsultationDocument]] = relationship(
        back_populates="consultation",
        order_by="ConsultationDocument.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )
    # The draft plan's text, in chapters of numbered paragraphs organisations comment on.
    chapters: Mapped[list[PlanChapter]] = relationship(
        back_populates="consultation",
        order_by="PlanChapter.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    @property
    def has_responses(self) -> bool:
        """Once anyone has answered, questions may no longer be deleted or change kind."""
        query = select(Response.id).where(Response.consultation_id == self.id).limit(1)
        return self.id is not None and db.session.scalar(query) is not None

    @property
    def is_public(self) -> bool:
        return self.status != ConsultationStatus.DRAFT

    def board_is_public(self, now: datetime) -> bool:
        """Whether anyone may see the summary board now, by the region's choice."""
        if self.status == ConsultationStatus.DRAFT:
            return False
        if self.status == ConsultationStatus.PUBLISHED:
            return True
        if self.board_visibility == BoardVisibility.WHILE_OPEN:
            return True
        closed = self.status == ConsultationStatus.CLOSED or (
            self.closes_at is not None and self.closes_at <= now
        )
        return self.board_visibility == BoardVisibility.AFTER_CLOSING and closed

    def accepts_answers(self, now: datetime) -> bool:
        return (
            self.status == ConsultationStatus.OPEN
            and self.opens_at is not None
            and self.closes_at is not None
            and self.opens_at <= now < self.closes_at
        )

    def clock_state(self, now: datetime) -> tuple[bool, bool, bool]:
        """What of its pages the clock decides: whether it is still to open, whether it takes
        answers, whether its board is public. A page kept between changes of the data is kept
        for one such state (``kick_forms.page_cache``)."""
        waiting = self.opens_at is not None and self.opens_at > now
        return waiting, self.accepts_answers(now), self.board_is_public(now)

    def __repr__(self) -> str:
        return f"<Consultation {self.id} {self.slug}>"


class Section(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")

    consultation: Mapped[Consultation] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section",
        order_by="Question.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    max_length: Mapped[int | None]
    allow_other: Mapped[bool] = mapped_column(default=False)
    scale_min_label: Mapped[str] = mapped_column(String(SCALE_LABEL_MAX), default="")
    scale_max_label: Mapped[str] = mapped_column(String(SCALE_LABEL_MAX), default="")
    number_min: Mapped[int | None]
    number_max: Mapped[int | None]
    # Shown only when an earlier choice question of the consultation has a given answer: one of
    # its options, or for a yes/no question "yes", "no" or "dont_know". A condition whose option
    # is gone holds neither and shows the question always.
    shown_if_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL"), index=True
    )
    shown_if_option_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "question_option.id",
            ondelete="SET NULL",
            use_alter=True,
            name="fk_question_shown_if_option_id_question_option",
        )
    )
    shown_if_value: Mapped[str | None] = mapped_column(String(16))

    section: Mapped[Section] = relationship(back_populates="questions")
    shown_if_question: Mapped[Question | None] = relationship(
        remote_side=[id], foreign_keys=[shown_if_question_id]
    )
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        foreign_keys="QuestionOption.question_id",
        order_by="QuestionOption.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )

    @property
    def question_kind(self) -> QuestionKind:
        return QuestionKind(self.kind)

    @property
    def text_limit(self) -> int | None:
        if self.kind == QuestionKind.SHORT_TEXT:
            return min(self.max_length or SHORT_TEXT_MAX, SHORT_TEXT_MAX)
        if self.kind == QuestionKind.LONG_TEXT:
            return self.max_length or LONG_TEXT_DEFAULT_MAX
        return None


class QuestionOption(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(OPTION_MAX))

    question: Mapped[Question] = relationship(back_populates="options", foreign_keys=[question_id])
