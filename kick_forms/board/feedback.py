"""The region's feedback on the input ("you said, we did"), and telling those who answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kick_forms.dialogue.quality import survey_token
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    Outcome,
    OutcomeStatus,
    Question,
    Response,
    ResponseStatus,
    Section,
)
from kick_forms.refusal import Refused


class FeedbackError(Refused):
    """Feedback the consultation refuses, with a message for staff."""


# What the region did with each part, in words: on the board, in the feedback form, the API.
OUTCOME_LABELS = {
    OutcomeStatus.INCORPORATED: _l("Incorporated"),
    OutcomeStatus.PARTLY: _l("Partly incorporated"),
    OutcomeStatus.NOT_INCORPORATED: _l("Not incorporated"),
    OutcomeStatus.LATER: _l("To be considered later"),
}


@dataclass
class OutcomeData:
    status: OutcomeStatus
    explanation: str
    plan_url: str | None

    @classmethod
    def from_form(cls, form: Any) -> OutcomeData:
        """From a feedback form that validated (status, explanation, plan_url)."""
        return cls(OutcomeStatus(form.status.data), form.explanation.data, form.plan_url.data)


def outcomes_of(consultation: Consultation) -> dict[tuple[int, int | None], Outcome]:
    """The consultation's outcomes by (section id, question id or None)."""
    rows = db.session.scalars(
        select(Outcome).filter_by(consultation_id=consultation.id, chapter_id=None)
    )
    return {(outcome.section_id, outcome.question_id): outcome for outcome in rows}


def in_order(
    consultation: Consultation, outcomes: dict[tuple[int, int | None], Outcome]
) -> list[tuple[Section, Question | None, Outcome]]:
    """The outcomes in the form's order, for the summary of the feedback at the top of the board."""
    found: list[tuple[Section, Question | None, Outcome]] = []
    for section in consultation.sections:
        for question in [None, *section.questions]:
            outcome = outcomes.get((section.id, question.id if question else None))
            if outcome is not None:
                found.append((section, question, outcome))
    return found


def save_outcome(
    consultation: Consultation, section: Section, question: Question | None, data: OutcomeData
) -> Outcome:
    """Create or change what the region says it did with the input to a section or question."""
    outcome = outcomes_of(consultation).get((section.id, question.id if question else None))
    if outcome is None:
        outcome = Outcome(
            consultation_id=consultation.id,
            section_id=section.id,
            question_id=question.id if question else None,
        )
        db.session.add(outcome)
    outcome.status = data.status.value
    outcome.explanation = data.explanation.strip()
    outcome.plan_url = data.plan_url or None
    db.session.flush()
    return outcome


def publish_feedback(consultation: Consultation, now: datetime, board_url: str) -> int:
    """Show the feedback on the board and mail every organisation that answered, once.

    Returns the number of mails queued. Publishing again changes nothing and sends nothing.
    """
    if consultation.feedback_published_at is not None:
        raise FeedbackError(_l("The feedback is already published."))
    if consultation.status not in (ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED):
        raise FeedbackError(_l("Close the consultation before you publish feedback."))
    if not consultation.board_is_public(now):
        raise FeedbackError(
            _l("The summary is not public yet: publish it, or let everyone see it once closed.")
        )
    if db.session.scalar(select(Outcome.id).filter_by(consultation_id=consultation.id)) is None:
        raise FeedbackError(_l("Write feedback for at least one section first."))
    consultation.feedback_published_at = now
    answered = db.session.scalars(
        select(Response)
        .where(
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
        )
        .options(selectinload(Response.contact))
        .order_by(Response.id)
    )
    sent = 0
    for response in answered:
        if response.contact is None or not response.contact.email:
            continue
        enqueue_mail(
            response.contact.email,
            str(_l("What %(region)s did with your input", region=consultation.region.name)),
            render_template(
                "board/mail/feedback.txt",
                consultation=consultation,
                response=response,
                board_url=board_url,
                survey_token=survey_token,
            ),
            now=now,
        )
        sent += 1
    db.session.flush()
    return sent
