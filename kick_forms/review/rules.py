"""The one rule of what the public sees of free-text answers and attached statements.

An item is public when staff published it (with or without a redaction), or while it waits for
review in a consultation that does not review before publishing. A hidden item is never public,
whatever the setting, so switching review off never reveals what staff hid. A redacted answer is
public only as its redacted text. Every public output asks here, in SQL or in Python.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case

from kick_forms.models import Answer, Attachment, Consultation, ReviewState

ALWAYS_PUBLIC = (ReviewState.PUBLISHED.value, ReviewState.REDACTED.value)

# What the public sees of an answer: the redacted text once staff redacted it.
PUBLIC_TEXT = case(
    (Answer.review_state == ReviewState.REDACTED.value, Answer.redacted_text),
    else_=Answer.text_value,
)


def public_states(consultation: Consultation) -> tuple[str, ...]:
    """The review states in which an item of this consultation is public."""
    if consultation.review_before_publishing:
        return ALWAYS_PUBLIC
    return (*ALWAYS_PUBLIC, ReviewState.PENDING.value)


def is_public(item: Answer | Attachment, consultation: Consultation) -> bool:
    """Whether the public may see this free-text answer or statement now."""
    return item.review_state in public_states(consultation)


def public_clause(
    model: type[Answer] | type[Attachment], consultation: Consultation
) -> ColumnElement[bool]:
    """``is_public`` as a condition on the model's rows, for queries that filter in SQL."""
    return model.review_state.in_(public_states(consultation))


def public_text(answer: Answer) -> str | None:
    """The text the public sees of a public answer: never the original of a redacted one."""
    if answer.review_state == ReviewState.REDACTED:
        return answer.redacted_text
    return answer.text_value
