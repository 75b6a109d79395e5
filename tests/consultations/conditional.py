"""An open consultation with questions shown only after given answers, built by the services."""

from __future__ import annotations

from kick_forms.consultations import conditions
from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, QuestionKind
from tests.conftest import make_consultation, question_data


def show_if(question, controller, answer: str) -> None:
    """Show ``question`` only when ``controller`` has ``answer`` (an option label or yes/no)."""
    section = question.section
    allowed = conditions.earlier_choices(section.consultation, section, question)
    option = next((o for o in controller.options if o.label == answer), None)
    value = f"{controller.id}:o{option.id}" if option else f"{controller.id}:{answer}"
    conditions.set_condition(question, value, allowed)


def conditional_consultation(status=ConsultationStatus.OPEN, slug="kulturplan"):
    """Om er: Medlem? (yes/no) → Områden (if yes) → Körer (if Musik, required).
    Tankar: Vad saknas? (if Medlem? is no, required) · Hur väl? · Viktigast → Varför A? (if A)."""
    consultation = make_consultation(slug=slug, with_questions=False)
    first = builder.add_section(consultation, "Om er", "")
    member = builder.add_question(first, question_data(kind=QuestionKind.YES_NO, label="Medlem?"))
    areas = builder.add_question(
        first,
        question_data(
            kind=QuestionKind.MULTIPLE_CHOICE, label="Områden", options=["Musik", "Teater"]
        ),
    )
    choirs = builder.add_question(
        first, question_data(kind=QuestionKind.NUMBER, label="Körer", required=True)
    )
    second = builder.add_section(consultation, "Tankar", "")
    missing = builder.add_question(
        second, question_data(kind=QuestionKind.LONG_TEXT, label="Vad saknas?", required=True)
    )
    builder.add_question(second, question_data(kind=QuestionKind.SCALE, label="Hur väl?"))
    most = builder.add_question(
        second,
        question_data(kind=QuestionKind.SINGLE_CHOICE, label="Viktigast", options=["A", "B"]),
    )
    why = builder.add_question(second, question_data(label="Varför A?"))
    show_if(areas, member, "yes")
    show_if(choirs, areas, "Musik")
    show_if(missing, member, "no")
    show_if(why, most, "A")
    if status != ConsultationStatus.DRAFT:
        builder.change_status(consultation, ConsultationStatus.OPEN, consultation.created_at)
    db.session.commit()
    return consultation


def by_label(consultation, label: str):
    return next(q for q in consultation.questions if q.label == label)
