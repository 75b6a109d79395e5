"""The draft plan's text, read-only, on a public page of its own that the consultation's page
links to: every paragraph with its number and an anchor (#p-2-3) people can cite and link."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from kick_forms.consultations import plan_text
from kick_forms.extensions import db
from kick_forms.models import Region
from kick_forms.regions import bp
from kick_forms.regions import services as public


@bp.route("/r/<region_slug>/c/<consultation_slug>/plan")
def plan_page(region_slug: str, consultation_slug: str):
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    if region is None:
        abort(404)
    consultation = public.public_consultation(region, consultation_slug)
    if consultation is None or not consultation.chapters:
        abort(404)
    return render_template(
        "regions/plan.html",
        region=region,
        consultation=consultation,
        list_items=plan_text.list_items,
    )
