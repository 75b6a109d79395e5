"""The plan's text on the board: per paragraph, how many organisations commented and the
comments the public may see; per chapter, the region's feedback.

Only the current versions of submitted answers count; a withdrawn answer's comments are gone
with it. The comments shown follow ``review.rules`` like the free-text answers, and name the
organisation only where it agreed to be named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, distinct, func, select

from kick_forms.board.feedback import OutcomeData
from kick_forms.board.services import BoardFilter, Withheld, _first_categories
from kick_forms.extensions import db
from kick_forms.models import (
    Consultation,
    Outcome,
    PlanChapter,
    PlanParagraph,
    Response,
    ResponseStatus,
)
from kick_forms.models.plan import ParagraphComment
from kick_forms.models.response import where_from
from kick_forms.review import rules


@dataclass
class ParagraphSummary:
    paragraph: PlanParagraph
    organisations: int = 0  # how many organisations commented, shown or not
    comments: list[tuple[str, str]] = field(default_factory=list)  # (text, who)
    withheld: Withheld = field(default_factory=Withheld)


@dataclass
class ChapterSummary:
    chapter: PlanChapter
    paragraphs: list[ParagraphSummary]
    outcome: Outcome | None = None

    @property
    def organisations(self) -> int:
        return sum(summary.organisations for summary in self.paragraphs)


def _sent_comments(consultation: Consultation, chosen: BoardFilter) -> Select:
    """The comments of the current versions of submitted answers that match the filter."""
    query = (
        select(ParagraphComment.paragraph_id)
        .join(Response, Response.current_version_id == ParagraphComment.version_id)
        .where(
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
        )
    )
    return where_from(query, chosen.category, chosen.municipality)


def chapter_outcomes(consultation: Consultation) -> dict[int, Outcome]:
    """The region's feedback by chapter id."""
    rows = db.session.scalars(
        select(Outcome).where(
            Outcome.consultation_id == consultation.id, Outcome.chapter_id.is_not(None)
        )
    )
    return {outcome.chapter_id: outcome for outcome in rows if outcome.chapter_id is not None}


def summary(
    consultation: Consultation, chosen: BoardFilter, with_outcomes: bool
) -> list[ChapterSummary]:
    """The plan's chapters with their paragraphs' comments; empty without a plan's text."""
    chapters = list(
        db.session.scalars(
            select(PlanChapter)
            .filter_by(consultation_id=consultation.id)
            .order_by(PlanChapter.position)
        )
    )
    if not chapters:
        return []
    base = _sent_comments(consultation, chosen)
    counts = dict(
        db.session.execute(
            base.add_columns(func.count(distinct(Response.organisation_key))).group_by(
                ParagraphComment.paragraph_id
            )
        )
        .tuples()
        .all()
    )
    shown = db.session.execute(
        base.add_columns(
            rules.PUBLIC_COMMENT_TEXT, Response.organisation_name, Response.may_publish_name
        )
        .add_columns(Response.id)
        .where(
            rules.public_clause(ParagraphComment, consultation),
            rules.PUBLIC_COMMENT_TEXT.is_not(None),
        )
        .order_by(Response.submitted_at, Response.id)
    ).all()
    anonymous = _first_categories([row[4] for row in shown if not row[3]])
    comments: dict[int, list[tuple[str, str]]] = {}
    for paragraph_id, text, name, named, response_id in shown:
        who = name if named else anonymous.get(response_id, "")
        comments.setdefault(paragraph_id, []).append((text, who))
    withheld_rows = db.session.execute(
        base.add_columns(ParagraphComment.review_state, func.count())
        .where(rules.withheld_clause(ParagraphComment, consultation))
        .group_by(ParagraphComment.paragraph_id, ParagraphComment.review_state)
    ).all()
    withheld: dict[int, dict[str, int]] = {}
    for paragraph_id, state, count in withheld_rows:
        withheld.setdefault(paragraph_id, {})[state] = count
    outcomes = chapter_outcomes(consultation) if with_outcomes else {}
    return [
        ChapterSummary(
            chapter,
            [
                ParagraphSummary(
                    paragraph,
                    counts.get(paragraph.id, 0),
                    comments.get(paragraph.id, []),
                    Withheld.of(withheld.get(paragraph.id, {})),
                )
                for paragraph in chapter.paragraphs
            ],
            outcomes.get(chapter.id),
        )
        for chapter in chapters
    ]


def save_chapter_outcome(
    consultation: Consultation, chapter: PlanChapter, data: OutcomeData
) -> Outcome:
    """Create or change what the region says it did with the comments on a chapter."""
    outcome = chapter_outcomes(consultation).get(chapter.id)
    if outcome is None:
        outcome = Outcome(consultation_id=consultation.id, chapter_id=chapter.id)
        db.session.add(outcome)
    outcome.status = data.status.value
    outcome.explanation = data.explanation.strip()
    outcome.plan_url = data.plan_url or None
    db.session.flush()
    return outcome
