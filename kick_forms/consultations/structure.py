"""A consultation's questions as the pages that show them read them: in three plain queries.

SQLAlchemy's ``selectinload`` would do the same in as many statements, but a chain of them
costs about twice as much time in the ORM (each builds and caches a statement of its own per
level). The answering pages, the board and the consultation's public page all show the whole
structure on every request, so they load it here; the collections are set as loaded from the
database, so nothing is marked changed and later access issues no SQL.
"""

from __future__ import annotations

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from kick_forms.extensions import db
from kick_forms.models import Consultation, Question, QuestionOption, Section

# Built once: the answering pages, the board and the public page run them on every request.
_SECTIONS = (
    select(Section)
    .where(Section.consultation_id == bindparam("consultation_id"))
    .order_by(Section.position)
)
_QUESTIONS = (
    select(Question)
    .join(Section, Section.id == Question.section_id)
    .where(Section.consultation_id == bindparam("consultation_id"))
    .order_by(Question.position)
)
_OPTIONS = (
    select(QuestionOption)
    .join(Question, Question.id == QuestionOption.question_id)
    .join(Section, Section.id == Question.section_id)
    .where(Section.consultation_id == bindparam("consultation_id"))
    .order_by(QuestionOption.position)
)


def load_structure(consultation: Consultation, options: bool = True) -> Consultation:
    """Load the consultation's sections, each section's questions and (with ``options``) each
    question's options, in the order their relationships give. Sections this session has
    already loaded (and may have changed) are left as they are."""
    if "sections" not in inspect(consultation).unloaded:
        return consultation
    which = {"consultation_id": consultation.id}
    sections = db.session.scalars(_SECTIONS, which).all()
    questions = db.session.scalars(_QUESTIONS, which).all()
    by_section: dict[int, list[Question]] = {section.id: [] for section in sections}
    for question in questions:
        by_section[question.section_id].append(question)
    if options:
        by_question: dict[int, list[QuestionOption]] = {question.id: [] for question in questions}
        for option in db.session.scalars(_OPTIONS, which):
            by_question[option.question_id].append(option)
        for question in questions:
            set_committed_value(question, "options", by_question[question.id])
    for section in sections:
        set_committed_value(section, "questions", by_section[section.id])
    set_committed_value(consultation, "sections", list(sections))
    return consultation
