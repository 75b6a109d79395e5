"""KICK's staff add, change, remove and start the regional culture alliances; no region's
staff may."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from kick_forms import audit, htmx
from kick_forms.alliances import interest as interests
from kick_forms.alliances import services as alliances
from kick_forms.alliances import staff_bp
from kick_forms.alliances.forms import AllianceForm, StartForm
from kick_forms.board import exports
from kick_forms.board.export_views import download
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.i18n import ngettext
from kick_forms.models import CultureAlliance, Municipality, Region
from kick_forms.timeutil import utcnow


@staff_bp.before_request
@login_required
def _platform_admins_only() -> None:
    """The alliances are KICK's to keep: a region's staff know the pages exist, so 403."""
    if not current_user.is_platform_admin:
        abort(403)


def _alliance(alliance_id: int) -> CultureAlliance:
    alliance = alliances.find_alliance(alliance_id)
    if alliance is None:
        abort(404)
    return alliance


def _form(alliance: CultureAlliance | None = None) -> AllianceForm:
    form = AllianceForm(obj=alliance if request.method == "GET" else None)
    regions = sorted(
        db.session.scalars(select(Region)), key=lambda r: alliances.swedish_key(r.name)
    )
    form.region.choices = [SelectChoice("", _("Choose a region"))] + [
        SelectChoice(region.slug, region.name) for region in regions
    ]
    if request.method == "GET" and alliance is not None:
        form.region.data = alliance.region.slug
    return form


def _data(form: AllianceForm) -> alliances.AllianceData:
    region = db.session.scalars(select(Region).filter_by(slug=form.region.data)).one()
    return alliances.AllianceData(name=form.name.data, region=region, url=form.url.data)


def _form_page(form: AllianceForm, alliance: CultureAlliance | None):  # type: ignore[no-untyped-def]
    return htmx.render(
        "alliances/form.html",
        status=422 if form.is_submitted() else 200,
        form=form,
        alliance=alliance,
    )


def _to_list():  # type: ignore[no-untyped-def]
    return redirect(url_for(".staff_list"), code=303)


@staff_bp.route("")
def staff_list():
    return htmx.render("alliances/staff_list.html", regions=alliances.regions_with_alliances())


@staff_bp.route("/new", methods=["GET", "POST"])
def alliance_new():
    form = _form()
    if form.validate_on_submit():
        data = _data(form)
        try:
            alliance = alliances.add_alliance(data, utcnow())
        except alliances.AllianceError as error:
            db.session.rollback()
            form.name.errors = [error.message]
        else:
            audit.record(alliances.ADDED, f"alliance:{alliance.id}", data.region)
            db.session.commit()
            flash(_("%(name)s is added.", name=alliance.name), "success")
            return _to_list()
    return _form_page(form, None)


@staff_bp.route("/<int:alliance_id>/edit", methods=["GET", "POST"])
def alliance_edit(alliance_id: int):
    alliance = _alliance(alliance_id)
    form = _form(alliance)
    if form.validate_on_submit():
        data = _data(form)
        try:
            alliances.change_alliance(alliance, data, utcnow())
        except alliances.AllianceError as error:
            db.session.rollback()
            form.name.errors = [error.message]
        else:
            audit.record(alliances.CHANGED, f"alliance:{alliance.id}", data.region)
            db.session.commit()
            flash(_("The changes to %(name)s are saved.", name=alliance.name), "success")
            return _to_list()
    return _form_page(form, alliance)


@staff_bp.route("/<int:alliance_id>/delete", methods=["GET", "POST"])
def alliance_delete(alliance_id: int):
    """GET asks whether to remove the alliance; the form it shows posts here to remove it."""
    alliance = _alliance(alliance_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        name, region = alliance.name, alliance.region
        alliances.remove_alliance(alliance)
        audit.record(alliances.REMOVED, f"alliance:{alliance_id}", region)
        db.session.commit()
        flash(_("%(name)s is removed.", name=name), "success")
        return _to_list()
    return htmx.render("alliances/delete.html", alliance=alliance, form=form)


@staff_bp.route("/interest")
def interest_list():
    """Per region without an alliance, the organisations that want to help start one."""
    by_region = interests.waiting_by_region()
    return htmx.render(
        "alliances/interest_list.html",
        regions=[r for r in alliances.regions_with_alliances() if r.id in by_region],
        by_region=by_region,
        municipality_names=Municipality.names(),
    )


@staff_bp.route("/interest.csv")
def interest_export():
    """The waiting organisations and their contact persons, for KICK's staff to write to."""
    region_slug = request.args.get("region", "")
    region = (
        db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
        if region_slug
        else None
    )
    if region_slug and region is None:
        abort(404)
    audit.record("alliance.interest_export", f"region:{region_slug or 'all'}", region)
    db.session.commit()
    table = interests.interest_table(interests.waiting_in(region))
    name = f"alliansintresse-{region.slug if region else 'alla'}.csv"
    return download(exports.to_csv(table), "text/csv; charset=utf-8", name)


@staff_bp.route("/interest/<region_slug>/start", methods=["GET", "POST"])
def alliance_start(region_slug: str):
    """Start the region's alliance: add it, and write to the organisations that waited."""
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None:
        abort(404)
    form = StartForm()
    waiting = interests.waiting_in(region)
    if form.validate_on_submit():
        data = alliances.AllianceData(name=form.name.data, region=region, url=form.url.data)
        try:
            alliance, told = interests.start_alliance(data, utcnow())
        except alliances.AllianceError as error:
            db.session.rollback()
            form.name.errors = [error.message]
        else:
            audit.record(alliances.ADDED, f"alliance:{alliance.id}", region, f"told={told}")
            db.session.commit()
            flash(
                ngettext(
                    "%(name)s is started, and %(num)d organisation is told.",
                    "%(name)s is started, and %(num)d organisations are told.",
                    told,
                    name=alliance.name,
                ),
                "success",
            )
            return redirect(url_for(".interest_list"), code=303)
    return htmx.render(
        "alliances/start.html",
        status=422 if form.is_submitted() else 200,
        form=form,
        region=region,
        waiting=waiting,
    )
