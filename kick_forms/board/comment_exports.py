"""The comments on the plan's text for staff: per paragraph, every comment of the sent answers
as sent, with its review state; and the same as a table for the CSV and XLSX exports.

Like the answers' exports, these hold the originals (staff see what was sent) and never the
contact person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from kick_forms.board.exports import Table, local_minute
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import (
    Consultation,
    PlanChapter,
    PlanParagraph,
    Response,
    ResponseStatus,
    ResponseVersion,
    ReviewState,
)
from kick_forms.models.plan import ParagraphComment

# The review queue's words for the states.
STATE_LABELS = {
    ReviewState.PENDING: _l("Unreviewed"),
    ReviewState.PUBLISHED: _l("Published"),
    ReviewState.REDACTED: _l("Published with masking"),
    ReviewState.HIDDEN: _l("Hidden"),
}


@dataclass
class SentComment:
    comment: ParagraphComment
    response: Response
    version: ResponseVersion


def sent_comments(consultation: Consultation) -> list[SentComment]:
    """Every comment of the current versions of submitted answers, in the plan's order."""
    rows = db.session.execute(
        select(ParagraphComment, Response, ResponseVersion)
        .join(Response, Response.current_version_id == ParagraphComment.version_id)
        .join(ResponseVersion, ResponseVersion.id == ParagraphComment.version_id)
        .join(PlanParagraph, PlanParagraph.id == ParagraphComment.paragraph_id)
        .join(PlanChapter, PlanChapter.id == PlanParagraph.chapter_id)
        .options(contains_eager(ParagraphComment.paragraph))
        .where(
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
        )
        .order_by(PlanChapter.position, PlanParagraph.position, ResponseVersion.submitted_at)
    ).all()
    return [SentComment(comment, response, version) for comment, response, version in rows]


def by_paragraph(consultation: Consultation) -> dict[int, list[SentComment]]:
    """The sent comments grouped by paragraph id, for the staff's page."""
    grouped: dict[int, list[SentComment]] = {}
    for sent in sent_comments(consultation):
        grouped.setdefault(sent.comment.paragraph_id, []).append(sent)
    return grouped


def comment_table(consultation: Consultation) -> Table:
    """One row per sent comment: who, where in the plan, the text as sent, its review."""
    headers = [
        _("Reference"),
        _("Organisation"),
        _("Published under the name"),
        _("Arrived"),
        _("Chapter"),
        _("Paragraph"),
        _("Comment"),
        _("Review"),
        _("What the public sees"),
    ]
    rows: list[list[str | int | datetime | None]] = []
    for sent in sent_comments(consultation):
        comment, paragraph = sent.comment, sent.comment.paragraph
        rows.append(
            [
                sent.version.reference,
                sent.response.organisation_name,
                _("Yes") if sent.response.may_publish_name else _("No"),
                local_minute(sent.version.arrived_at),
                f"{paragraph.chapter.number}. {paragraph.chapter.title}",
                paragraph.label,
                comment.text,
                str(STATE_LABELS[comment.review_state]),
                comment.redacted_text if comment.review_state == "redacted" else None,
            ]
        )
    return Table(headers=headers, rows=rows)


def sheets(consultation: Consultation) -> list[tuple[Table, str]]:
    """The comments as a further sheet of the responses' workbook, when there is a plan's text."""
    has_plan = db.session.scalar(
        select(PlanChapter.id).filter_by(consultation_id=consultation.id).limit(1)
    )
    return [] if has_plan is None else [(comment_table(consultation), _("Comments"))]
