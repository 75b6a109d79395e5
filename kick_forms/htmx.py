"""The one place that reads and writes htmx's HX-* headers.

Views ask ``htmx_request()`` what kind of request this is and answer with ``render`` (one URL,
two bodies: the whole page, or only the partial that htmx swaps in) or ``redirect``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Response, make_response, render_template, request
from flask import redirect as flask_redirect


@dataclass(frozen=True)
class HtmxRequest:
    is_htmx: bool
    boosted: bool
    history_restore: bool
    target: str | None

    @property
    def wants_fragment(self) -> bool:
        """True when htmx swaps part of a page; boosted and history requests need the page."""
        return self.is_htmx and not self.boosted and not self.history_restore


def htmx_request() -> HtmxRequest:
    headers = request.headers
    return HtmxRequest(
        is_htmx=headers.get("HX-Request") == "true",
        boosted=headers.get("HX-Boosted") == "true",
        history_restore=headers.get("HX-History-Restore-Request") == "true",
        target=headers.get("HX-Target"),
    )


def vary_on_htmx(response: Response) -> Response:
    vary = {value.strip() for value in response.headers.get("Vary", "").split(",") if value}
    if "HX-Request" not in vary:
        response.headers.add("Vary", "HX-Request")
    return response


def template_for(page: str, fragment: str | None = None) -> str:
    """The fragment's template for an htmx swap, the page's otherwise."""
    return fragment if fragment and htmx_request().wants_fragment else page


def respond(body: str, status: int = 200) -> Response:
    """A body rendered by ``template_for``'s choice; Vary: HX-Request."""
    return vary_on_htmx(make_response(body, status))


def render(
    page: str, fragment: str | None = None, *, status: int = 200, **context: Any
) -> Response:
    """Render the fragment for an htmx swap, the full page otherwise; always Vary: HX-Request."""
    return respond(render_template(template_for(page, fragment), **context), status)


def redirect(location: str) -> Response:
    """After a successful write: a 303 for browsers, an HX-Location for htmx (no full reload)."""
    if htmx_request().is_htmx:
        response = make_response("", 204)
        response.headers["HX-Location"] = json.dumps({"path": location, "target": "body"})
        return vary_on_htmx(response)
    return vary_on_htmx(flask_redirect(location, code=303))


def retarget(response: Response, selector: str, swap: str = "outerHTML") -> Response:
    """Swap this response somewhere else than the element asked for (e.g. a form with errors)."""
    if htmx_request().is_htmx:
        response.headers["HX-Retarget"] = selector
        response.headers["HX-Reswap"] = swap
    return response
