"""Questions shown only after a given answer to an earlier choice question.

One set of rules for the builder (which conditions may be set, which break when questions move or
options go) and for the answering flow (which questions are shown given the answers so far).
A condition points to an earlier single-choice, multiple-choice or yes/no question of the same
consultation and names one of its options, or "yes", "no" or "dont_know".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from kick_forms.consultations.services import BuilderError
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Answer, Consultation, Question, QuestionKind, Section

CONTROL_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.YES_NO)
YES_NO_WORDS = {"yes": _l("Yes"), "no": _l("No"), "dont_know": _l("Don't know")}


class Chosen(Protocol):
    """What an answer says that a condition can look at (a TypedAnswer)."""

    option_ids: list[int]
    choice: str | None


def place(question: Question) -> tuple[int, int]:
    """Where the question comes in the form: by section, then within it."""
    return (question.section.position, question.position)


def has_condition(question: Question) -> bool:
    """A condition whose option is gone names no answer and shows the question always."""
    return question.shown_if_question_id is not None and (
        question.shown_if_option_id is not None or question.shown_if_value is not None
    )


def holds(question: Question, answers: Mapping[int, Chosen]) -> bool:
    """Whether the controlling question's answer is the one that shows ``question``."""
    given = answers.get(question.shown_if_question_id or 0)
    if given is None:
        return False
    if question.shown_if_option_id is not None:
        return question.shown_if_option_id in given.option_ids
    return given.choice == question.shown_if_value


def shown_ids(questions: Iterable[Question], answers: Mapping[int, Chosen]) -> set[int]:
    """The ids of the questions shown, given the answers; ``questions`` in form order.

    A question whose controlling question is itself hidden is hidden too, whatever that hidden
    question's stored answer says.
    """
    shown: set[int] = set()
    for question in questions:
        if not has_condition(question) or (
            question.shown_if_question_id in shown and holds(question, answers)
        ):
            shown.add(question.id)
    return shown


@dataclass(frozen=True)
class _Given:
    option_ids: list[int]
    choice: str | None


def shown_for(consultation: Consultation, answers: Mapping[int, Answer | None]) -> set[int]:
    """The ids of the consultation's questions shown, given stored answers by question id."""
    given = {
        question_id: _Given([option.option_id for option in answer.options], answer.choice_value)
        for question_id, answer in answers.items()
        if answer is not None
    }
    return shown_ids(consultation.questions, given)


def controls(question: Question) -> bool:
    return question.kind in CONTROL_KINDS


# The builder ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answerable:
    """An earlier choice question and the answers a condition may name, as select choices."""

    question: Question
    choices: list[tuple[str, str]]


def _answers_of(question: Question) -> list[tuple[str, str]]:
    if question.kind == QuestionKind.YES_NO:
        return [(f"{question.id}:{value}", str(word)) for value, word in YES_NO_WORDS.items()]
    return [(f"{question.id}:o{option.id}", option.label) for option in question.options]


def earlier_choices(
    consultation: Consultation, section: Section, question: Question | None
) -> list[Answerable]:
    """The questions a condition on ``question`` may point to: choice questions before it.

    A new question (``question`` is None) goes last in ``section``.
    """
    if question is not None and question.id is not None:
        limit = place(question)
    else:
        limit = (section.position, len(section.questions))
    return [
        Answerable(other, _answers_of(other))
        for other in consultation.questions
        if controls(other) and place(other) < limit and (question is None or other is not question)
    ]


def condition_value(question: Question | None) -> str:
    """The question's condition as the builder's select names it; empty for none."""
    if question is None or not has_condition(question):
        return ""
    if question.shown_if_option_id is not None:
        return f"{question.shown_if_question_id}:o{question.shown_if_option_id}"
    return f"{question.shown_if_question_id}:{question.shown_if_value}"


def set_condition(
    question: Question, value: str, allowed: list[Answerable], is_new: bool = False
) -> None:
    """Show ``question`` only after the answer ``value`` names, or always for an empty value.

    Refused for anything but an answer of an earlier choice question, and for a question that
    existed once anyone has answered: the answers sent were given to the questions as shown.
    """
    value = value or ""
    if value == condition_value(question):
        return
    if not is_new and question.section.consultation.has_responses:
        raise BuilderError(
            _l("The condition cannot change once organisations have started answering."),
            "shown_if",
        )
    if not value:
        clear_condition(question)
        return
    for answerable in allowed:
        if value in {choice for choice, _label in answerable.choices}:
            answer = value.split(":", 1)[1]
            question.shown_if_question = answerable.question
            question.shown_if_question_id = answerable.question.id
            if answer.startswith("o"):
                question.shown_if_option_id, question.shown_if_value = int(answer[1:]), None
            else:
                question.shown_if_option_id, question.shown_if_value = None, answer
            return
    raise BuilderError(
        _l("Choose an answer to a choice question that comes before this one."), "shown_if"
    )


def clear_condition(question: Question) -> None:
    question.shown_if_question = None
    question.shown_if_question_id = None
    question.shown_if_option_id = None
    question.shown_if_value = None


def _controller(question: Question) -> Question | None:
    return next(
        (
            q
            for q in question.section.consultation.questions
            if q.id == question.shown_if_question_id
        ),
        None,
    )


def describe(question: Question) -> Any | None:
    """The condition in words, or None: Shown only if “Member?” is “Yes”."""
    if not has_condition(question):
        return None
    controller = _controller(question)
    if controller is None:
        return None
    if question.shown_if_option_id is not None:
        answer = next(
            (o.label for o in controller.options if o.id == question.shown_if_option_id), None
        )
    else:
        answer = YES_NO_WORDS.get(question.shown_if_value or "")
    if answer is None:
        return None
    return _l("Shown only if “%(question)s” is “%(answer)s”.", question=controller.label,
              answer=answer)  # fmt: skip


def _broken(question: Question, removed: Question | None = None) -> bool:
    """Whether the condition no longer names an answer of an earlier choice question."""
    controller = _controller(question)
    if controller is None or controller is removed or not controls(controller):
        return True
    if place(controller) >= place(question):
        return True
    if question.shown_if_option_id is not None:
        return question.shown_if_option_id not in {o.id for o in controller.options}
    if controller.kind != QuestionKind.YES_NO:
        return True
    return question.shown_if_value not in YES_NO_WORDS


def clear_broken(consultation: Consultation, removed: Iterable[Question] = ()) -> list[Question]:
    """Remove conditions whose answer is gone (an option or question deleted, a kind changed),
    or that would name ``removed`` questions about to be deleted; the questions changed.

    The question is then shown always; the builder says so.
    """
    gone = {question.id for question in removed}
    cleared = []
    for question in consultation.questions:
        if question.id in gone or question.shown_if_question_id is None:
            continue
        if (
            question.shown_if_question_id in gone
            or not has_condition(question)
            or _broken(question)
        ):
            clear_condition(question)
            cleared.append(question)
    return cleared


def refuse_forward(consultation: Consultation) -> None:
    """Refuse an order of questions where a condition would look at a later question."""
    for question in consultation.questions:
        if has_condition(question):
            controller = _controller(question)
            if controller is not None and place(controller) >= place(question):
                raise BuilderError(
                    _l(
                        "“%(question)s” is shown only after an answer to “%(controller)s”, so it "
                        "must come after it. Remove the condition or move the questions in "
                        "another order.",
                        question=question.label,
                        controller=controller.label,
                    )
                )


def cleared_message(cleared: list[Question]) -> str:
    """What the builder says after removing conditions, or an empty text."""
    return " ".join(
        str(
            _l(
                "The question “%(question)s” is now always shown: the answer that showed it is "
                "gone.",
                question=question.label,
            )
        )
        for question in cleared
    )
