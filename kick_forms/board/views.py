"""The public summary board of a consultation."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from kick_forms import htmx, page_cache

# The staff pages for feedback live on the staff blueprint; importing registers them.
from kick_forms.board import bp, charts, feedback, maps, plan_comments, reach
from kick_forms.board import services as board
from kick_forms.consultations.structure import load_structure
from kick_forms.dialogue import checklist, meetings, quality
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.method.matrix import matrix_view
from kick_forms.models import (
    Attachment,
    Consultation,
    Municipality,
    OrganisationCategory,
    PlanChapter,
    Region,
)
from kick_forms.regions.services import PUBLIC_STATUSES
from kick_forms.responses.views import send_attachment
from kick_forms.timeutil import utcnow


def _visible_consultation(region_slug: str, consultation_slug: str) -> Consultation:
    """The consultation with what its board shows, if this visitor may see the board; 404
    otherwise."""
    return _load_board(_board_consultation(region_slug, consultation_slug))


_CONSULTATION_AT = (
    select(Consultation)
    .join(Consultation.region)
    .where(Region.slug == bindparam("region_slug"), Consultation.slug == bindparam("slug"))
    .options(contains_eager(Consultation.region))
)


def _board_consultation(region_slug: str, consultation_slug: str) -> Consultation:
    """The consultation and its region in one statement, if this visitor may see its board;
    404 otherwise."""
    consultation = db.session.scalars(
        _CONSULTATION_AT, {"region_slug": region_slug, "slug": consultation_slug}
    ).one_or_none()
    if consultation is None:
        abort(404)
    staff = current_user.is_authenticated and current_user.can_view(consultation.region)
    if not staff and (
        consultation.status not in PUBLIC_STATUSES or not consultation.board_is_public(utcnow())
    ):
        abort(404)
    return consultation


def _load_board(consultation: Consultation) -> Consultation:
    """Load the questions and the plan's chapters with their paragraphs, which the board shows."""
    load_structure(consultation)
    if "chapters" not in inspect(consultation).unloaded:
        return consultation
    chapters = db.session.scalars(
        select(PlanChapter)
        .filter_by(consultation_id=consultation.id)
        .order_by(PlanChapter.position)
        .options(selectinload(PlanChapter.paragraphs))
    ).all()
    set_committed_value(consultation, "chapters", list(chapters))
    return consultation


def _filter() -> board.BoardFilter:
    return board.BoardFilter(
        category=request.args.get("category", "")[:40],
        municipality=request.args.get("municipality", "")[:4],
    )


def board_context(consultation: Consultation, chosen: board.BoardFilter) -> dict[str, Any]:
    """Everything the board shows for this filter; the print view and the PDF use it too."""
    now = utcnow()
    staff = current_user.is_authenticated and current_user.can_view(consultation.region)
    feedback_published = consultation.feedback_published_at is not None
    cell = board.cell_counts(consultation, chosen)
    municipalities = board.by_municipality(consultation, chosen)
    totals = board.totals(consultation, chosen, cell, municipalities)
    categories = board.by_category(consultation, chosen)
    summaries = {
        question.id: board.summarise(question, consultation, chosen, cell)
        for question in consultation.questions
    }
    outcomes = feedback.outcomes_of(consultation) if feedback_published or staff else {}
    return {
        "consultation": consultation,
        "region": consultation.region,
        "chosen": chosen,
        "now": now,
        "public": consultation.board_is_public(now),
        "live": consultation.board_live and consultation.accepts_answers(now),
        "totals": totals,
        "categories": categories,
        "municipalities": municipalities,
        "summaries": summaries,
        "charts": {
            question_id: charts.question_chart(summary)
            for question_id, summary in summaries.items()
        },
        "category_chart": charts.bar_chart(
            "breakdown-category",
            _("Responses by kind of organisation"),
            [(category.name, count) for category, count in categories],
            totals.responses,
        ),
        "municipality_chart": charts.bar_chart(
            "breakdown-municipality",
            _("Responses by municipality"),
            [(municipality.name, count) for municipality, count in municipalities],
            totals.responses,
        ),
        "municipality_map": maps.municipality_map(
            "map-municipality",
            _("Responses by municipality on the map"),
            _municipalities_of(consultation.region_id),
            {municipality.code: count for municipality, count in municipalities},
        ),
        "attachments": board.public_attachments(consultation, chosen),
        "attachments_withheld": board.withheld_attachments(consultation, chosen),
        "plan": plan_comments.summary(consultation, chosen, feedback_published or staff),
        "outcomes": outcomes,
        "feedback_list": feedback.in_order(consultation, outcomes),
        "outcome_labels": feedback.OUTCOME_LABELS,
        "feedback_published": feedback_published,
        "reach": reach.of_consultation(consultation),
        **_method_context(consultation),
        "names": _names(),
    }


def _method_context(consultation: Consultation) -> dict[str, Any]:
    """The KICK method's checklist once the results are published, and the dialogue's quality."""
    public = checklist.is_public(consultation)
    return {
        "method_public": public,
        "method_phases": checklist.PHASES,
        "method_ticks": set(checklist.ticks(consultation)) if public else set(),
        "method_progress": checklist.progress_of([consultation.id])[consultation.id],
        "method_meetings": meetings.meetings_of(consultation) if public else [],
        "quality": quality.results(consultation),
        "quality_questions": quality.QUESTIONS,
        "quality_min_n": quality.min_n(),
    }


def _municipalities_of(region_id: int) -> list[tuple[str, str]]:
    """The region's municipalities, (code, name), for its map."""
    query = select(Municipality.code, Municipality.name).filter_by(region_id=region_id)
    return list(db.session.execute(query).tuples())


def _names() -> dict[str | None, str]:
    """Kinds of organisation and municipalities by key, for the reach tables."""
    names: dict[str | None, str] = {
        category.key: category.name for category in db.session.scalars(select(OrganisationCategory))
    }
    names.update(Municipality.names())
    return names


@bp.app_template_global()
def draw_municipality_map(
    id: str, title: str, municipalities: list[Municipality], figures: dict[str | None, int]
) -> maps.AreaMap | None:
    """A map of these municipalities shaded by their figures: for the register's mapping report,
    whose package counts the figures and leaves the drawing to the board's."""
    return maps.municipality_map(
        id,
        title,
        [(m.code, m.name) for m in municipalities],
        {k: n for k, n in figures.items() if k},
    )


@bp.route("/r/<region_slug>/c/<consultation_slug>/board")
def board_page(region_slug: str, consultation_slug: str):
    page_cache.start()
    consultation = _board_consultation(region_slug, consultation_slug)
    template = htmx.template_for("board/board.html", "board/_results.html")

    def render() -> str:
        _load_board(consultation)
        return render_template(
            template,
            **board_context(consultation, _filter()),
            all_categories=db.session.scalars(
                select(OrganisationCategory).order_by(OrganisationCategory.position)
            ).all(),
            region_municipalities=db.session.scalars(
                select(Municipality)
                .filter_by(region_id=consultation.region_id)
                .order_by(Municipality.name)
            ).all(),
        )

    return htmx.respond(page_cache.page(render, consultation.clock_state(utcnow())))


@bp.route("/r/<region_slug>/c/<consultation_slug>/board/files/<int:attachment_id>")
def board_attachment(region_slug: str, consultation_slug: str, attachment_id: int):
    """A statement the board lists; any other file (hidden, unreviewed, unnamed) is not found."""
    consultation = _visible_consultation(region_slug, consultation_slug)
    published = {
        attachment.id
        for attachment, _ in board.public_attachments(consultation, board.BoardFilter())
    }
    if attachment_id not in published:
        abort(404)
    return send_attachment(db.session.get_one(Attachment, attachment_id))


@bp.route("/board")
def overview():
    """KICK's overview: every region side by side, and the years."""
    regions = list(db.session.scalars(select(Region).order_by(Region.name)))
    reach_by_region, reach_in_all = reach.overview()
    return htmx.render(
        "board/overview.html",
        reach_by_region=reach_by_region,
        quality_by_region=quality.by_region(),
        quality_by_year=quality.by_year(),
        quality_min_n=quality.min_n(),
        reach=reach_in_all,
        names=_names(),
        regions=regions,
        figures=board.overview_by_region(),
        years=board.overview_by_year(),
        empty=board.RegionFigures(0),
        matrix=matrix_view(None, request.args),
        regions_map=maps.region_map(
            "map-regions",
            _("Share of the register reached, by region"),
            _regions_by_reach(regions, reach_by_region),
        ),
    )


def _regions_by_reach(
    regions: list[Region], reach_by_region: dict[int, tuple[int, int]]
) -> list[tuple[str, str, str, int]]:
    """Each region with its county code and the share of its register that answered, in %."""
    return [
        (
            region.slug,
            region.name,
            region.code,
            round(answered / registered * 100) if registered else 0,
        )
        for region in regions
        for registered, answered in [reach_by_region.get(region.id, (0, 0))]
    ]
