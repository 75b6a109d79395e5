"""A consultation as a snapshot, and a new draft made from one: "Kopiera samråd" and the
templates regions start from (kick_forms.consultations.kick_templates).

A snapshot is plain JSON: settings, sections with their questions and options, documents (their
bytes in base64) and the plan's text. It carries nothing an organisation wrote (answers,
comments, outcomes, invitations, feedback) and nothing tied to one run of the consultation (its
dates, its registration number, its address). A question's condition points at an earlier
question and option by position, so the copy's condition points at the copy's own question.

The embed settings (allowed websites, colour and logo) belong to the region, not to a
consultation (kick_forms.models.embed), so a copy in the same region is framed and themed as
the original without copying anything.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import (
    CodeLevel,
    CodeStep,
    Consultation,
    ConsultationDocument,
    PlanChapter,
    PlanParagraph,
    Question,
    QuestionOption,
    Region,
    Section,
)
from kick_forms.models.consultation import TITLE_MAX

SNAPSHOT_FORMAT = 1

# Copied as they are; a condition and the options are mapped separately.
QUESTION_FIELDS = (
    "kind",
    "label",
    "help_text",
    "required",
    "max_length",
    "allow_other",
    "scale_min_label",
    "scale_max_label",
    "number_min",
    "number_max",
)


def snapshot(consultation: Consultation) -> dict[str, Any]:
    """The consultation as a copy or a template is made from it, without any answers."""
    questions = consultation.questions
    index = {question.id: number for number, question in enumerate(questions)}
    return {
        "format": SNAPSHOT_FORMAT,
        "settings": {
            "title": consultation.title,
            "intro": consultation.intro,
            "plan_start_year": consultation.plan_start_year,
            "plan_end_year": consultation.plan_end_year,
            "culture_area_keys": [area.key for area in consultation.culture_areas],
            "code_level_key": consultation.code_level_key,
            "code_step_key": consultation.code_step_key,
            "board_visibility": consultation.board_visibility,
            "board_live": consultation.board_live,
            "review_before_publishing": consultation.review_before_publishing,
            "registrar_email": consultation.registrar_email,
        },
        "sections": [
            {
                "title": section.title,
                "description": section.description,
                "questions": [_question(question, index) for question in section.questions],
            }
            for section in consultation.sections
        ],
        "documents": [
            {
                "title": document.title,
                "filename": document.filename,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
                "data": base64.b64encode(document.data).decode("ascii"),
            }
            for document in consultation.documents
        ],
        "chapters": [
            {
                "title": chapter.title,
                "paragraphs": [
                    {"kind": paragraph.kind, "number": paragraph.number, "text": paragraph.text}
                    for paragraph in chapter.paragraphs
                ],
            }
            for chapter in consultation.chapters
        ],
    }


def _question(question: Question, index: dict[int, int]) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(question, name) for name in QUESTION_FIELDS}
    data["options"] = [option.label for option in question.options]
    data["shown_if"] = _condition(question, index)
    return data


def _condition(question: Question, index: dict[int, int]) -> dict[str, Any] | None:
    """The condition by position: the nth question of the consultation, its mth option."""
    source = question.shown_if_question
    if source is None or source.id not in index:
        return None
    option = None
    if question.shown_if_option_id is not None:
        ids = [each.id for each in source.options]
        if question.shown_if_option_id not in ids:
            return None  # the option is gone: the question is shown always, as in the original
        option = ids.index(question.shown_if_option_id)
    return {"question": index[source.id], "option": option, "value": question.shown_if_value}


def create_from(region: Region, data: dict[str, Any], title: str) -> Consultation:
    """A new draft in the region made from a snapshot, with a fresh address of its own."""
    settings = data.get("settings", {})
    consultation = builder.create_consultation(
        region,
        builder.Settings(
            title=title.strip()[:TITLE_MAX],
            slug=None,
            intro=settings.get("intro") or "",
            plan_start_year=settings.get("plan_start_year"),
            plan_end_year=settings.get("plan_end_year"),
            culture_area_keys=list(settings.get("culture_area_keys") or []),
            opens_at_local=None,
            closes_at_local=None,
            code_level_key=_known(CodeLevel, settings.get("code_level_key")),
            code_step_key=_known(CodeStep, settings.get("code_step_key")),
            board_visibility=settings.get("board_visibility") or "when_published",
            board_live=bool(settings.get("board_live")),
            review_before_publishing=bool(settings.get("review_before_publishing")),
            registrar_email=settings.get("registrar_email"),
        ),
    )
    made: list[tuple[Question, dict[str, Any]]] = []
    for section_data in data.get("sections", []):
        section = Section(
            title=section_data["title"], description=section_data.get("description") or ""
        )
        for question_data in section_data.get("questions", []):
            question = Question(
                **{name: question_data.get(name) for name in QUESTION_FIELDS},
            )
            question.help_text = question.help_text or ""
            question.required = bool(question.required)
            question.allow_other = bool(question.allow_other)
            question.scale_min_label = question.scale_min_label or ""
            question.scale_max_label = question.scale_max_label or ""
            question.options = [
                QuestionOption(label=label) for label in question_data.get("options", [])
            ]
            section.questions.append(question)
            made.append((question, question_data))
        consultation.sections.append(section)
    for document in data.get("documents", []):
        consultation.documents.append(
            ConsultationDocument(
                title=document["title"],
                filename=document["filename"],
                content_type=document["content_type"],
                size=document["size"],
                sha256=document["sha256"],
                data=base64.b64decode(document["data"]),
            )
        )
    for chapter_data in data.get("chapters", []):
        chapter = PlanChapter(title=chapter_data["title"])
        chapter.paragraphs = [
            PlanParagraph(kind=each["kind"], number=each.get("number"), text=each["text"])
            for each in chapter_data.get("paragraphs", [])
        ]
        consultation.chapters.append(chapter)
    db.session.flush()
    _link_conditions(made)
    db.session.flush()
    return consultation


def _link_conditions(made: list[tuple[Question, dict[str, Any]]]) -> None:
    """Point each condition at the new question and option in the same places; a condition
    on a later question or a missing one is dropped, so the question is shown always."""
    for number, (question, data) in enumerate(made):
        condition = data.get("shown_if")
        if not condition:
            continue
        source_number = condition.get("question")
        if not isinstance(source_number, int) or not 0 <= source_number < number:
            continue
        source = made[source_number][0]
        option = condition.get("option")
        if option is not None:
            if not isinstance(option, int) or not 0 <= option < len(source.options):
                continue
            question.shown_if_option_id = source.options[option].id
        question.shown_if_question_id = source.id
        question.shown_if_value = condition.get("value")


def _known(model: type, key: str | None) -> str | None:
    """The key if the reference row exists here, so a template never names a missing one."""
    if not key:
        return None
    return key if db.session.scalar(select(model.key).filter_by(key=key)) else None


def copy_title(title: str) -> str:
    """The title a copy gets unless staff choose another: "Kopia av …"."""
    return _("Copy of %(title)s", title=title)[:TITLE_MAX]
