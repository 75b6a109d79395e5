"""Staff pages on the plan's text: the comments per paragraph, as a page and a CSV file, and the
region's feedback on each chapter, beside the feedback on sections and questions
(``feedback_views``) on the same page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from kick_forms import htmx
from kick_forms.board import comment_exports, exports, feedback, plan_comments
from kick_forms.board.export_views import _record_export, download
from kick_forms.board.feedback_views import OutcomeForm
from kick_forms.board.feedback_views import _context as feedback_context
from kick_forms.consultations import bp
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation, PlanChapter, Role
from kick_forms.responses import comments as commenting

RULE = "/r/<region_slug>/c/<int:consultation_id>"


@bp.app_template_global()
def has_plan_text(consultation: Consultation) -> bool:
    """Whether the consultation has a plan's text to comment on: for the staff's links."""
    return commenting.has_plan(consultation)


@bp.route(f"{RULE}/plan-comments")
def plan_comments_page(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    return render_template(
        "board/plan_comments_staff.html",
        region=region,
        consultation=consultation,
        chapters=commenting.plan_of(consultation),
        comments=comment_exports.by_paragraph(consultation),
        labels=comment_exports.STATE_LABELS,
    )


@bp.route(f"{RULE}/comments.csv")
def export_comments_csv(region_slug: str, consultation_id: int):
    consultation = region_consultation(staff_region(region_slug), consultation_id)
    data = exports.to_csv(comment_exports.comment_table(consultation))
    _record_export(consultation, "comments.csv")
    return download(data, "text/csv", exports.download_name(consultation, _("Comments"), "csv"))


@bp.app_template_global()
def chapter_feedback_of(consultation: Consultation) -> list[tuple[PlanChapter, Any, OutcomeForm]]:
    """Each chapter of the plan's text with its feedback and a form, for the feedback page."""
    outcomes = plan_comments.chapter_outcomes(consultation)
    chapters = db.session.scalars(
        select(PlanChapter)
        .filter_by(consultation_id=consultation.id)
        .order_by(PlanChapter.position)
    )
    return [
        (chapter, outcomes.get(chapter.id), _form(chapter, outcomes.get(chapter.id)))
        for chapter in chapters
    ]


def _form(chapter: PlanChapter, outcome, formdata: bool = False) -> OutcomeForm:  # type: ignore[no-untyped-def]
    if formdata:
        return OutcomeForm(prefix=f"c{chapter.id}")
    return OutcomeForm(prefix=f"c{chapter.id}", formdata=None, obj=outcome)


@bp.route(f"{RULE}/feedback/chapters/<int:chapter_id>", methods=["POST"])
def chapter_feedback_save(region_slug: str, consultation_id: int, chapter_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    chapter = db.session.scalars(
        select(PlanChapter).filter_by(id=chapter_id, consultation_id=consultation.id)
    ).one_or_none()
    if chapter is None:
        abort(404)
    form = _form(chapter, None, formdata=True)
    saved = form.validate_on_submit()
    if saved:
        plan_comments.save_chapter_outcome(
            consultation,
            chapter,
            feedback.OutcomeData.from_form(form),
        )
        db.session.commit()
        if not htmx.htmx_request().is_htmx:
            flash(_("The feedback was saved."), "success")
            return redirect(
                url_for(
                    ".feedback_page",
                    region_slug=region.slug,
                    consultation_id=consultation.id,
                    _anchor=f"outcome-c{chapter.id}",
                ),
                code=303,
            )
    outcome = plan_comments.chapter_outcomes(consultation).get(chapter.id)
    return htmx.render(
        "board/feedback.html",
        "board/_chapter_outcome_form.html",
        status=200 if saved else 422,
        **feedback_context(region, consultation),
        chapter=chapter,
        outcome=outcome,
        form=_form(chapter, outcome) if saved else form,
        saved=saved,
        failed=None if saved else (chapter.id, form),
    )
