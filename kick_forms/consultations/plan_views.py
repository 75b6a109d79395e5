"""The staff pages for the draft plan's text: paste or import it, check the preview, replace
or delete it while the consultation is a draft."""

from __future__ import annotations

import hashlib

from flask import abort, current_app, flash, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from kick_forms import audit, htmx
from kick_forms.consultations import bp, plan_text
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.consultations.plan_forms import PlanTextForm
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.i18n import ngettext
from kick_forms.models import Consultation, ConsultationStatus, Region, Role


def fingerprint(chapters: list[plan_text.Chapter]) -> str:
    """What a preview showed, so that replacing stores exactly that and nothing else."""
    return hashlib.sha256(plan_text.to_markdown(chapters).encode()).hexdigest()


def _page(region: Region, consultation: Consultation, form: PlanTextForm, status: int = 200,
          **extra):  # type: ignore[no-untyped-def]  # fmt: skip
    if status == 422:
        db.session.rollback()
    stored = plan_text.chapters_of(consultation)
    return render_template(
        "consultations/plan.html",
        region=region,
        consultation=consultation,
        form=form,
        stored=stored,
        stored_counts=plan_text.counts(stored),
        can_edit=current_user.can_edit(region),
        is_draft=consultation.status == ConsultationStatus.DRAFT,
        list_items=plan_text.list_items,
        **extra,
    ), status


def _read_upload(upload: FileStorage) -> list[plan_text.Chapter]:
    max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        size = f"{max_bytes / 1_000_000:g}".replace(".", ",")
        raise plan_text.PlanTextError(_l("The file is larger than %(size)s MB.", size=size))
    return plan_text.parse_document(data)


@bp.route("/r/<region_slug>/c/<int:consultation_id>/plan", methods=["GET", "POST"])
def plan_text_page(region_slug: str, consultation_id: int):
    writing = request.method == "POST"
    region = staff_region(region_slug, Role.EDITOR if writing else Role.VIEWER)
    consultation = region_consultation(region, consultation_id)
    form = PlanTextForm()
    if not writing:
        form.source.data = plan_text.to_markdown(plan_text.chapters_of(consultation))
        return _page(region, consultation, form)
    if not form.validate_on_submit():
        abort(400)
    try:
        plan_text.require_draft(consultation)
    except plan_text.PlanFrozen as refused:
        return _page(region, consultation, form, 409, frozen_message=refused.message)
    upload = request.files.get(form.document.name)
    from_file = upload is not None and bool(upload.filename)
    try:
        if from_file:
            chapters = _read_upload(upload)
            form.source.data = plan_text.to_markdown(chapters)
        else:
            chapters = plan_text.parse_markdown(form.source.data or "")
    except plan_text.PlanTextError as refused:
        (form.document if from_file else form.source).errors.append(refused.message)
        return _page(region, consultation, form, 422)
    wants_replace = request.form.get("action") == "replace" and not from_file
    if wants_replace and form.previewed.data == fingerprint(chapters):
        plan_text.replace(consultation, chapters)
        chapter_count, paragraph_count = plan_text.counts(chapters)
        audit.record(
            "plan.replace",
            f"consultation:{consultation.id}",
            region,
            f"chapters={chapter_count} paragraphs={paragraph_count}",
        )
        db.session.commit()
        flash(
            _("The plan's text was saved: %(chapters)s and %(paragraphs)s.",
              chapters=_chapters(chapter_count), paragraphs=_paragraphs(paragraph_count)),
            "success",
        )  # fmt: skip
        return htmx.redirect(
            url_for(".plan_text_page", region_slug=region.slug, consultation_id=consultation.id)
        )
    form.previewed.data = fingerprint(chapters)
    return _page(
        region,
        consultation,
        form,
        preview=True,
        preview_rows=plan_text.rows(chapters),
        preview_counts=plan_text.counts(chapters),
        changed_since_preview=wants_replace,
    )


def _chapters(count: int) -> str:
    return ngettext("%(num)d chapter", "%(num)d chapters", count)


def _paragraphs(count: int) -> str:
    return ngettext("%(num)d paragraph", "%(num)d paragraphs", count)


@bp.route("/r/<region_slug>/c/<int:consultation_id>/plan/delete", methods=["GET", "POST"])
def plan_text_delete(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    form = ActionForm()
    status = 200
    message = None
    try:
        plan_text.require_draft(consultation)
    except plan_text.PlanFrozen as refused:
        status, message = 409, refused.message
    if status == 200 and form.validate_on_submit():
        plan_text.delete(consultation)
        audit.record("plan.delete", f"consultation:{consultation.id}", region)
        db.session.commit()
        flash(_("The plan's text was deleted."), "success")
        return htmx.redirect(
            url_for(".plan_text_page", region_slug=region.slug, consultation_id=consultation.id)
        )
    if request.method == "POST" and status == 200:
        abort(400)
    return render_template(
        "consultations/plan_delete.html",
        region=region,
        consultation=consultation,
        form=form,
        frozen_message=message,
    ), status
