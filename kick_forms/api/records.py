"""How each resource looks in JSON: counts, keys and public texts, never personal data.

Free-text answers and attached statements are left out on purpose: they may name people,
whether an organisation agreed to be named is a question for the board's own page, not for bulk
downloads, and a region may hold texts back for review (``review.rules``). The counts include
every answer, shown on the board or not, exactly as the board's figures do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kick_forms.api import feedback
from kick_forms.board import charts
from kick_forms.board import services as board
from kick_forms.consultations.structure import load_structure
from kick_forms.models import Consultation, Outcome, QuestionKind, Region
from kick_forms.urls import public_url_for


def iso_utc(moment: datetime | None) -> str | None:
    """A stored naive-UTC time as ISO 8601 with its offset, so no client has to guess the zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds")


def region_record(region: Region) -> dict[str, Any]:
    """A region with links to its public page and to its consultations in this API."""
    return {
        "code": region.code,
        "slug": region.slug,
        "name": region.name,
        "county": region.county,
        "in_cultural_cooperation_model": region.in_cultural_cooperation_model,
        "url": public_url_for("regions.region_page", region_slug=region.slug),
        "consultations_url": public_url_for("api.consultations", region=region.slug),
    }


def consultation_record(consultation: Consultation, now: datetime) -> dict[str, Any]:
    """A public consultation; the board links only while the region lets the public see it."""
    public_board = consultation.board_is_public(now)
    slugs = {"region_slug": consultation.region.slug, "consultation_slug": consultation.slug}
    return {
        "id": consultation.id,
        "region": consultation.region.slug,
        "slug": consultation.slug,
        "title": consultation.title,
        "registry_number": consultation.registry_number,
        "status": consultation.status,
        "opens_at": iso_utc(consultation.opens_at),
        "closes_at": iso_utc(consultation.closes_at),
        "plan_period": {
            "start_year": consultation.plan_start_year,
            "end_year": consultation.plan_end_year,
        },
        "culture_areas": [area.key for area in consultation.culture_areas],
        "code_level": consultation.code_level_key,
        "code_step": consultation.code_step_key,
        "url": public_url_for("regions.consultation_page", **slugs),
        "board_url": public_url_for("board.board_page", **slugs) if public_board else None,
        "summary_url": (
            public_url_for("api.summary", consultation_id=consultation.id) if public_board else None
        ),
    }


def summary_record(
    consultation: Consultation, chosen: board.BoardFilter, now: datetime
) -> dict[str, Any]:
    """The board's figures, counted by the board's own services so both always agree."""
    load_structure(consultation)
    cell = board.cell_counts(consultation, chosen)
    municipalities = board.by_municipality(consultation, chosen)
    totals = board.totals(consultation, chosen, cell, municipalities)
    outcomes = feedback.published_outcomes(consultation)
    return {
        "consultation": consultation_record(consultation, now),
        "filter": {
            "category": chosen.category or None,
            "municipality": chosen.municipality or None,
        },
        "totals": {
            "responses": totals.responses,
            "organisations": totals.organisations,
            "municipalities": totals.municipalities,
            "categories": totals.categories,
        },
        "by_category": [
            {"key": c.key, "name_sv": c.name_sv, "name_en": c.name_en, "count": count}
            for c, count in board.by_category(consultation, chosen)
        ],
        "by_municipality": [
            {"code": m.code, "name": m.name, "count": count} for m, count in municipalities
        ],
        "feedback_published_at": iso_utc(consultation.feedback_published_at),
        "sections": feedback.section_records(consultation, outcomes),
        "questions": [
            question_record(
                board.summarise(question, consultation, chosen, cell, texts=False),
                outcomes.get((question.section_id, question.id)),
            )
            for question in consultation.questions
        ],
    }


def question_record(
    summary: board.QuestionSummary, outcome: Outcome | None = None
) -> dict[str, Any]:
    """One question's counts, with the fields that fit its kind and never its free texts, and
    the region's published feedback on it."""
    question = summary.question
    record: dict[str, Any] = {
        "id": question.id,
        "section": question.section.title,
        "label": question.label,
        "kind": question.kind,
        "answered": summary.answered,
        "feedback": feedback.outcome_record(outcome),
    }
    kind = question.question_kind
    if kind.has_options or kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
        record["bars"] = [
            {"key": bar.key, "label": charts.bar_label(question, bar), "count": bar.count}
            for bar in summary.bars
        ]
    if kind.has_options:
        record["other_count"] = summary.other_count
    if kind == QuestionKind.NUMBER:
        record.update(median=summary.median, min=summary.minimum, max=summary.maximum)
    return record
