"""KICK's consultation templates: a platform admin saves a consultation as one and keeps their
titles and descriptions; regions' staff only start from them (copy_views.consultation_start)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from kick_forms import audit
from kick_forms.consultations import bp, kick_templates
from kick_forms.consultations.copy_forms import SaveTemplateForm, TemplateForm
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import ConsultationTemplate


def _platform_admin_only() -> None:
    """Templates are KICK's, the same for every region: platform administrators keep them."""
    if not current_user.is_platform_admin:
        abort(403)


def _template(template_id: int) -> ConsultationTemplate:
    """A template, or 404."""
    template = db.session.get(ConsultationTemplate, template_id)
    if template is None:
        abort(404)
    return template


@bp.route("/templates/")
def template_list():
    _platform_admin_only()
    return render_template(
        "consultations/copy_template_list.html", templates=kick_templates.all_templates()
    )


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
def template_edit(template_id: int):
    _platform_admin_only()
    template = _template(template_id)
    form = TemplateForm(obj=template)
    if form.validate_on_submit():
        kick_templates.describe_template(
            template, form.title.data, form.description.data or "", current_user
        )
        audit.record("template.describe", f"template:{template.key}")
        db.session.commit()
        flash(_("The template was saved."), "success")
        return redirect(url_for(".template_list"), 303)
    return render_template("consultations/copy_template_edit.html", template=template, form=form), (
        422 if form.errors else 200
    )


@bp.route("/r/<region_slug>/c/<int:consultation_id>/template/edit", methods=["GET", "POST"])
def consultation_save_as_template(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    _platform_admin_only()
    templates = kick_templates.all_templates()
    form = SaveTemplateForm()
    form.template.choices = [SelectChoice(str(each.id), each.title) for each in templates]
    if len(templates) == 1 and not form.is_submitted():
        form.template.data = str(templates[0].id)
    if form.validate_on_submit():
        template = _template(int(form.template.data))
        kick_templates.save_as_template(template, consultation, current_user)
        audit.record("template.save", f"template:{template.key}", detail=f"from={consultation.id}")
        db.session.commit()
        flash(
            _(
                "The template “%(title)s” now has this consultation's questions.",
                title=template.title,
            ),
            "success",
        )
        return redirect(
            url_for(".builder", region_slug=region.slug, consultation_id=consultation.id), 303
        )
    return render_template(
        "consultations/copy_template.html",
        region=region,
        consultation=consultation,
        form=form,
        templates=templates,
    ), (422 if form.errors else 200)
