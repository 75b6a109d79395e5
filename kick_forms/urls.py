"""Addresses in and out: absolute links at the configured public address, and URL variables
that match only what the database can hold.

A link that leaves the request (mail, feeds, exports, a snippet staff paste elsewhere) is
built from ``PUBLIC_URL``, never from the request's Host header: the client chooses that
header, and a forged one would put its host in an official mail with a real private link.
Pages link relatively with ``url_for``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from flask import Flask, abort, current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

# PostgreSQL's integer, the type of every id; a larger number names nothing.
MAX_ID = 2**31 - 1
# C0 controls and DEL: no slug, token or file name has them, and PostgreSQL refuses NUL.
_NO_CONTROL = r"\x00-\x1f\x7f"
_CONTROL = re.compile(f"[{_NO_CONTROL}]")


def public_url_for(endpoint: str, /, *, _anchor: str | None = None, **values: Any) -> str:
    """The absolute URL of an endpoint at the configured public address (``PUBLIC_URL``, with
    its scheme, host and path prefix), the same in a request, a command or a worker."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if endpoint.startswith("."):
        blueprint = request.blueprint if has_request_context() else None
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    app.inject_url_defaults(endpoint, values)
    public = urlsplit(app.config["PUBLIC_URL"])
    adapter = app.url_map.bind(
        public.netloc, script_name=public.path or "/", url_scheme=public.scheme or "https"
    )
    url = adapter.build(endpoint, values, force_external=True)
    if _anchor is not None:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url


def public_root() -> str:
    """The public address's root, ending in a slash: a base for resolving relative links."""
    return public_url_for("regions.home")


def url_with_query(endpoint: str, view_args: dict[str, Any], query: list[tuple[str, str]]) -> str:
    """An endpoint's relative URL with a query string taken as data.

    ``url_for(**query)`` would read query names as its own arguments: ``?region_slug=x``
    collides with a URL variable, ``?_method=POST`` or ``?_external=1`` change how it builds.
    """
    path, _, defaults = url_for(endpoint, **view_args).partition("?")
    names = {name for name, _ in query}
    # What the URL defaults add (the embedded flow's language) gives way to the query's own.
    merged = [(k, v) for k, v in parse_qsl(defaults, keep_blank_values=True) if k not in names]
    merged += query
    return f"{path}?{urlencode(merged)}" if merged else path


class IdConverter(IntegerConverter):
    """``<int:...>`` for ids: a number above PostgreSQL's integer is no match (404), rather
    than a database error on PostgreSQL or an overflow on SQLite."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # type: ignore[no-untyped-def]  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """The default ``<name>`` converter (slugs, tokens) without control characters: a NUL
    in a path segment is no match (404), the same on SQLite and PostgreSQL."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):  # type: ignore[no-untyped-def]
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", f"[^/{_NO_CONTROL}]", 1)


class FilePathConverter(PathConverter):
    """``<path:...>`` without control characters, which no file name here has."""

    regex = f"[^/{_NO_CONTROL}][^{_NO_CONTROL}]*?"


def _refuse_control_characters(view: Callable[..., Any]) -> Callable[..., Any]:
    def checked(**values: Any) -> Any:
        if _CONTROL.search(values.get("filename", "")):
            abort(404)
        return view(**values)

    return checked


def init_app(app: Flask) -> None:
    """Install the converters; before any blueprint adds its rules, which bind them."""
    app.url_map.converters.update(
        default=TextConverter, string=TextConverter, int=IdConverter, path=FilePathConverter
    )
    # Flask added the static files' rule with the stock converter already.
    if "static" in app.view_functions:
        app.view_functions["static"] = _refuse_control_characters(app.view_functions["static"])
    app.jinja_env.globals["public_url_for"] = public_url_for
