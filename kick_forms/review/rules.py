"""The one rule of what the public sees of free-text answers and attached statements.

An item is public when staff published it (with or without a redaction), or while it waits for
review in a consultation that does not review before publishing. A hidden item is never public,
whatever the setting, so switching review off never reveals what staff hid. A redacted answer is
public only as its redacted text. Every public output asks here, in its query.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case

from kick_forms.models import Answer, Attachment, Consultation, ParagraphComment, ReviewState

ALWAYS_PUBLIC = (ReviewState.PUBLISHED.value, ReviewState.REDACTED.value)

# What the public sees of an answer: the redacted text once staff redacted it.
PUBLIC_TEXT = case(
    (Answer.review_state == ReviewState.REDACTED.value, Answer.redacted_text),
    else_=Answer.text_value,
)
# And of a comment on the plan's text.
PUBLIC_COMMENT_TEXT = case(
    (ParagraphComment.review_state == ReviewState.REDACTED.value, ParagraphComment.redacted_text),
    else_=ParagraphComment.text,
)


def public_states(consultation: Consultation) -> tuple[str, ...]:
    """The review states in which an item of this consultation is public."""
    if consultation.review_before_publishing:
        return ALWAYS_PUBLIC
    return (*ALWAYS_PUBLIC, ReviewState.PENDING.value)


def public_clause(
    model: type[Answer] | type[Attachment] | type[ParagraphComment], consultation: Consultation
) -> ColumnElement[bool]:
    """Whether the public may see the model's rows now, as a condition for queries."""
    return model.review_state.in_(public_states(consultation))


def withheld_clause(
    model: type[Answer] | type[Attachment] | type[ParagraphComment], consultation: Consultation
) -> ColumnElement[bool]:
    """Whether the public may not see the model's rows now: ``public_clause`` negated, naming
    the states, so an index on the review state can find the few withheld rows."""
    public = public_states(consultation)
    return model.review_state.in_([state.value for state in ReviewState if state not in public])
