"""Staff review free-text answers and statements: the queue, and publishing, hiding or
redacting an item. Services flush and never commit; the view commits once.

The items are the free texts of the current version of each submitted answer and the files of
that version. A decision is kept on the item's row; ``review.rules`` says what it means for the
public. An amended answer's new rows start unreviewed, except a text identical to the one staff
already decided on (``carry_over``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from kick_forms import audit
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import (
    Answer,
    Attachment,
    Consultation,
    PlanChapter,
    PlanParagraph,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    ResponseVersion,
    ReviewState,
    User,
)
from kick_forms.models.plan import ParagraphComment
from kick_forms.models.response import REVIEW_NOTE_MAX, version_attachment
from kick_forms.refusal import Refused

TEXT_KINDS = (QuestionKind.SHORT_TEXT.value, QuestionKind.LONG_TEXT.value)
QUEUE_SHOWN = 100

ANSWER, STATEMENT, COMMENT = "answer", "statement", "comment"
PUBLISH, HIDE, REDACT = "publish", "hide", "redact"
DECISIONS = {
    PUBLISH: ReviewState.PUBLISHED,
    HIDE: ReviewState.HIDDEN,
    REDACT: ReviewState.REDACTED,
}


class ReviewError(Refused):
    """A decision staff must correct; ``field`` is the form field it is about."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Item:
    """One free-text answer, statement or comment on the plan's text in the queue, with what
    staff need to decide."""

    kind: str  # ANSWER, STATEMENT or COMMENT
    row: Answer | Attachment | ParagraphComment
    response: Response
    arrived_at: datetime
    question: Question | None = None
    paragraph: PlanParagraph | None = None

    @property
    def key(self) -> str:
        """Unique on the page, and the same for an answer's text in every version: the item's
        element id and its forms' prefix."""
        if isinstance(self.row, Answer):
            place = self.row.question_id
        elif isinstance(self.row, ParagraphComment):
            place = self.row.paragraph_id
        else:
            place = self.row.id
        return f"{self.kind}-{self.response.id}-{place}"

    @property
    def answer(self) -> Answer | None:
        return self.row if isinstance(self.row, Answer) else None

    @property
    def attachment(self) -> Attachment | None:
        return self.row if isinstance(self.row, Attachment) else None

    @property
    def comment(self) -> ParagraphComment | None:
        return self.row if isinstance(self.row, ParagraphComment) else None


# When a version reached the region: the date staff gave for one that came by mail or post.
ARRIVAL = func.coalesce(ResponseVersion.received_at, ResponseVersion.submitted_at)


def _answers(consultation: Consultation) -> Select:
    """Free-text answers of the current versions of the consultation's submitted answers."""
    return (
        select(Answer, Response, Question, ARRIVAL)
        .join(Response, Response.current_version_id == Answer.version_id)
        .join(ResponseVersion, ResponseVersion.id == Answer.version_id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
            Question.kind.in_(TEXT_KINDS),
            Answer.text_value.is_not(None),
        )
    )


def _statements(consultation: Consultation) -> Select:
    """Files of the current versions of the consultation's submitted answers, with the time the
    first version that had each file arrived."""
    first_arrival = (
        select(func.min(ARRIVAL))
        .join(version_attachment, version_attachment.c.version_id == ResponseVersion.id)
        .where(version_attachment.c.attachment_id == Attachment.id)
        .scalar_subquery()
    )
    return (
        select(Attachment, Response, first_arrival)
        .join(Response, Response.id == Attachment.response_id)
        .join(
            version_attachment,
            (version_attachment.c.attachment_id == Attachment.id)
            & (version_attachment.c.version_id == Response.current_version_id),
        )
        .where(
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
        )
    )


def _comments(consultation: Consultation) -> Select:
    """Comments on the plan's text of the current versions of the submitted answers."""
    return (
        select(ParagraphComment, Response, PlanParagraph, ARRIVAL)
        .join(Response, Response.current_version_id == ParagraphComment.version_id)
        .join(ResponseVersion, ResponseVersion.id == ParagraphComment.version_id)
        .join(PlanParagraph, PlanParagraph.id == ParagraphComment.paragraph_id)
        .join(PlanChapter, PlanChapter.id == PlanParagraph.chapter_id)
        .where(
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
        )
    )


def state_counts(consultation: Consultation) -> dict[str, int]:
    """How many items are in each review state, free texts, statements and comments together."""
    counts = dict.fromkeys((state.value for state in ReviewState), 0)
    for query, model in (
        (_answers(consultation), Answer),
        (_statements(consultation), Attachment),
        (_comments(consultation), ParagraphComment),
    ):
        grouped = query.with_only_columns(model.review_state, func.count()).group_by(
            model.review_state
        )
        for state, count in db.session.execute(grouped):
            counts[state] += count
    return counts


def unreviewed_count(consultation: Consultation) -> int:
    """How many items wait for a decision: for the links to the queue."""
    return state_counts(consultation)[ReviewState.PENDING]


def queue(consultation: Consultation, state: ReviewState) -> list[Item]:
    """The oldest items in this state, free texts and statements merged, at most QUEUE_SHOWN."""
    texts = db.session.execute(
        _answers(consultation)
        .where(Answer.review_state == state)
        .order_by(ARRIVAL, Response.id, Question.position, Answer.id)
        .limit(QUEUE_SHOWN)
    ).all()
    files = db.session.execute(
        _statements(consultation)
        .where(Attachment.review_state == state)
        .order_by(Attachment.id)
        .limit(QUEUE_SHOWN)
    ).all()
    items = [
        Item(ANSWER, answer, response, arrived, question)
        for answer, response, question, arrived in texts
    ]
    items += [
        Item(STATEMENT, attachment, response, arrived) for attachment, response, arrived in files
    ]
    comments = db.session.execute(
        _comments(consultation)
        .where(ParagraphComment.review_state == state)
        .order_by(ARRIVAL, Response.id, PlanChapter.position, PlanParagraph.position)
        .limit(QUEUE_SHOWN)
    ).all()
    items += [
        Item(COMMENT, comment, response, arrived, paragraph=paragraph)
        for comment, response, paragraph, arrived in comments
    ]
    items.sort(key=lambda item: (item.arrived_at, item.response.id, item.kind, item.row.id))
    return items[:QUEUE_SHOWN]


def answer_item(consultation: Consultation, response_id: int, question_id: int) -> Item | None:
    """The free text of the response's current version to this question, if it is one."""
    row = db.session.execute(
        _answers(consultation).where(Response.id == response_id, Answer.question_id == question_id)
    ).first()
    return Item(ANSWER, row[0], row[1], row[3], row[2]) if row else None


def comment_item(consultation: Consultation, response_id: int, paragraph_id: int) -> Item | None:
    """The comment of the response's current version on this paragraph, if there is one."""
    row = db.session.execute(
        _comments(consultation).where(
            Response.id == response_id, ParagraphComment.paragraph_id == paragraph_id
        )
    ).first()
    return Item(COMMENT, row[0], row[1], row[3], paragraph=row[2]) if row else None


def statement_item(consultation: Consultation, response_id: int, attachment_id: int) -> Item | None:
    """The file, if it is in the current version of the response, sent."""
    row = db.session.execute(
        _statements(consultation).where(Response.id == response_id, Attachment.id == attachment_id)
    ).first()
    return Item(STATEMENT, row[0], row[1], row[2]) if row else None


def masked(text: str, passages: list[str]) -> str:
    """The text with every occurrence of each passage replaced by the marker, longest first so
    that a passage inside a longer one does not split it."""
    ordered = sorted(set(passages), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(passage) for passage in ordered))
    return pattern.sub(_("[masked]"), text)


def passages_of(typed: str) -> list[str]:
    """The passages staff listed, one per line, without blank lines or surrounding spaces."""
    return [line.strip() for line in typed.splitlines() if line.strip()]


def decide(
    consultation: Consultation,
    item: Item,
    decision: str,
    user: User,
    now: datetime,
    note: str = "",
    passages: str = "",
) -> None:
    """Publish, hide (with a reason for staff) or publish a redacted text; the original stays.

    Raises ReviewError, changing nothing, when the decision cannot be taken as given.
    """
    note = note.strip()
    if decision not in DECISIONS:
        raise ReviewError(_l("Choose whether to publish, hide or mask."), "decision")
    if decision == HIDE and not note:
        raise ReviewError(_l("Say why the item is hidden."), "note")
    if len(note) > REVIEW_NOTE_MAX:
        raise ReviewError(
            _l(
                "Use at most %(max)d characters; you have %(length)d.",
                max=REVIEW_NOTE_MAX,
                length=len(note),
            ),
            "note",
        )
    redacted = None
    if decision == REDACT:
        if item.attachment is not None:
            raise ReviewError(_l("A file can be published or hidden, not masked."), "passages")
        text = item.answer.text_value if item.answer else item.comment.text  # type: ignore[union-attr]
        redacted = _redaction(text or "", passages_of(passages))
    row = item.row
    row.review_state = DECISIONS[decision]
    row.review_note = note if decision == HIDE else None
    row.reviewed_at = now
    row.reviewed_by_id = user.id
    if isinstance(row, Answer | ParagraphComment):
        row.redacted_text = redacted
    audit.record(
        f"review.{decision}",
        f"response:{item.response.id}",
        consultation.region,
        f"{item.kind}={row.id}",
    )
    db.session.flush()


def _redaction(text: str, passages: list[str]) -> str:
    if not passages:
        raise ReviewError(_l("List at least one passage to mask, one per line."), "passages")
    for passage in passages:
        if passage not in text:
            raise ReviewError(
                _l(
                    "“%(passage)s” is not in the text. Copy the passage exactly as it is written.",
                    passage=passage,
                ),
                "passages",
            )
    return masked(text, passages)


def carry_over(previous: ResponseVersion | None, version: ResponseVersion) -> None:
    """Give each text of a new version that is identical to the previous version's decided one
    the same decision, so staff do not review the same text twice; other texts wait for review.
    Files are shared between versions, so their decisions stay by themselves."""
    if previous is None:
        return
    decided = {
        answer.question_id: answer
        for answer in db.session.scalars(
            select(Answer).where(
                Answer.version_id == previous.id,
                Answer.review_state != ReviewState.PENDING,
                Answer.text_value.is_not(None),
            )
        )
    }
    if not decided:
        return
    for answer in db.session.scalars(select(Answer).where(Answer.version_id == version.id)):
        before = decided.get(answer.question_id)
        if before is None or before.text_value != answer.text_value:
            continue
        answer.review_state = before.review_state
        answer.review_note = before.review_note
        answer.redacted_text = before.redacted_text
        answer.reviewed_at = before.reviewed_at
        answer.reviewed_by_id = before.reviewed_by_id
