"""The study guide's pages: the introduction, one page per session, the leader's guide, print."""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, render_template, request
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Region
from kick_forms.regions import services as public
from kick_forms.studyguide import bp, guide
from kick_forms.timeutil import utcnow
from kick_forms.urls import public_url_for


def _special_or_404(slug: str) -> guide.Text:
    text = guide.special(slug)
    if text is None:
        abort(404)
    return text


@bp.route("/")
def index():
    introduction = _special_or_404(guide.INTRODUCTION)
    return render_template(
        "studyguide/index.html",
        introduction=introduction,
        rendered=guide.render(introduction),
        sessions=guide.sessions(),
        leader_guide=guide.special(guide.LEADER_GUIDE),
    )


@bp.route("/ledarhandledning")
def leader_guide():
    text = _special_or_404(guide.LEADER_GUIDE)
    return render_template("studyguide/leader_guide.html", text=text, rendered=guide.render(text))


class PrintPart(NamedTuple):
    kind: str  # "introduction", "session" or "leader_guide"
    number: int
    text: guide.Text
    rendered: guide.Rendered


@bp.route("/utskrift")
def print_version():
    introduction = _special_or_404(guide.INTRODUCTION)
    texts = [("introduction", 0, introduction)]
    texts += [("session", number, text) for number, text in enumerate(guide.sessions(), 1)]
    leader = guide.special(guide.LEADER_GUIDE)
    if leader is not None:
        texts.append(("leader_guide", 0, leader))
    # On paper a link is only as good as the address printed after it: make them absolute.
    address = public_url_for("studyguide.print_version")
    parts = [
        PrintPart(
            kind,
            number,
            text,
            guide.render(text, top_level=3, anchor_prefix=f"{text.slug}-", base_url=address),
        )
        for kind, number, text in texts
    ]
    return render_template(
        "studyguide/print.html",
        introduction=introduction,
        parts=parts,
        session_count=len(texts) - 1 - (leader is not None),
    )


@bp.route("/<slug>")
def session(slug: str):
    place = guide.place(slug)
    if place is None:
        abort(404)
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    chosen = next((r for r in regions if r.slug == request.args.get("region")), None)
    now = utcnow()
    return render_template(
        "studyguide/session.html",
        place=place,
        text=place.text,
        rendered=guide.render(place.text),
        sessions=guide.sessions(),
        regions=regions,
        chosen=chosen,
        consultations=public.open_consultations(now, chosen),
        now=now,
    )
