"""Copying a consultation, starting one from a template, and deleting a draft."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from kick_forms import audit
from kick_forms.consultations import bp, copying, deleting, kick_templates
from kick_forms.consultations.copy_forms import BLANK, CopyForm, StartForm
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.consultations.services import BuilderError
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation, ConsultationTemplate, Role


def _to_builder(consultation: Consultation):  # type: ignore[no-untyped-def]
    return redirect(
        url_for(".builder", region_slug=consultation.region.slug, consultation_id=consultation.id),
        303,
    )


@bp.route("/r/<region_slug>/c/<int:consultation_id>/copies/new", methods=["GET", "POST"])
def consultation_copy(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    form = CopyForm(data={"title": copying.copy_title(consultation.title)})
    if form.validate_on_submit():
        copy = copying.create_from(region, copying.snapshot(consultation), form.title.data)
        audit.record(
            "consultation.copy", f"consultation:{copy.id}", region, f"from={consultation.id}"
        )
        db.session.commit()
        flash(_("The copy was made. It is a draft: check its dates before you open it."), "success")
        return _to_builder(copy)
    return render_template(
        "consultations/copy.html", region=region, consultation=consultation, form=form
    ), (422 if form.errors else 200)


@bp.route("/r/<region_slug>/c/from-template/new", methods=["GET", "POST"])
def consultation_start(region_slug: str):
    region = staff_region(region_slug, Role.EDITOR)
    templates = kick_templates.all_templates()
    if not templates:
        return redirect(url_for(".consultation_new", region_slug=region.slug), 303)
    form = StartForm()
    form.start.choices = [SelectChoice(BLANK, _("An empty consultation"))] + [
        SelectChoice(str(template.id), template.title) for template in templates
    ]
    if form.validate_on_submit():
        if form.start.data == BLANK:
            return redirect(url_for(".consultation_new", region_slug=region.slug), 303)
        template = db.session.get(ConsultationTemplate, int(form.start.data))
        if template is None:  # deleted while the page was open
            return redirect(url_for(".consultation_start", region_slug=region.slug), 303)
        title = (form.title.data or "").strip() or template.title
        consultation = copying.create_from(region, template.snapshot, title)
        audit.record(
            "consultation.from_template",
            f"consultation:{consultation.id}",
            region,
            f"template={template.key}",
        )
        db.session.commit()
        flash(
            _("The consultation was created from the template. Adapt the questions to your plan."),
            "success",
        )
        return _to_builder(consultation)
    descriptions = {str(template.id): template.description for template in templates}
    return render_template(
        "consultations/copy_start.html",
        region=region,
        consultation=None,
        form=form,
        descriptions=descriptions,
    ), (422 if form.errors else 200)


@bp.route("/r/<region_slug>/c/<int:consultation_id>/delete", methods=["GET", "POST"])
def consultation_delete(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    form = ActionForm()
    if form.validate_on_submit():
        subject = f"consultation:{consultation.id}"
        try:
            deleting.delete_draft(consultation)
        except BuilderError as error:
            db.session.rollback()
            return _delete_page(region, consultation, form, str(error.message), 409)
        audit.record("consultation.delete", subject, region)
        db.session.commit()
        flash(_("The draft was deleted."), "success")
        return redirect(url_for(".consultation_list", region_slug=region.slug), 303)
    if not deleting.can_delete(consultation):
        return _delete_page(region, consultation, form, str(deleting.REFUSAL), 409)
    return _delete_page(region, consultation, form, None, 200)


def _delete_page(region, consultation, form, refusal: str | None, status: int):  # type: ignore[no-untyped-def]
    return render_template(
        "consultations/delete_consultation.html",
        region=region,
        consultation=consultation,
        form=form,
        refusal=refusal,
    ), status
