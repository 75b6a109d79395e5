"""The public side: an organisation asks to be listed, then confirms from the mailed link.

Unlike the answering flow these pages are never framed by a region's website, so the form
carries Flask-WTF's CSRF token from the session like every other form of ours.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from sqlalchemy import select

from kick_forms.confirmation_links import confirmation_page
from kick_forms.extensions import db, limiter, public_write_limit
from kick_forms.forms import organisation_choices
from kick_forms.i18n import gettext as _
from kick_forms.models import Region
from kick_forms.organisations.services import OrganisationData
from kick_forms.registration import bp
from kick_forms.registration import services as registration
from kick_forms.registration.forms import RegistrationForm
from kick_forms.timeutil import utcnow
from kick_forms.urls import public_url_for


def _region(region_slug: str) -> Region:
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None:
        abort(404)
    return region


def _form(region: Region) -> RegistrationForm:
    form = RegistrationForm()
    organisation_choices(form, region, _("Choose a municipality"))
    return form


def _data(form: RegistrationForm) -> OrganisationData:
    return OrganisationData(
        name=form.name.data or "",
        organisation_number=form.organisation_number.data,
        municipality_code=form.municipality.data or None,
        category_keys=form.categories.data or [],
        website=form.website.data,
        description=form.description.data or "",
    )


def _confirm_link(token: str) -> str:
    return public_url_for("registration.confirm", token=token)


@bp.route("/r/<region_slug>/register", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def request_form(region_slug: str):
    region = _region(region_slug)
    form = _form(region)
    if form.validate_on_submit():
        registration.request_listing(
            region, _data(form), form.contact_name.data, form.contact_email.data, utcnow(),
            _confirm_link,
        )  # fmt: skip
        db.session.commit()
        return redirect(url_for(".request_sent", region_slug=region.slug), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("registration/form.html", region=region, form=form), status


@bp.route("/r/<region_slug>/register/sent")
def request_sent(region_slug: str):
    region = _region(region_slug)
    hours = current_app.config["REGISTRATION_CONFIRM_HOURS"]
    return render_template("registration/sent.html", region=region, hours=hours)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def confirm(token: str):
    """A GET only shows a button: mail scanners follow links, and must not confirm."""
    listing = registration.find_by_link(token)
    region = db.session.get(Region, listing.region_id) if listing else None
    now = utcnow()
    return confirmation_page(
        listing.expires_at if listing else None,
        now,
        invalid_template="registration/link_invalid.html",
        again=(
            url_for(".request_form", region_slug=region.slug) if region else "",
            _("Ask to be listed again"),
        ),
        confirm_page=lambda form: render_template(
            "registration/confirm.html", region=region, listing=listing, form=form
        ),
        confirm=lambda: registration.confirm(listing, now),
        done_url=url_for(".confirmed", region_slug=region.slug) if region else "",
    )


@bp.route("/r/<region_slug>/register/confirmed")
def confirmed(region_slug: str):
    return render_template("registration/confirmed.html", region=_region(region_slug))
