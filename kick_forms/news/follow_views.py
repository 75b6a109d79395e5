"""Following by e-mail: choose what to follow, confirm from the mail, stop with one click.

The confirmation and unsubscribe links are private: masked in the logs and never cached. A GET
of either only shows a button, since mail scanners follow links; the unsubscribe link also takes
the one-click POST that mail programs send (RFC 8058), authenticated by its signed token alone.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from kick_forms.confirmation_links import confirmation_page
from kick_forms.extensions import csrf, db, limiter, public_write_limit
from kick_forms.i18n import gettext as _
from kick_forms.models import Region
from kick_forms.news import bp
from kick_forms.news import following as follows
from kick_forms.news.forms import FollowForm
from kick_forms.security import private_page
from kick_forms.timeutil import utcnow
from kick_forms.urls import public_url_for


def _regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


@bp.route("/folj", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def follow():
    regions = _regions()
    form = FollowForm()
    form.regions.choices = [SelectChoice(region.slug, region.name) for region in regions]
    if request.method == "GET" and request.args.get("region") in {r.slug for r in regions}:
        form.regions.data = [request.args["region"]]
    if form.validate_on_submit():
        chosen = set(form.regions.data or [])
        follows.ask_to_follow(
            follows.FollowChoice(
                email=form.email.data or "",
                regions=[region for region in regions if region.slug in chosen],
                national=bool(form.national.data),
                frequency=form.frequency.data,
                opened=bool(form.opened.data),
                closing=bool(form.closing.data),
                feedback=bool(form.feedback.data),
                news=bool(form.news.data),
            ),
            utcnow(),
            lambda token: public_url_for("news.follow_confirm", token=token),
        )
        db.session.commit()
        return redirect(url_for(".follow_sent"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("news/follow.html", form=form), status


@bp.route("/folj/skickat")
def follow_sent():
    hours = current_app.config["REGISTRATION_CONFIRM_HOURS"]
    return render_template("news/follow_sent.html", hours=hours)


@bp.route("/folj/bekrafta/<token>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def follow_confirm(token: str):
    follower = follows.find_by_link(token)
    now = utcnow()
    return confirmation_page(
        follower.expires_at if follower else None,
        now,
        invalid_template="news/follow_link_invalid.html",
        again=(url_for(".follow"), _("Send the form again")),
        confirm_page=lambda form: render_template(
            "news/follow_confirm.html", follower=follower, form=form
        ),
        confirm=lambda: follows.confirm(follower, now),
        done_url=url_for(".follow_confirmed"),
    )


@bp.route("/folj/klart")
def follow_confirmed():
    return render_template("news/follow_confirmed.html")


@bp.route("/folj/avsluta/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail programs post without a session
@limiter.limit(public_write_limit, methods=["POST"])
def unsubscribe(token: str):
    follower = follows.find_by_unsubscribe_token(token)
    if follower is None:
        # Already gone (or never there): the address gets no digests either way.
        return private_page(render_template("news/unsubscribed.html"), 404)
    if request.method == "POST":
        follows.unsubscribe(follower)
        db.session.commit()
        return private_page(render_template("news/unsubscribed.html"))
    return private_page(render_template("news/unsubscribe.html", follower=follower))
