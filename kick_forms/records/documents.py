"""One incoming document: a submitted version of an answer, as the region's records keep it.

The record holds what the organisation sent: who sent it as they were then (the version's
sender, see ``records.sender``), the original texts (never the redacted text the public sees),
every answer in words, blank ones said to be blank, and the files with their checksums. It is
the region's, not public, so it names the contact person, except for staff whose role does not
show contact persons. It is written in the installation's first language whoever makes it, and
drawn as PDF/A (fonts embedded) so that an e-archive can keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kick_forms import pdf
from kick_forms.consultations import conditions
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import (
    Answer,
    Attachment,
    Consultation,
    Question,
    QuestionKind,
    Response,
    ResponseVersion,
    Section,
)
from kick_forms.records.labels import channel_label, record_language
from kick_forms.records.sender import Sender, sender_of
from kick_forms.records.services import answer_title
from kick_forms.responses.answers import TypedAnswer, typed_from
from kick_forms.timeutil import utcnow

# PDF/A-2: fonts embedded, colours defined, XMP metadata; accepted by Swedish e-archives.
PDF_VARIANT = "pdf/a-2b"


@dataclass(frozen=True)
class RecordedAnswer:
    number: str  # as the form shows it, e.g. "2.3"
    question: Question
    typed: TypedAnswer
    words: str | None  # the answer as a reader says it; None when left blank


@dataclass(frozen=True)
class RecordedSection:
    number: int
    section: Section
    answers: list[RecordedAnswer]


@dataclass(frozen=True)
class AnswerRecord:
    """Everything one incoming document says, ready for its PDF and its JSON."""

    consultation: Consultation
    response: Response
    version: ResponseVersion
    sender: Sender
    title: str
    channel: str
    sections: list[RecordedSection]
    attachments: list[Attachment]
    with_contact: bool

    @property
    def versions(self) -> int:
        return len(self.response.versions)


def in_words(question: Question, typed: TypedAnswer) -> str | None:
    """An answer as a reader says it: options by their labels, a scale point with its label."""
    if typed.is_empty:
        return None
    kind = QuestionKind(question.kind)
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER):
        return typed.text
    if kind.has_options:
        labels = [option.label for option in question.options if option.id in typed.option_ids]
        if typed.other_text is not None:
            labels.append(f"{_('Other:')} {typed.other_text}")
        return ", ".join(labels)
    if kind == QuestionKind.SCALE:
        words = f"{typed.choice} {_('of 5')}"
        end = {"1": question.scale_min_label, "5": question.scale_max_label}.get(typed.choice or "")
        return f"{words} ({end})" if end else words
    yes_no = {"yes": _("Yes"), "no": _("No"), "dont_know": _("Don't know")}
    return yes_no.get(typed.choice or "", typed.choice)


def answer_record(version: ResponseVersion, with_contact: bool = True) -> AnswerRecord:
    """What one version says, question by question in form order; call in ``record_language``."""
    response = version.response
    consultation = response.consultation
    rows = db.session.scalars(
        select(Answer).where(Answer.version_id == version.id).options(selectinload(Answer.options))
    )
    stored = {answer.question_id: answer for answer in rows}
    typed = {question_id: typed_from(answer) for question_id, answer in stored.items()}
    shown = conditions.shown_for(consultation, stored)
    sections = []
    for section_number, section in enumerate(consultation.sections, start=1):
        answers = []
        for question_number, question in enumerate(section.questions, start=1):
            if question.id not in shown:
                continue
            given = typed.get(question.id, TypedAnswer())
            answers.append(
                RecordedAnswer(
                    f"{section_number}.{question_number}",
                    question,
                    given,
                    in_words(question, given),
                )
            )
        sections.append(RecordedSection(section_number, section, answers))
    sender = sender_of(version)
    return AnswerRecord(
        consultation=consultation,
        response=response,
        version=version,
        sender=sender,
        title=answer_title(sender.organisation_name, consultation.title),
        channel=channel_label(response.channel),
        sections=sections,
        attachments=list(version.attachments),
        with_contact=with_contact,
    )


def draw_pdf(html: str) -> bytes:
    """A records document as PDF/A; its HTML fetches nothing, so a worker can draw it too."""
    return pdf.app_pdf(html, variant=PDF_VARIANT)


def answer_pdf(version: ResponseVersion, with_contact: bool = True) -> bytes:
    """One incoming document as PDF/A: "Answer from … to …", the answers and the files."""
    with record_language():
        record = answer_record(version, with_contact)
        html = render_template("records/answer.html", record=record, made_at=utcnow())
    return draw_pdf(html)


def pdf_name(version: ResponseVersion) -> str:
    return f"{version.reference}.pdf"


def answer_pdf_attachment(reference: str) -> tuple[str, str, bytes] | None:
    """The outbox's "answer-pdf" file: the version with this id as PDF, or None if it is gone."""
    version = db.session.get(ResponseVersion, int(reference)) if reference.isdigit() else None
    if version is None:
        return None
    return pdf_name(version), "application/pdf", answer_pdf(version)


def iso_moment(moment: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC, which every archive reads without a time zone guess."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def answer_json(version: ResponseVersion, files: dict[int, str]) -> dict[str, Any]:
    """One incoming document as data, for the archive package; ``files`` gives each attached
    file's path in the package."""
    with record_language():
        record = answer_record(version)
    response, sender = record.response, record.sender
    contact = sender.contact
    return {
        "reference": version.reference,
        "response_reference": response.reference,
        "version": version.number,
        "versions": record.versions,
        "title": record.title,
        "arrived_at": iso_moment(version.arrived_at),
        "submitted_at": iso_moment(version.submitted_at),
        "received_at": iso_moment(version.received_at),
        "channel": response.channel,
        "status": response.status,
        "withdrawn_at": iso_moment(response.withdrawn_at),
        "organisation": {
            "name": sender.organisation_name,
            "organisation_number": sender.organisation_number,
            "municipality": (
                {"code": sender.municipality_code, "name": sender.municipality_name}
                if sender.municipality_code
                else None
            ),
            "kinds": [{"key": kind.key, "name": kind.name} for kind in sender.kinds],
            "may_publish_name": sender.may_publish_name,
        },
        "contact_person": (
            {"name": contact.name, "email": contact.email} if contact is not None else None
        ),
        "sections": [
            {
                "number": recorded.number,
                "title": recorded.section.title,
                "answers": [
                    {
                        "number": answer.number,
                        "question_id": answer.question.id,
                        "question": answer.question.label,
                        "kind": answer.question.kind,
                        "answered": answer.words is not None,
                        "text": answer.typed.text,
                        "choice": answer.typed.choice,
                        "options": [
                            option.label
                            for option in answer.question.options
                            if option.id in answer.typed.option_ids
                        ],
                        "other": answer.typed.other_text,
                        "in_words": answer.words,
                    }
                    for answer in recorded.answers
                ],
            }
            for recorded in record.sections
        ],
        "attachments": [
            {
                "path": files.get(attachment.id),
                "filename": attachment.filename,
                "media_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in record.attachments
        ],
    }
