"""The public side of starting an alliance: say you want one, then confirm from the mail."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kick_forms.alliances import bp
from kick_forms.alliances import interest as interests
from kick_forms.alliances.forms import InterestForm
from kick_forms.confirmation_links import confirmation_page
from kick_forms.extensions import db, limiter, public_write_limit
from kick_forms.forms import organisation_choices
from kick_forms.i18n import gettext as _
from kick_forms.models import Region
from kick_forms.timeutil import utcnow
from kick_forms.urls import public_url_for


def _region(region_slug: str) -> Region:
    region = db.session.scalars(
        select(Region).filter_by(slug=region_slug).options(selectinload(Region.alliances))
    ).one_or_none()
    if region is None:
        abort(404)
    return region


@bp.route("/allianser/<region_slug>/starta", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def interest_form(region_slug: str):
    region = _region(region_slug)
    if region.alliances:  # join the one there is
        return redirect(url_for("regions.region_page", region_slug=region.slug) + "#alliance")
    form = InterestForm()
    organisation_choices(form, region, _("Choose a municipality"))
    if form.validate_on_submit():
        interests.express_interest(
            region,
            interests.InterestData(
                organisation_name=form.name.data or "",
                municipality_code=form.municipality.data or None,
                contact_name=form.contact_name.data or "",
                contact_email=form.contact_email.data or "",
            ),
            utcnow(),
            lambda token: public_url_for("alliances.interest_confirm", token=token),
        )
        db.session.commit()
        return redirect(url_for(".interest_sent", region_slug=region.slug), code=303)
    status = 422 if form.is_submitted() else 200
    waiting = interests.counts().get(region.id, 0)
    return render_template(
        "alliances/interest_form.html", region=region, form=form, waiting=waiting
    ), status


@bp.route("/allianser/<region_slug>/starta/skickat")
def interest_sent(region_slug: str):
    region = _region(region_slug)
    hours = current_app.config["REGISTRATION_CONFIRM_HOURS"]
    return render_template("alliances/interest_sent.html", region=region, hours=hours)


@bp.route("/allianser/bekrafta/<token>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def interest_confirm(token: str):
    """A GET only shows a button: mail scanners follow links, and must not confirm."""
    interest = interests.find_by_link(token)
    region = db.session.get(Region, interest.region_id) if interest else None
    now = utcnow()
    return confirmation_page(
        interest.expires_at if interest else None,
        now,
        invalid_template="alliances/interest_link_invalid.html",
        again=(
            url_for(".interest_form", region_slug=region.slug) if region else "",
            _("Send the form again"),
        ),
        confirm_page=lambda form: render_template(
            "alliances/interest_confirm.html", region=region, interest=interest, form=form
        ),
        confirm=lambda: interests.confirm(interest, now),
        done_url=url_for(".interest_confirmed", region_slug=region.slug) if region else "",
    )


@bp.route("/allianser/<region_slug>/starta/bekraftat")
def interest_confirmed(region_slug: str):
    region = _region(region_slug)
    return render_template(
        "alliances/interest_confirmed.html",
        region=region,
        waiting=interests.counts().get(region.id, 0),
    )
