"""Answers to questions shown only after a given answer: a hidden question keeps no answer.

The rules of what is shown live in ``kick_forms.consultations.conditions``; this applies them to
an answer's working copy, so a hidden question is neither required, stored, sent nor counted.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from kick_forms.consultations import conditions
from kick_forms.extensions import db
from kick_forms.models import Answer, Consultation, Question
from kick_forms.responses import answers as answer_rules


def hidden_ids(consultation: Consultation, answers: dict[int, Answer]) -> set[int]:
    """The ids of the questions hidden by the answers given to earlier questions."""
    shown = conditions.shown_for(consultation, answers)
    return {question.id for question in consultation.questions} - shown


def drop_hidden(consultation: Consultation, answers: dict[int, Answer]) -> set[int]:
    """Delete the stored answers of questions now hidden, also from ``answers``; the hidden ids.

    A question hidden by an answer changed in another section loses its answer too.
    """
    hidden = hidden_ids(consultation, answers)
    for question_id in hidden & answers.keys():
        answer = answers.pop(question_id)
        if answer in db.session.new:
            db.session.expunge(answer)  # written just now, never stored
        else:
            db.session.delete(answer)
    if hidden:
        db.session.flush()
    return hidden


def shown_while_typing(
    consultation: Consultation,
    stored: dict[int, Answer],
    questions: list[Question],
    form: MultiDict,
) -> set[int]:
    """The questions shown given the stored answers with ``questions`` answered as in ``form``:
    what the section shows while its choices change, before they are saved."""
    given: dict[int, conditions.Chosen] = {
        question_id: answer_rules.typed_from(answer) for question_id, answer in stored.items()
    }
    for question in questions:
        given[question.id] = answer_rules.read_answer(question, form)
    return conditions.shown_ids(consultation.questions, given)
