"""A sent version's comments on the plan's text: copied from the working draft when the answer
is sent, read back for staff, the records and the board. Kept apart from ``comments`` so that
the submit service can call it without importing the answering flow's own rules.
"""

from __future__ import annotations

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import (
    PlanChapter,
    PlanParagraph,
    Response,
    ResponseVersion,
    ReviewState,
)
from kick_forms.models.plan import ParagraphComment


def draft_comments(response: Response) -> dict[int, ParagraphComment]:
    """The working copy's comments by paragraph id."""
    rows = db.session.scalars(
        select(ParagraphComment).where(
            ParagraphComment.response_id == response.id, ParagraphComment.version_id.is_(None)
        )
    )
    return {comment.paragraph_id: comment for comment in rows}


def version_comments(version: ResponseVersion) -> list[ParagraphComment]:
    """A sent version's comments in the plan's order."""
    return list(
        db.session.scalars(
            select(ParagraphComment)
            .join(PlanParagraph, PlanParagraph.id == ParagraphComment.paragraph_id)
            .join(PlanChapter, PlanChapter.id == PlanParagraph.chapter_id)
            .where(ParagraphComment.version_id == version.id)
            .order_by(PlanChapter.position, PlanParagraph.position)
        )
    )


def copy_into_version(
    response: Response, previous: ResponseVersion | None, version: ResponseVersion
) -> None:
    """Send the working copy's comments with the version. A comment sent again unchanged keeps
    staff's review decision, as an answer's text does."""
    decided = (
        {
            comment.paragraph_id: comment
            for comment in db.session.scalars(
                select(ParagraphComment).where(
                    ParagraphComment.version_id == previous.id,
                    ParagraphComment.review_state != ReviewState.PENDING,
                )
            )
        }
        if previous is not None
        else {}
    )
    for comment in draft_comments(response).values():
        copy = ParagraphComment(
            response_id=response.id,
            version_id=version.id,
            paragraph_id=comment.paragraph_id,
            text=comment.text,
            saved_at=comment.saved_at,
        )
        before = decided.get(comment.paragraph_id)
        if before is not None and before.text == comment.text:
            copy.review_state = before.review_state
            copy.review_note = before.review_note
            copy.redacted_text = before.redacted_text
            copy.reviewed_at = before.reviewed_at
            copy.reviewed_by_id = before.reviewed_by_id
        db.session.add(copy)
    db.session.flush()
