"""Response headers every page carries: CSP, framing, sniffing, referrer, HSTS."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, Response, current_app, g, make_response, request

from kick_forms.accesslog import is_private_link

P = ParamSpec("P")
R = TypeVar("R")


def private_page(body: str, status: int = 200) -> Response:
    """A page reached by a private link (a confirmation, a welcome): kept out of every cache."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


_CSP = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)


def frameable(view: Callable[P, R]) -> Callable[P, R]:
    """Mark a view whose page a region's websites may frame, like the embedded form: it sets
    ``g.frame_region_id`` to the region whose list of websites applies."""
    view.kick_frameable = True  # type: ignore[attr-defined]
    return view


def _frame_policy() -> str:
    """Who may frame this page: the embedded form's (or another frameable page's) region's
    websites, and us; nobody else."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.blueprint != "embed" and not getattr(view, "kick_frameable", False):
        return "'none'"
    from kick_forms.embed.services import frame_ancestors

    return frame_ancestors(g.get("frame_region_id"))


def _set_headers(response: Response) -> Response:
    headers = response.headers
    ancestors = _frame_policy()
    headers.setdefault(
        "Content-Security-Policy",
        _CSP.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}"),
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin: a private link in the address never travels to another site in a Referer.
    headers.setdefault("Referrer-Policy", "same-origin")
    if ancestors == "'none'":
        # For browsers without CSP frame-ancestors; embedded pages must not send it at all.
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure or _production():
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if _is_private_page():
        # Set, not defaulted: send_file marks every download "no-cache", which lets a cache
        # keep a copy (and only ask before reusing it). A private page or file must not be kept.
        headers["Cache-Control"] = "no-store"
        # Staff pages and private links stay out of search engines (HTML and files alike).
        headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _production() -> bool:
    return current_app.config["ENV"] == "production"


def _is_private_page() -> bool:
    return request.path.startswith("/admin") or is_private_link(request.path)


def init_app(app: Flask) -> None:
    app.after_request(_set_headers)
