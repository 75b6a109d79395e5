"""Public pages: the home page, a region's page and a consultation's page."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from kick_forms import page_cache
from kick_forms.extensions import db
from kick_forms.method.matrix import matrix_view
from kick_forms.models import Region
from kick_forms.news import services as news
from kick_forms.regions import bp
from kick_forms.regions import services as public
from kick_forms.timeutil import utcnow


def _region_or_404(region_slug: str) -> Region:
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None:
        abort(404)
    return region


@bp.route("/")
def home():
    now = utcnow()
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    return render_template(
        "regions/home.html",
        regions=regions,
        open_counts=public.open_counts_by_region(now),
        consultations=public.open_consultations(now),
        now=now,
    )


@bp.route("/r/<region_slug>/")
def region_page(region_slug: str):
    now = utcnow()
    region = _region_or_404(region_slug)
    return render_template(
        "regions/region.html",
        region=region,
        open_consultations=public.open_consultations(now, region),
        recent_consultations=public.recent_consultations(region, now),
        matrix=matrix_view(region, request.args),
        news=news.latest(now, region),
        now=now,
    )


@bp.route("/r/<region_slug>/c/<consultation_slug>/")
def consultation_page(region_slug: str, consultation_slug: str):
    page_cache.start()
    consultation = public.public_consultation_at(region_slug, consultation_slug)
    if consultation is None:
        abort(404)
    now = utcnow()

    def render() -> str:
        public.load_public_page(consultation)
        return render_template(
            "regions/consultation.html",
            region=consultation.region,
            consultation=consultation,
            now=now,
        )

    return page_cache.page(render, consultation.clock_state(now))
