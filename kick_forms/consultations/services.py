"""Writes of the consultation builder. They flush, never commit: the view commits once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    CultureArea,
    Question,
    QuestionKind,
    QuestionOption,
    Region,
    Section,
)
from kick_forms.models.consultation import SLUG_MAX
from kick_forms.timeutil import from_local

Status = ConsultationStatus

# Which status may follow which. Reopening a closed consultation is allowed (a deadline extended);
# a published one is final.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.DRAFT: (Status.OPEN,),
    Status.OPEN: (Status.CLOSED,),
    Status.CLOSED: (Status.OPEN, Status.PUBLISHED),
    Status.PUBLISHED: (),
}


class BuilderError(Exception):
    """A change the builder refuses, with a message for the person who asked for it."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def slugify(text: str) -> str:
    """A URL slug from a Swedish title: 'Kulturplan 2027–2030' -> 'kulturplan-2027-2030'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    # Accents go (å -> a); any other character outside a-z and 0-9 separates words.
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", letters).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "samrad"


def slug_taken(region: Region, slug: str, except_id: int | None = None) -> bool:
    query = select(Consultation.id).filter_by(region_id=region.id, slug=slug)
    if except_id is not None:
        query = query.where(Consultation.id != except_id)
    return db.session.scalar(query) is not None


def _free_slug(region: Region, base: str, except_id: int | None = None) -> str:
    slug, number = base, 2
    while slug_taken(region, slug, except_id):
        suffix = f"-{number}"
        slug = base[: SLUG_MAX - len(suffix)] + suffix
        number += 1
    return slug


@dataclass
class Settings:
    title: str
    slug: str | None
    intro: str
    plan_start_year: int | None
    plan_end_year: int | None
    culture_area_keys: list[str]
    opens_at_local: datetime | None
    closes_at_local: datetime | None
    code_level_key: str | None
    code_step_key: str | None
    board_visibility: str = "when_published"
    board_live: bool = False
    review_before_publishing: bool = False
    registry_number: str | None = None
    registrar_email: str | None = None


def _apply_settings(consultation: Consultation, region: Region, settings: Settings) -> None:
    if consultation.status not in (None, Status.DRAFT) and settings.closes_at_local is None:
        raise BuilderError(
            _l("A consultation that has been opened needs a closing time."), "closes_at"
        )
    if settings.slug:
        if slug_taken(region, settings.slug, consultation.id):
            raise BuilderError(
                _l("Another consultation in this region already uses this address."), "slug"
            )
        consultation.slug = settings.slug
    elif not consultation.slug:
        consultation.slug = _free_slug(region, slugify(settings.title), consultation.id)
    consultation.title = settings.title.strip()
    consultation.intro = settings.intro or ""
    consultation.plan_start_year = settings.plan_start_year
    consultation.plan_end_year = settings.plan_end_year
    consultation.opens_at = from_local(settings.opens_at_local)
    consultation.closes_at = from_local(settings.closes_at_local)
    consultation.code_level_key = settings.code_level_key or None
    consultation.code_step_key = settings.code_step_key or None
    consultation.board_visibility = settings.board_visibility
    consultation.board_live = settings.board_live
    consultation.review_before_publishing = settings.review_before_publishing
    consultation.registry_number = (settings.registry_number or "").strip() or None
    consultation.registrar_email = (settings.registrar_email or "").strip() or None
    consultation.culture_areas = list(
        db.session.scalars(
            select(CultureArea).where(CultureArea.key.in_(settings.culture_area_keys))
        )
    )


def create_consultation(region: Region, settings: Settings) -> Consultation:
    """A new draft consultation in the region."""
    consultation = Consultation(region=region, slug="", status=Status.DRAFT)
    _apply_settings(consultation, region, settings)
    db.session.add(consultation)
    db.session.flush()
    return consultation


def update_settings(consultation: Consultation, settings: Settings) -> None:
    """Change a consultation's settings; the slug stays unique within the region."""
    _apply_settings(consultation, consultation.region, settings)
    db.session.flush()


def opening_problems(consultation: Consultation, now: datetime) -> list[Any]:
    """Why the consultation cannot open now; empty when it can."""
    problems: list[Any] = []
    if not consultation.questions:
        problems.append(_l("Add at least one question."))
    if consultation.closes_at is None:
        problems.append(_l("Set a closing time."))
    elif consultation.closes_at <= now:
        problems.append(_l("The closing time has passed; set a later one."))
    for question in consultation.questions:
        if QuestionKind(question.kind).has_options and len(question.options) < 2:
            problems.append(
                _l("The question “%(label)s” needs at least two options.", label=question.label)
            )
    return problems


def change_status(consultation: Consultation, target: Status, now: datetime) -> None:
    """Move the consultation to another status, or raise BuilderError with every reason not to."""
    current = Status(consultation.status)
    if target not in TRANSITIONS[current]:
        raise BuilderError(_l("That change of status is not possible."))
    if target == Status.OPEN:
        problems = opening_problems(consultation, now)
        if problems:
            raise BuilderError(problems)
        if consultation.opens_at is None:
            consultation.opens_at = now
    if target == Status.CLOSED and (consultation.closes_at is None or consultation.closes_at > now):
        # Closed before the planned time: every page, PDF and the API then say when it really
        # closed, not when it was meant to.
        consultation.closes_at = now
    consultation.status = target.value
    db.session.flush()


def add_section(consultation: Consultation, title: str, description: str) -> Section:
    section = Section(title=title.strip(), description=description or "")
    consultation.sections.append(section)
    db.session.flush()
    return section


def update_section(section: Section, title: str, description: str) -> None:
    section.title = title.strip()
    section.description = description or ""
    db.session.flush()


def _move_in(items: list, item: Any, direction: str) -> bool:
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items.insert(target, items.pop(index))
    items.reorder()  # type: ignore[attr-defined]
    return True


def move_section(section: Section, direction: str) -> bool:
    """Move a section one place up or down; False when it is already at that end."""
    moved = _move_in(section.consultation.sections, section, direction)
    db.session.flush()
    return moved


def move_question(question: Question, direction: str) -> bool:
    """Move a question one place; past the end of its section it joins the next section."""
    section = question.section
    if _move_in(section.questions, question, direction):
        db.session.flush()
        return True
    sections = section.consultation.sections
    index = sections.index(section) + (-1 if direction == "up" else 1)
    if not 0 <= index < len(sections):
        return False
    neighbour = sections[index]
    # Between leaving one list and joining the other the question is an orphan; an autoflush
    # then would delete it.
    with db.session.no_autoflush:
        target = neighbour.questions
        section.questions.remove(question)
        section.questions.reorder()  # type: ignore[attr-defined]
        target.insert(len(target) if direction == "up" else 0, question)
        target.reorder()  # type: ignore[attr-defined]
    db.session.flush()
    return True


def _copy_question(question: Question) -> Question:
    copy = Question(
        kind=question.kind,
        label=question.label,
        help_text=question.help_text,
        required=question.required,
        max_length=question.max_length,
        allow_other=question.allow_other,
        scale_min_label=question.scale_min_label,
        scale_max_label=question.scale_max_label,
        number_min=question.number_min,
        number_max=question.number_max,
    )
    copy.options = [QuestionOption(label=option.label) for option in question.options]
    return copy


def duplicate_question(question: Question) -> Question:
    """A copy of the question, placed right after it."""
    copy = _copy_question(question)
    questions = question.section.questions
    questions.insert(questions.index(question) + 1, copy)
    questions.reorder()  # type: ignore[attr-defined]
    db.session.flush()
    return copy


def duplicate_section(section: Section) -> Section:
    """A copy of the section and its questions, placed right after it."""
    copy = Section(title=section.title, description=section.description)
    copy.questions = [_copy_question(question) for question in section.questions]
    sections = section.consultation.sections
    sections.insert(sections.index(section) + 1, copy)
    sections.reorder()  # type: ignore[attr-defined]
    db.session.flush()
    return copy


def _refuse_if_answered(consultation: Consultation, message: Any) -> None:
    if consultation.has_responses:
        raise BuilderError(message)


def delete_question(question: Question) -> None:
    """Delete a question; refused once anyone has answered the consultation."""
    _refuse_if_answered(
        question.section.consultation,
        _l("Questions cannot be deleted once organisations have started answering."),
    )
    section = question.section
    section.questions.remove(question)
    section.questions.reorder()  # type: ignore[attr-defined]
    db.session.flush()


def delete_section(section: Section) -> None:
    """Delete a section with its questions; refused once anyone has answered."""
    consultation = section.consultation
    if section.questions:
        _refuse_if_answered(
            consultation,
            _l(
                "Sections with questions cannot be deleted once organisations "
                "have started answering."
            ),
        )
    consultation.sections.remove(section)
    consultation.sections.reorder()  # type: ignore[attr-defined]
    db.session.flush()


@dataclass
class QuestionData:
    kind: QuestionKind
    label: str
    help_text: str
    required: bool
    options: list[str]
    allow_other: bool
    max_length: int | None
    scale_min_label: str
    scale_max_label: str
    number_min: int | None
    number_max: int | None


def _apply_question(question: Question, data: QuestionData) -> None:
    question.kind = data.kind.value
    question.label = data.label.strip()
    question.help_text = data.help_text or ""
    question.required = data.required
    question.allow_other = data.allow_other and data.kind.has_options
    texts = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
    question.max_length = data.max_length if data.kind in texts else None
    is_scale = data.kind == QuestionKind.SCALE
    question.scale_min_label = data.scale_min_label.strip() if is_scale else ""
    question.scale_max_label = data.scale_max_label.strip() if is_scale else ""
    is_number = data.kind == QuestionKind.NUMBER
    question.number_min = data.number_min if is_number else None
    question.number_max = data.number_max if is_number else None
    _set_options(question, data.options if data.kind.has_options else [])


def _set_options(question: Question, labels: list[str]) -> None:
    """Keep the rows of options whose text is unchanged, so answers given to them stay linked."""
    existing = {option.label: option for option in question.options}
    question.options = [existing.get(label) or QuestionOption(label=label) for label in labels]
    question.options.reorder()  # type: ignore[attr-defined]


def add_question(section: Section, data: QuestionData) -> Question:
    question = Question()
    _apply_question(question, data)
    section.questions.append(question)
    db.session.flush()
    return question


def update_question(question: Question, data: QuestionData) -> None:
    """Change a question; its kind is fixed once anyone has answered."""
    if data.kind.value != question.kind:
        _refuse_if_answered(
            question.section.consultation,
            _l("The kind of question cannot change once organisations have started answering."),
        )
    _apply_question(question, data)
    db.session.flush()
