"""The region's published feedback ("you said / we did") as open data, per section and question.

Nothing is shown before the region publishes it, exactly as on the board.
"""

from __future__ import annotations

from typing import Any

from kick_forms.board import feedback
from kick_forms.board.feedback import OUTCOME_LABELS
from kick_forms.models import Consultation, Outcome, OutcomeStatus

FeedbackIndex = dict[tuple[int | None, int | None], Outcome]


def published_outcomes(consultation: Consultation) -> FeedbackIndex:
    """The outcomes by (section id, question id or None); empty until the feedback is published."""
    if consultation.feedback_published_at is None:
        return {}
    return dict(feedback.outcomes_of(consultation))


def outcome_record(outcome: Outcome | None) -> dict[str, Any] | None:
    """What the region did with the input, in its own words, and how it sums it up."""
    if outcome is None:
        return None
    return {
        "status": outcome.status,
        "status_label": str(OUTCOME_LABELS[OutcomeStatus(outcome.status)]),
        "explanation": outcome.explanation,
        "plan_url": outcome.plan_url,
    }


def section_records(consultation: Consultation, outcomes: FeedbackIndex) -> list[dict[str, Any]]:
    """Each section with the feedback given to it as a whole (null where there is none)."""
    return [
        {
            "id": section.id,
            "title": section.title,
            "feedback": outcome_record(outcomes.get((section.id, None))),
        }
        for section in consultation.sections
    ]
