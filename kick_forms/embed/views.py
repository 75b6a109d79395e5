"""The staff page "Bädda in" (embed) of a consultation, and the region's settings behind it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField

from kick_forms.consultations import bp
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.embed import services as embedding
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Role
from kick_forms.models.embed import ORIGIN_MAX
from kick_forms.urls import public_url_for


class OriginForm(FlaskForm):
    origin = StringField(
        _l("Website address"),
        description=_l("The site that shows the form, e.g. https://www.regionkronoberg.se"),
        render_kw={"maxlength": ORIGIN_MAX, "inputmode": "url", "autocomplete": "url"},
    )


class ThemeForm(FlaskForm):
    colour = StringField(
        _l("Colour of the frame's header"),
        description=_l("As #rrggbb, dark enough for white text. Empty: KICK Forms' own colour."),
        render_kw={"maxlength": 7, "size": 8},
    )
    logo = FileField(
        _l("Logo (optional)"),
        description=_l("PNG, JPEG or WebP, at most 200 kB; shown at 40 pixels high."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    remove_logo = BooleanField(_l("Remove the logo"))


def _page(region_slug: str, consultation_id: int, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    theme = embedding.theme_of(region)
    theme_form = forms.get("theme_form") or ThemeForm(
        colour=theme.colour if theme and theme.colour else "", formdata=None
    )
    args = {"region_slug": region.slug, "consultation_slug": consultation.slug}
    return (
        render_template(
            "embed/staff.html",
            region=region,
            consultation=consultation,
            origins=embedding.origins_of(region),
            theme=theme,
            can_admin=current_user.can_admin(region),
            embed_url=public_url_for("embed.form", **args),
            public_url=public_url_for("responses.start", **args),
            script_url=public_url_for("static", filename="embed.js"),
            origin_form=forms.get("origin_form") or OriginForm(formdata=None),
            theme_form=theme_form,
            remove_form=ActionForm(),
        ),
        status,
    )


def _back(region_slug: str, consultation_id: int, anchor: str):  # type: ignore[no-untyped-def]
    return redirect(
        url_for(
            ".embed_page",
            region_slug=region_slug,
            consultation_id=consultation_id,
            _anchor=anchor,
        ),
        code=303,
    )


@bp.route("/r/<region_slug>/c/<int:consultation_id>/embed")
def embed_page(region_slug: str, consultation_id: int):
    return _page(region_slug, consultation_id)


@bp.route("/r/<region_slug>/c/<int:consultation_id>/embed/origins", methods=["POST"])
def embed_origin_add(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.ADMIN)
    region_consultation(region, consultation_id)
    form = OriginForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        added = embedding.add_origin(region, form.origin.data or "")
    except embedding.EmbedError as error:
        db.session.rollback()
        form.origin.errors = [error.message]
        return _page(region_slug, consultation_id, status=422, origin_form=form)
    db.session.commit()
    flash(_("%(origin)s may now show the form.", origin=added.origin), "success")
    return _back(region.slug, consultation_id, "origins")


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/embed/origins/<int:origin_id>/delete",
    methods=["POST"],
)
def embed_origin_remove(region_slug: str, consultation_id: int, origin_id: int):
    region = staff_region(region_slug, Role.ADMIN)
    region_consultation(region, consultation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    removed = embedding.remove_origin(region, origin_id)
    if removed is None:
        abort(404)
    db.session.commit()
    flash(_("%(origin)s may no longer show the form.", origin=removed), "success")
    return _back(region.slug, consultation_id, "origins")


@bp.route("/r/<region_slug>/c/<int:consultation_id>/embed/theme", methods=["POST"])
def embed_theme(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.ADMIN)
    region_consultation(region, consultation_id)
    form = ThemeForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get(form.logo.name)
    logo = upload.read(embedding.LOGO_MAX_BYTES + 1) if upload and upload.filename else None
    try:
        embedding.set_theme(region, form.colour.data or "", logo, form.remove_logo.data)
    except embedding.EmbedError as error:
        db.session.rollback()
        field = form.logo if logo else form.colour
        field.errors = [error.message]
        return _page(region_slug, consultation_id, status=422, theme_form=form)
    db.session.commit()
    flash(_("The frame's colour and logo are saved."), "success")
    return _back(region.slug, consultation_id, "theme")
