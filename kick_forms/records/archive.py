"""The archive package: a consultation, once its results are published, as one ZIP that an
e-archive can take in (see docs/archive-package.md for the format).

It holds the consultation's description, every version of every answer as PDF/A and as JSON,
the files of every version, the published feedback, and ``manifest.json``: what each file is,
which answer and version it belongs to, its size and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l

from kick_forms.board import exports
from kick_forms.board import services as board
from kick_forms.board.feedback import outcomes_of
from kick_forms.board.views import board_context
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


@dataclass
class _Package:
    """The ZIP being written and the manifest's list of what went in."""

    archive: Any
    now: datetime
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(self, path: str, data: bytes, media_type: str, role: str, **about: Any) -> None:
        packages.add_file(self.archive, path, data, self.now)
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


def archive_package(consultation: Consultation, now: datetime) -> bytes:
    """The consultation as an archive package; refused until its results are published."""
    if not archive_ready(consultation):
        raise ArchiveNotReady(
            _l(
                "The archive package can be made once the results are published: publish "
                "the summary or the feedback first."
            )
        )
    versions = packages.incoming_versions(consultation)
    with packages.zip_file() as (archive, buffer):
        package = _Package(archive, now)
        _add_description(package, consultation)
        _add_answers(package, versions)
        _add_feedback(package, consultation)
        manifest = _manifest(consultation, now, package.files, versions)
        packages.add_file(archive, MANIFEST, _json(manifest), now)
    return buffer.getvalue()


def _add_description(package: _Package, consultation: Consultation) -> None:
    with record_language():
        html = render_template(
            "records/consultation.html", consultation=consultation, made_at=package.now
        )
    package.add(
        "consultation/description.json",
        _json(description_json(consultation)),
        JSON,
        "consultation-description",
    )
    package.add(
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


def _add_answers(package: _Package, versions: list[ResponseVersion]) -> None:
    by_response: dict[int, list[ResponseVersion]] = {}
    for version in versions:
        by_response.setdefault(version.response_id, []).append(version)
    for response_versions in by_response.values():
        response = response_versions[0].response
        folder = f"answers/{response.reference}"
        used: set[str] = set()
        paths: dict[int, str] = {}
        for attachment in packages.response_files(response_versions):
            name = exports.unique_name(exports.base_name(attachment.filename), used)
            paths[attachment.id] = f"{folder}/files/{name}"
            package.add(
                paths[attachment.id],
                attachment.data,
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
        for version in sorted(response_versions, key=lambda v: v.number):
            about = {"response": response.reference, "version": version.reference}
            package.add(
                f"{folder}/{version.reference}.pdf",
                documents.answer_pdf(version),
                PDF,
                "answer",
                **about,
            )
            package.add(
                f"{folder}/{version.reference}.json",
                _json(documents.answer_json(version, paths)),
                JSON,
                "answer",
                **about,
            )


def _add_feedback(package: _Package, consultation: Consultation) -> None:
    """The feedback once published: as data, and the published summary with it as PDF/A."""
    if consultation.feedback_published_at is None:
        return
    outcomes = sorted(
        outcomes_of(consultation).values(),
        key=lambda outcome: (outcome.section.position, _question_position(outcome)),
    )
    package.add(
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
    package.add("feedback/summary.pdf", documents.draw_pdf(html), PDF, "feedback")


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
