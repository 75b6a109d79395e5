"""Reading answers from a form and judging them, one question at a time.

A draft keeps what was typed even when it is not yet valid (a number written as words, a text
over its limit): nothing typed is lost, and the check page says what to fix before submitting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Answer, AnswerOption, Question, QuestionKind
from kick_forms.models.response import OTHER_TEXT_MAX

YES_NO_VALUES = ("yes", "no", "dont_know")
SCALE_VALUES = ("1", "2", "3", "4", "5")
# Stored as typed up to this length, so that an over-long draft is kept and can be shortened.
STORED_TEXT_MAX = 40_000
# The largest number an answer may hold: it is stored as a 32-bit integer.
NUMBER_LIMIT = 2_000_000_000


def field_name(question: Question) -> str:
    return f"q-{question.id}"


@dataclass
class TypedAnswer:
    """What a form says about one question, before it is stored."""

    text: str | None = None
    choice: str | None = None
    option_ids: list[int] = field(default_factory=list)
    other_text: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.choice or self.option_ids or self.other_text is not None)


def read_answer(question: Question, form: MultiDict) -> TypedAnswer:
    """The answer to one question as posted; values that cannot belong to it are dropped."""
    name = field_name(question)
    kind = QuestionKind(question.kind)
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER):
        text = (form.get(name) or "").replace("\r\n", "\n").strip()
        return TypedAnswer(text=text[:STORED_TEXT_MAX] or None)
    if kind == QuestionKind.SINGLE_CHOICE:
        option_ids = {option.id for option in question.options}
        if question.allow_other and form.get(name) == "other":
            other = (form.get(f"{name}-other-text") or "").strip()[:OTHER_TEXT_MAX]
            return TypedAnswer(other_text=other)
        chosen = _as_int(form.get(name))
        return TypedAnswer(option_ids=[chosen] if chosen in option_ids else [])
    if kind == QuestionKind.MULTIPLE_CHOICE:
        option_ids = {option.id for option in question.options}
        values = form.getlist(name)
        chosen = sorted({_as_int(value) for value in values} & option_ids)
        other = None
        if question.allow_other and "other" in values:
            other = (form.get(f"{name}-other-text") or "").strip()[:OTHER_TEXT_MAX] or ""
        return TypedAnswer(option_ids=chosen, other_text=other)
    allowed = SCALE_VALUES if kind == QuestionKind.SCALE else YES_NO_VALUES
    value = form.get(name)
    return TypedAnswer(choice=value if value in allowed else None)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_number(text: str) -> int:
    """'1 200' or '1200' -> 1200; raises ValueError for anything else."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if compact.startswith("+"):
        compact = compact[1:]
    if not compact.lstrip("-").isdigit():
        raise ValueError(text)
    return int(compact)


def apply_answer(answer: Answer, typed: TypedAnswer, question: Question) -> None:
    """Store a typed answer in an answer row."""
    answer.text_value = typed.text
    answer.choice_value = typed.choice
    answer.other_text = typed.other_text
    answer.number_value = None
    if question.kind == QuestionKind.NUMBER and typed.text:
        try:
            number = parse_number(typed.text)
        except ValueError:
            number = None
        # Kept as typed in the text either way; only a storable number is counted.
        if number is not None and abs(number) <= NUMBER_LIMIT:
            answer.number_value = number
    wanted = set(typed.option_ids)
    answer.options = [o for o in answer.options if o.option_id in wanted] + [
        AnswerOption(option_id=option_id)
        for option_id in sorted(wanted - {o.option_id for o in answer.options})
    ]


def typed_from(answer: Answer | None) -> TypedAnswer:
    if answer is None:
        return TypedAnswer()
    return TypedAnswer(
        text=answer.text_value,
        choice=answer.choice_value,
        option_ids=sorted(option.option_id for option in answer.options),
        other_text=answer.other_text,
    )


def problem(question: Question, typed: TypedAnswer, *, final: bool) -> Any | None:
    """What is wrong with an answer, or None. ``final``: also require required answers."""
    kind = QuestionKind(question.kind)
    if kind.has_options and typed.other_text == "":
        return _l("Say what “Other” is, or untick it.")
    if typed.is_empty:
        if final and question.required:
            if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER):
                return _l("Answer the question.")
            return _l("Choose an answer.")
        return None
    limit = question.text_limit
    if limit and typed.text and len(typed.text) > limit:
        return _l(
            "Use at most %(max)d characters; you have %(length)d.",
            max=limit,
            length=len(typed.text),
        )
    if kind == QuestionKind.NUMBER and typed.text:
        try:
            number = parse_number(typed.text)
        except ValueError:
            return _l("Write a whole number, e.g. 120.")
        if abs(number) > NUMBER_LIMIT:
            return _l("Write a number between -2 000 000 000 and 2 000 000 000.")
        if question.number_min is not None and number < question.number_min:
            return _l("Write %(min)d or more.", min=question.number_min)
        if question.number_max is not None and number > question.number_max:
            return _l("Write %(max)d or less.", max=question.number_max)
    return None
