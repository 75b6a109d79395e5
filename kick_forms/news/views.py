"""The public news: everything at /nytt, a region's readers' at /r/<region>/nytt, each piece on
its own page, and a region's open consultations and news in a frame on its own website."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import NewsItem, Region
from kick_forms.news import bp
from kick_forms.news import services as news
from kick_forms.regions.services import open_consultations
from kick_forms.security import frameable, private_page
from kick_forms.timeutil import utcnow

# How many pieces of news the frame on a region's website shows.
EMBEDDED_NEWS = 5


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/nytt")
def list_page():
    return render_template(
        "news/list.html", region=None, found=news.public_page(utcnow(), None, _page_number())
    )


@bp.route("/r/<region_slug>/nytt")
def region_list(region_slug: str):
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None:
        abort(404)
    return render_template(
        "news/list.html", region=region, found=news.public_page(utcnow(), region, _page_number())
    )


@bp.route("/embed/r/<region_slug>/nytt")
@frameable
def embedded(region_slug: str):
    """The region's open consultations and latest news, for a frame on its own website (the
    embed script and the websites allowed for its form); links open in a new tab."""
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None:
        abort(404)
    g.frame_region_id = region.id
    g.open_in_tab = url_for("regions.region_page", region_slug=region.slug)
    now = utcnow()
    return render_template(
        "news/embedded.html",
        region=region,
        open_consultations=open_consultations(now, region),
        news=news.latest(now, region, EMBEDDED_NEWS),
        now=now,
    )


@bp.route("/nytt/<int:item_id>")
def item_page(item_id: int):
    now = utcnow()
    item = news.public_item(item_id, now)
    if item is not None:
        return render_template("news/item.html", item=item, preview=False)
    # Its writers see a draft, or a piece set for later, as readers will: never kept anywhere.
    unpublished = db.session.get(NewsItem, item_id)
    if unpublished is None or not news.may_write(current_user, unpublished):
        abort(404)
    return private_page(render_template("news/item.html", item=unpublished, preview=True))
