"""Writing news: KICK's staff (platform admins) at /admin/nytt for everyone, a region's editors at
/admin/r/<region>/nytt for the region. Each view serves both, told apart by ``region_slug``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from kick_forms import audit
from kick_forms.consultations.permissions import staff_region
from kick_forms.embed.services import origins_of
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation, NewsItem, Region, Role
from kick_forms.news import services as news
from kick_forms.news import staff_bp
from kick_forms.news.forms import NewsForm
from kick_forms.timeutil import from_local, to_local, utcnow
from kick_forms.urls import public_url_for

NATIONAL = {"region_slug": None}


@staff_bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for staff; who may write where is checked by ``_owner``."""


def _owner(region_slug: str | None, at_least: Role = Role.EDITOR) -> Region | None:
    """The region whose news these are (its editors write them, its viewers read the list), or
    None for the national news, which only KICK's staff keep. Others: 404 for a region they
    cannot see, else 403."""
    if region_slug is None:
        if not current_user.is_platform_admin:
            abort(403)
        return None
    return staff_region(region_slug, at_least)


def _item(region: Region | None, item_id: int) -> NewsItem:
    item = news.owned_item(region, item_id)
    if item is None:
        abort(404)
    return item


def _form(region: Region | None, item: NewsItem | None = None) -> NewsForm:
    form = NewsForm(obj=item if request.method == "GET" else None)
    if region is None:
        del form.consultation
    else:
        form.consultation.choices = [SelectChoice("", _("None"))] + [
            SelectChoice(str(c.id), c.title) for c in news.linkable_consultations(region)
        ]
    if request.method == "GET" and item is not None:
        form.publish_at.data = to_local(item.published_at)
        if region is not None:
            form.consultation.data = str(item.consultation_id or "")
    return form


def _data(region: Region | None, form: NewsForm) -> news.NewsData:
    # The select offers only the region's public consultations and refuses any other value.
    chosen = form.consultation.data if region is not None else None
    consultation = db.session.get(Consultation, int(chosen)) if chosen else None
    return news.NewsData(
        title=form.title.data,
        body=form.body.data,
        published=form.status.data == "published",
        publish_at=from_local(form.publish_at.data),
        consultation=consultation,
    )


def _to_list(region: Region | None):  # type: ignore[no-untyped-def]
    return redirect(url_for(".news_list", region_slug=region.slug if region else None), code=303)


def _form_page(region: Region | None, form: NewsForm, item: NewsItem | None):  # type: ignore[no-untyped-def]
    status = 422 if form.is_submitted() else 200
    return render_template("news/form.html", region=region, form=form, item=item), status


@staff_bp.route("/nytt", defaults=NATIONAL)
@staff_bp.route("/r/<region_slug>/nytt")
def news_list(region_slug: str | None):
    region = _owner(region_slug, Role.VIEWER)
    embedding = {}
    if region is not None:
        embedding = {
            "embed_url": public_url_for("news.embedded", region_slug=region.slug),
            "public_url": public_url_for("regions.region_page", region_slug=region.slug),
            "script_url": public_url_for("static", filename="embed.js"),
            "origins": origins_of(region),
        }
    return render_template(
        "news/staff_list.html",
        region=region,
        items=news.written_by(region),
        may_write=news.may_write_in(current_user, region),
        now=utcnow(),
        **embedding,
    )


@staff_bp.route("/nytt/new", methods=["GET", "POST"], defaults=NATIONAL)
@staff_bp.route("/r/<region_slug>/nytt/new", methods=["GET", "POST"])
def news_new(region_slug: str | None):
    region = _owner(region_slug)
    form = _form(region)
    if not form.validate_on_submit():
        return _form_page(region, form, None)
    item = news.create(region, _data(region, form), utcnow())
    audit.record("news.add", subject=f"news:{item.id}", region=region, detail=item.status)
    db.session.commit()
    flash(_("The news is saved."), "success")
    return _to_list(region)


@staff_bp.route("/nytt/<int:item_id>/edit", methods=["GET", "POST"], defaults=NATIONAL)
@staff_bp.route("/r/<region_slug>/nytt/<int:item_id>/edit", methods=["GET", "POST"])
def news_edit(region_slug: str | None, item_id: int):
    region = _owner(region_slug)
    item = _item(region, item_id)
    form = _form(region, item)
    if not form.validate_on_submit():
        return _form_page(region, form, item)
    news.write(item, _data(region, form), utcnow())
    audit.record("news.change", subject=f"news:{item.id}", region=region, detail=item.status)
    db.session.commit()
    flash(_("The news is saved."), "success")
    return _to_list(region)


@staff_bp.route("/nytt/<int:item_id>/delete", methods=["GET", "POST"], defaults=NATIONAL)
@staff_bp.route("/r/<region_slug>/nytt/<int:item_id>/delete", methods=["GET", "POST"])
def news_delete(region_slug: str | None, item_id: int):
    region = _owner(region_slug)
    item = _item(region, item_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("news/delete.html", region=region, item=item, form=form)
    title, subject = item.title, f"news:{item.id}"
    news.delete(item)
    audit.record("news.remove", subject=subject, region=region)
    db.session.commit()
    flash(_("The news “%(title)s” is removed.", title=title), "success")
    return _to_list(region)
