"""The archive package: a consultation, once its results are published, as one ZIP that an
e-archive can take in (see docs/archive-package.md for the format).

It holds the consultation's description, every version of every answer as PDF/A and as JSON,
the files of every version, the published feedback, and ``manifest.json``: what each file is,
which answer and version it belongs to, its size and SHA-256. It is written while it is sent
(see ``records.packages``), so the manifest, which lists every other file, is the last entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import render_template

from kick_forms.board import exports
from kick_forms.board import services as board
from kick_forms.board.feedback import outcomes_of
from kick_forms.board.views import board_context
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Consultation, ConsultationStatus, Outcome, ResponseVersion
from kick_forms.records import documents, packages
from kick_forms.records.labels import record_language
from kick_forms.refusal import Refused
from kick_forms.urls import public_url_for

FORMAT_NAME = "kick-forms-archive-package"
FORMAT_VERSION = "1.0"
PRODUCER = "KICK Forms"
MANIFEST = "manifest.json"
PDF, JSON = "application/pdf", "application/json"


class ArchiveNotReady(Refused):
    """The results are not published yet, so the consultation is not ready for the archive."""


def archive_ready(consultation: Consultation) -> bool:
    """Whether the results are published: the summary, or the region's feedback."""
    return (
        consultation.status == ConsultationStatus.PUBLISHED
        or consultation.feedback_published_at is not None
    )


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def check_ready(consultation: Consultation) -> None:
    """Refuse the package until the consultation's results are published."""
    if not archive_ready(consultation):
        raise ArchiveNotReady(
            _l(
                "The archive package can be made once the results are published: publish "
                "the summary or the feedback first."
            )
        )


@dataclass
class _Package:
    """The manifest's list of what went into the package so far."""

    now: datetime
    files: list[dict[str, Any]] = field(default_factory=list)

    def entry(
        self, path: str, data: bytes, media_type: str, role: str, **about: Any
    ) -> packages.Entry:
        """A file for the ZIP, listed in the manifest with its checksum."""
        self.files.append(
            {
                "path": path,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "media_type": media_type,
                "role": role,
                **about,
            }
        )
        return packages.Entry(path, data, self.now)


def archive_package(consultation: Consultation, now: datetime) -> Iterator[bytes]:
    """The consultation as an archive package, written while it is sent; refused at once, before
    anything is written, until its results are published."""
    check_ready(consultation)
    return packages.zip_stream(_entries(consultation, now))


def _entries(consultation: Consultation, now: datetime) -> Iterator[packages.Entry]:
    package = _Package(now)
    yield from _description(package, consultation)
    versions = packages.incoming_versions(consultation)
    yield from _answers(package, versions)
    yield from _feedback(package, consultation)
    manifest = _manifest(consultation, now, package.files, versions)
    yield packages.Entry(MANIFEST, _json(manifest), now)


def _description(package: _Package, consultation: Consultation) -> Iterator[packages.Entry]:
    with record_language():
        html = render_template(
            "records/consultation.html", consultation=consultation, made_at=package.now
        )
    yield package.entry(
        "consultation/description.json",
        _json(description_json(consultation)),
        JSON,
        "consultation-description",
    )
    yield package.entry(
        "consultation/description.pdf",
        documents.draw_pdf(html),
        PDF,
        "consultation-description",
    )


def description_json(consultation: Consultation) -> dict[str, Any]:
    """The consultation's settings, sections and questions as data."""
    return {
        **_consultation_metadata(consultation),
        "intro_markdown": consultation.intro,
        "plan_period": {"start": consultation.plan_start_year, "end": consultation.plan_end_year},
        "culture_areas": [{"key": a.key, "name": a.name} for a in consultation.culture_areas],
        "code_level": consultation.code_level_key,
        "code_step": consultation.code_step_key,
        "board_visibility": consultation.board_visibility,
        "review_before_publishing": consultation.review_before_publishing,
        "sections": [
            {
                "number": section_number,
                "title": section.title,
                "description": section.description,
                "questions": [
                    {
                        "number": f"{section_number}.{question_number}",
                        "id": question.id,
                        "kind": question.kind,
                        "label": question.label,
                        "help_text": question.help_text,
                        "required": question.required,
                        "max_length": question.text_limit,
                        "options": [option.label for option in question.options],
                        "allow_other": question.allow_other,
                        "scale_min_label": question.scale_min_label or None,
                        "scale_max_label": question.scale_max_label or None,
                        "number_min": question.number_min,
                        "number_max": question.number_max,
                    }
                    for question_number, question in enumerate(section.questions, start=1)
                ],
            }
            for section_number, section in enumerate(consultation.sections, start=1)
        ],
    }


def _answers(package: _Package, versions: list[ResponseVersion]) -> Iterator[packages.Entry]:
    for response_versions in packages.by_answer(versions):
        response = response_versions[0].response
        folder = f"answers/{response.reference}"
        used: set[str] = set()
        paths: dict[int, str] = {}
        for attachment in packages.response_files(response_versions):
            name = exports.unique_name(exports.base_name(attachment.filename), used)
            paths[attachment.id] = f"{folder}/files/{name}"
            yield package.entry(
                paths[attachment.id],
                packages.file_data(attachment),
                attachment.content_type,
                "attachment",
                response=response.reference,
                versions=[
                    version.reference
                    for version in response_versions
                    if attachment in version.attachments
                ],
                original_filename=attachment.filename,
            )
        for version in response_versions:
            about = {"response": response.reference, "version": version.reference}
            yield package.entry(
                f"{folder}/{version.reference}.pdf",
                documents.answer_pdf(version),
                PDF,
                "answer",
                **about,
            )
            yield package.entry(
                f"{folder}/{version.reference}.json",
                _json(documents.answer_json(version, paths)),
                JSON,
                "answer",
                **about,
            )


def _feedback(package: _Package, consultation: Consultation) -> Iterator[packages.Entry]:
    """The feedback once published: as data, and the published summary with it as PDF/A."""
    if consultation.feedback_published_at is None:
        return
    outcomes = sorted(
        outcomes_of(consultation).values(),
        key=lambda outcome: (outcome.section.position, _question_position(outcome)),
    )
    yield package.entry(
        "feedback/feedback.json",
        _json(
            {
                "published_at": documents.iso_moment(consultation.feedback_published_at),
                "outcomes": [_outcome_json(outcome) for outcome in outcomes],
            }
        ),
        JSON,
        "feedback",
    )
    with record_language():
        summary = {**board_context(consultation, board.BoardFilter()), "live": False}
        html = render_template("board/print.html", pdf=True, **summary)
    yield package.entry("feedback/summary.pdf", documents.draw_pdf(html), PDF, "feedback")


def _question_position(outcome: Outcome) -> int:
    return -1 if outcome.question is None else outcome.question.position


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "section": outcome.section.title,
        "question": outcome.question.label if outcome.question else None,
        "question_id": outcome.question_id,
        "status": outcome.status,
        "explanation": outcome.explanation,
        "plan_url": outcome.plan_url,
    }


def _consultation_metadata(consultation: Consultation) -> dict[str, Any]:
    region = consultation.region
    return {
        "id": consultation.id,
        "title": consultation.title,
        "slug": consultation.slug,
        "region": {"code": region.code, "slug": region.slug, "name": region.name},
        "registry_number": consultation.registry_number,
        "status": consultation.status,
        "opens_at": documents.iso_moment(consultation.opens_at),
        "closes_at": documents.iso_moment(consultation.closes_at),
        "feedback_published_at": documents.iso_moment(consultation.feedback_published_at),
        "public_url": public_url_for(
            "regions.consultation_page",
            region_slug=region.slug,
            consultation_slug=consultation.slug,
        ),
    }


def _manifest(
    consultation: Consultation,
    now: datetime,
    files: list[dict[str, Any]],
    versions: list[ResponseVersion],
) -> dict[str, Any]:
    return {
        "format": {"name": FORMAT_NAME, "version": FORMAT_VERSION},
        "created_at": documents.iso_moment(now),
        "producer": PRODUCER,
        "consultation": _consultation_metadata(consultation),
        "answers": len({version.response_id for version in versions}),
        "incoming_documents": len(versions),
        "files": files,
    }
