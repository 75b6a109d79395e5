"""The public news: everything at /nytt, a region's readers' at /r/<region>/nytt, each piece on
its own page."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Region
from kick_forms.news import bp
from kick_forms.news import services as news
from kick_forms.timeutil import utcnow


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


@bp.route("/nytt/<int:item_id>")
def item_page(item_id: int):
    item = news.public_item(item_id, utcnow())
    if item is None:
        abort(404)
    return render_template("news/item.html", item=item)
