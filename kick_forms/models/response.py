"""An organisation's answer to a consultation: a draft, its submitted versions, its files."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kick_forms.extensions import db
from kick_forms.models.reference import Municipality, OrganisationCategory
from kick_forms.timeutil import utcnow


class ResponseStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class Channel(enum.StrEnum):
    """How an answer reached the region: through the form, or entered by staff from a mail, a
    letter or a meeting."""

    FORM = "form"
    EMAIL = "email"
    POST = "post"
    MEETING = "meeting"


class ReviewState(enum.StrEnum):
    """Whether a free-text answer or an attached statement may appear in public.

    ``PENDING`` items are public unless the consultation reviews before publishing; ``HIDDEN``
    ones never are; ``REDACTED`` text is public only in its redacted form.
    """

    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    REDACTED = "redacted"


REVIEW_NOTE_MAX = 300
REVIEW_STATES = "review_state IN ('pending', 'published', 'hidden', 'redacted')"


ORGANISATION_NAME_MAX = 200
CONTACT_NAME_MAX = 120
EMAIL_MAX = 254
OTHER_TEXT_MAX = 200

response_category = Table(
    "response_category",
    db.Model.metadata,
    Column("response_id", ForeignKey("response.id", ondelete="CASCADE"), primary_key=True),
    Column("category_key", ForeignKey("organisation_category.key"), primary_key=True),
)


# Which files were part of each submitted version: a file attached later counts only once the
# answer is sent again, and one removed from the draft stays in the versions that had it.
version_attachment = Table(
    "version_attachment",
    db.Model.metadata,
    Column("version_id", ForeignKey("response_version.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_version_attachment_attachment", "attachment_id"),
)


def organisation_key(name: str, number: str | None) -> str:
    """Who an organisation is, for counting organisations rather than responses: its
    organisation number, or else its name without case or extra spaces."""
    return number or " ".join(name.split()).casefold()


class Response(db.Model):
    """One organisation's response. Reached by its private link, of which only a hash is kept."""

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'withdrawn')", name="status"),
        CheckConstraint("channel IN ('form', 'email', 'post', 'meeting')", name="channel"),
        # The board's newest free-text answers, and an organisation's other responses.
        Index("ix_response_submitted", "consultation_id", "status", "submitted_at"),
        Index("ix_response_organisation", "consultation_id", "organisation_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Sent with the start form, so a double click or a retry starts one draft, not two.
    start_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ResponseStatus.DRAFT)
    organisation_name: Mapped[str] = mapped_column(String(ORGANISATION_NAME_MAX), default="")
    organisation_number: Mapped[str | None] = mapped_column(String(11))
    # Who the organisation is when counting organisations; kept by ``_identify``.
    organisation_key: Mapped[str] = mapped_column(String(ORGANISATION_NAME_MAX), default="")
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    may_publish_name: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    amended_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("response_version.id", use_alter=True, ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(16), default=Channel.FORM, server_default="form")
    # The staff member who entered an answer that arrived by mail, post or at a meeting.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    consultation = relationship("Consultation")
    municipality: Mapped[Municipality | None] = relationship()
    categories: Mapped[list[OrganisationCategory]] = relationship(
        secondary=response_category, order_by=OrganisationCategory.position
    )
    contact: Mapped[ResponseContact | None] = relationship(
        back_populates="response", cascade="all, delete-orphan", uselist=False
    )
    versions: Mapped[list[ResponseVersion]] = relationship(
        back_populates="response",
        foreign_keys="ResponseVersion.response_id",
        order_by="ResponseVersion.number",
        cascade="all, delete-orphan",
    )
    current_version: Mapped[ResponseVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    # Every answer, the draft's and the sent versions'. Deleting the response deletes the answers
    # through the session too, not only by the database's cascade: answers it has loaded would
    # otherwise stay in it, and SQLite, which reuses the ids of deleted rows, can give a new
    # answer the id of one the session still holds.
    answers: Mapped[list[Answer]] = relationship(cascade="all")
    # Every file ever attached, sent or not; see ``draft_attachments`` and the version's.
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="response", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @property
    def draft_attachments(self) -> list[Attachment]:
        """The files in the working copy: what the next submission will send."""
        return [a for a in self.attachments if a.removed_at is None]

    @property
    def sent_attachments(self) -> list[Attachment]:
        """The files of the version the region has: what staff and the board see."""
        return self.current_version.attachments if self.current_version else []

    @validates("organisation_name", "organisation_number")
    def _identify(self, attribute: str, value: str | None) -> str | None:
        name = value if attribute == "organisation_name" else self.organisation_name
        number = value if attribute == "organisation_number" else self.organisation_number
        self.organisation_key = organisation_key(name or "", number)
        return value

    @property
    def reference(self) -> str:
        """The number an organisation quotes when it contacts the region."""
        return f"KF-{self.id:06d}"

    def __repr__(self) -> str:
        return f"<Response {self.id} {self.status}>"


class ResponseContact(db.Model):
    """The contact person behind a response: personal data, never published, kept apart."""

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(CONTACT_NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))

    response: Mapped[Response] = relationship(back_populates="contact")


class ResponseVersion(db.Model):
    """One submission of a response. The nonce makes a repeated submit a no-op."""

    __table_args__ = (UniqueConstraint("response_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    submit_nonce: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When an answer entered by staff reached the region, if not when it was entered.
    received_at: Mapped[datetime | None]
    # Who sent it, as sent: the organisation's details and contact person, which the response
    # itself keeps only as they are now (see ``records.sender``).
    sender: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    response: Mapped[Response] = relationship(back_populates="versions", foreign_keys=[response_id])
    attachments: Mapped[list[Attachment]] = relationship(
        secondary=version_attachment, order_by="Attachment.id"
    )

    @property
    def arrived_at(self) -> datetime:
        """The date of arrival of this incoming document."""
        return self.received_at or self.submitted_at

    @property
    def reference(self) -> str:
        """The incoming document's reference: the response's, and which version it is."""
        return f"{self.response.reference}-{self.number}"


class Reviewed:
    """Columns of an item staff may review before it appears in public."""

    review_state: Mapped[str] = mapped_column(
        String(16), default=ReviewState.PENDING, server_default="pending"
    )
    review_note: Mapped[str | None] = mapped_column(String(REVIEW_NOTE_MAX))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class Answer(Reviewed, db.Model):
    """The answer to one question: in the working draft (no version) or in a submitted version."""

    __table_args__ = (
        Index(
            "uq_answer_draft",
            "response_id",
            "question_id",
            unique=True,
            sqlite_where=text("version_id IS NULL"),
            postgresql_where=text("version_id IS NULL"),
        ),
        UniqueConstraint("version_id", "question_id"),
        CheckConstraint(REVIEW_STATES, name="review_state"),
        # The board's count of withheld free texts starts from these (see board.services).
        Index("ix_answer_question_review", "question_id", "review_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("response_version.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    text_value: Mapped[str | None] = mapped_column(Text)
    number_value: Mapped[int | None]
    choice_value: Mapped[str | None] = mapped_column(String(16))
    other_text: Mapped[str | None] = mapped_column(String(OTHER_TEXT_MAX))
    # What the public sees of a redacted text; the original stays for the records.
    redacted_text: Mapped[str | None] = mapped_column(Text)

    options: Mapped[list[AnswerOption]] = relationship(
        back_populates="answer", cascade="all, delete-orphan"
    )


class AnswerOption(db.Model):
    """A chosen option: one row each, so the board counts with GROUP BY."""

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("question_option.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    answer: Mapped[Answer] = relationship(back_populates="options")


class Attachment(Reviewed, db.Model):
    """A written statement attached to a response, stored in the database so every app server
    sees it."""

    __table_args__ = (CheckConstraint(REVIEW_STATES, name="review_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Taken out of the working copy while a sent version still holds it.
    removed_at: Mapped[datetime | None]

    response: Mapped[Response] = relationship(back_populates="attachments")


def where_from(query: Select, category: str, municipality: str) -> Select:
    """Narrow a query over responses to one kind of organisation and one municipality, if given.

    The kind is an EXISTS looked up by key for each response the query reaches, so that a query
    that stops early (newest first, LIMIT) reads only as far as it needs.
    """
    if category:
        query = query.where(
            select(response_category.c.response_id)
            .where(
                response_category.c.response_id == Response.id,
                response_category.c.category_key == category,
            )
            .exists()
        )
    if municipality:
        query = query.where(Response.municipality_code == municipality)
    return query
