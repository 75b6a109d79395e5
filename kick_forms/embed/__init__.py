"""The answering flow inside a frame on a region's own website.

The answering blueprint is registered a second time, as ``embed`` under ``/embed``: the same
views and templates, in a minimal layout with the region's colour and logo, whose pages may be
framed by the region's websites (see ``security.py``). Nothing in the flow needs a cookie, so it
works where browsers block third-party cookies.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, g, has_request_context, make_response, request, url_for
from sqlalchemy import select

from kick_forms.embed import views as _staff_views  # noqa: F401  adds the staff pages

EMBED = "embed"
# The embedded form's own address, beside the answering flow's pages under /embed.
FORM_RULE = "/embed/r/<region_slug>/c/<consultation_slug>"


def is_embedded() -> bool:
    return has_request_context() and request.blueprint == EMBED


def open_in_tab_url() -> str:
    """The same page outside the frame, for "Open in a new tab": the one a framed page of
    another package names in ``g.open_in_tab``, else the answering flow's own."""
    if "open_in_tab" in g:
        return str(g.open_in_tab)
    endpoint = request.endpoint or ""
    name = endpoint.rpartition(".")[2]
    target = "responses.start" if name == "form" else f"responses.{name}"
    args = dict(request.view_args or {})
    if "lang" in request.args:
        args["lang"] = request.args["lang"]
    return url_for(target, **args)


def _logo(region_slug: str):  # type: ignore[no-untyped-def]
    from kick_forms.embed.services import theme_of
    from kick_forms.extensions import db
    from kick_forms.models import Region

    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    theme = theme_of(region) if region else None
    if theme is None or not theme.logo_sha256:
        abort(404)
    return _cached(theme.logo, theme.logo_type, theme.logo_sha256)


def _cached(data: bytes | None, media_type: str | None, etag: str):  # type: ignore[no-untyped-def]
    response = make_response(data or b"")
    response.headers["Content-Type"] = media_type or "application/octet-stream"
    response.set_etag(etag)
    # The address changes with the logo (?v=), so it may be kept for a year.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response.make_conditional(request)


def _theme_css(region_slug: str):  # type: ignore[no-untyped-def]
    from kick_forms.embed.services import theme_of
    from kick_forms.extensions import db
    from kick_forms.models import Region

    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    theme = theme_of(region) if region else None
    colour = theme.colour if theme and theme.colour else None
    css = f":root{{--embed-colour:{colour}}}\n" if colour else ""
    response = _cached(css.encode(), "text/css; charset=utf-8", colour or "none")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _carry_language(endpoint: str, values: dict[str, Any]) -> None:
    """Inside the frame there is no cookie to remember the language, so links carry it."""
    if endpoint.startswith(f"{EMBED}.") and is_embedded():
        lang = request.args.get("lang")
        if lang and "lang" not in values:
            values["lang"] = lang


def frame_region():  # type: ignore[no-untyped-def]
    """The region whose form is in the frame, as the view found it."""
    from kick_forms.extensions import db
    from kick_forms.models import Region

    region_id = g.get("frame_region_id")
    return db.session.get(Region, region_id) if region_id is not None else None


def region_theme():  # type: ignore[no-untyped-def]
    from kick_forms.embed.services import theme_of

    region = frame_region()
    return theme_of(region) if region is not None else None


def frame_parents() -> str:
    """The origins that may frame this page, for the frame's script to check messages by."""
    from kick_forms.embed.services import frame_ancestors

    own = request.host_url.rstrip("/")
    return " ".join([own, *frame_ancestors(g.get("frame_region_id")).split()[1:]])


def _template_context() -> dict[str, Any]:
    embedded = is_embedded()
    return {
        "layout": "embed/layout.html" if embedded else "base.html",
        "embedded": embedded,
    }


def init_app(app: Flask) -> None:
    from kick_forms.responses import bp as responses_bp
    from kick_forms.responses.views import start

    app.register_blueprint(responses_bp, name=EMBED, url_prefix="/embed")
    app.add_url_rule(FORM_RULE, endpoint=f"{EMBED}.form", view_func=start, methods=["GET", "POST"])
    app.add_url_rule("/embed/r/<region_slug>/logo", endpoint=f"{EMBED}.logo", view_func=_logo)
    app.add_url_rule(
        "/embed/r/<region_slug>/theme.css", endpoint=f"{EMBED}.theme_css", view_func=_theme_css
    )
    app.url_defaults(_carry_language)
    app.context_processor(_template_context)
    app.jinja_env.globals.update(
        open_in_tab_url=open_in_tab_url,
        frame_region=frame_region,
        region_theme=region_theme,
        frame_parents=frame_parents,
    )
