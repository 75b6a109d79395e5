"""Comments on the draft plan's text: an organisation's word on one paragraph, kept like an
answer. The working draft holds them without a version; each sent version gets its own copy,
so an amendment sends the draft's comments again and a withdrawal takes them with the answer.

Services flush and never commit; the view commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import (
    Consultation,
    PlanChapter,
    PlanParagraph,
    Response,
    ResponseStatus,
)
from kick_forms.models.plan import COMMENT_MAX, ParagraphComment
from kick_forms.responses.comment_versions import draft_comments
from kick_forms.responses.services import AnsweringError, require_open

COMMENTABLE_KINDS = ("paragraph", "list")


def is_commentable(paragraph: PlanParagraph) -> bool:
    """Paragraphs and lists take comments; a subheading does not."""
    return paragraph.kind in COMMENTABLE_KINDS


def plan_of(consultation: Consultation) -> list[PlanChapter]:
    """The plan's chapters in order, each with its paragraphs loaded."""
    return list(
        db.session.scalars(
            select(PlanChapter)
            .filter_by(consultation_id=consultation.id)
            .order_by(PlanChapter.position)
            .options(selectinload(PlanChapter.paragraphs))
        )
    )


def has_plan(consultation: Consultation) -> bool:
    """Whether the consultation has a plan's text to comment on."""
    query = (
        select(PlanParagraph.id)
        .join(PlanChapter)
        .where(
            PlanChapter.consultation_id == consultation.id,
            PlanParagraph.kind.in_(COMMENTABLE_KINDS),
        )
    )
    return db.session.scalar(query.limit(1)) is not None


def commentable_paragraph(consultation: Consultation, paragraph_id: int) -> PlanParagraph | None:
    """The paragraph of this consultation's plan, if it takes comments; None for any other id."""
    return db.session.scalars(
        select(PlanParagraph)
        .join(PlanChapter)
        .where(
            PlanParagraph.id == paragraph_id,
            PlanChapter.consultation_id == consultation.id,
            PlanParagraph.kind.in_(COMMENTABLE_KINDS),
        )
    ).one_or_none()


def comment_problem(text: str) -> str | None:
    """What is wrong with a typed comment, for the person typing it."""
    if len(text) > COMMENT_MAX:
        return str(
            _l(
                "Use at most %(max)d characters; you have %(length)d.",
                max=COMMENT_MAX,
                length=len(text),
            )
        )
    return None


def save_comment(
    response: Response, paragraph: PlanParagraph, typed: str, now: datetime
) -> ParagraphComment | None:
    """Keep the comment on the paragraph in the working copy; an empty one removes it.

    Raises ClosedError after closing and AnsweringError for a withdrawn answer or a comment
    that is too long, changing nothing. Returns the comment kept, or None when removed.
    """
    require_open(response, now)
    if response.status == ResponseStatus.WITHDRAWN:
        raise AnsweringError(_l("The answer has been withdrawn."))
    text = typed.replace("\r\n", "\n").strip()
    problem = comment_problem(text)
    if problem:
        raise AnsweringError(problem)
    comment = draft_comments(response).get(paragraph.id)
    if not text:
        if comment is not None:
            db.session.delete(comment)
            response.saved_at = now
        db.session.flush()
        return None
    if comment is None:
        comment = ParagraphComment(response_id=response.id, paragraph_id=paragraph.id, text=text)
        db.session.add(comment)
    elif comment.text == text:
        return comment
    comment.text = text
    comment.saved_at = now
    response.saved_at = now
    db.session.flush()
    return comment
