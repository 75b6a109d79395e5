"""Jinja filters and globals shared by every area."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import markdown as markdown_lib
import nh3
from flask import Flask, request
from flask_babel import format_datetime, format_decimal
from markupsafe import Markup

from kick_forms import i18n, static_files
from kick_forms.consultations import conditions
from kick_forms.consultations.labels import QUESTION_KIND_LABELS, STATUS_ACTIONS, STATUS_LABELS
from kick_forms.htmx import htmx_request
from kick_forms.mail.services import one_line
from kick_forms.responses.answers import typed_from
from kick_forms.timeutil import to_local
from kick_forms.urls import url_with_query

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def render_markdown(text: str | None) -> Markup:
    """Markdown typed by staff, as HTML with everything but plain formatting removed.

    The same text always gives the same HTML, and a consultation's texts are shown on every
    page of it, so recent results are kept (by text, a few hundred of them)."""
    return _rendered_markdown(text or "")


@functools.lru_cache(maxsize=512)
def _rendered_markdown(text: str) -> Markup:
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"])
    # Headings start at h2: the page's own title is the only h1.
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704  sanitised by nh3 just above


# Swedish public services write "31 mars 2027 kl. 23.59"; English: "31 March 2027, 23:59".
_DATETIME_PATTERNS = {
    "sv": {"long": "d MMMM y 'kl.' HH.mm", "short": "d MMM y HH.mm"},
    "en": {"long": "d MMMM y, HH:mm", "short": "d MMM y HH:mm"},
}


def local_datetime(moment: datetime | None, style: str = "long") -> str:
    """A stored UTC time in Swedish local time, in the reader's language."""
    if moment is None:
        return ""
    locale = i18n.current_locale()
    language = locale.language if locale is not None else "sv"
    pattern = _DATETIME_PATTERNS.get(language, _DATETIME_PATTERNS["sv"])[style]
    return format_datetime(to_local(moment), pattern)


def local_time(moment: datetime | None) -> str:
    """Just the clock, as in "Sparat 14.32"."""
    if moment is None:
        return ""
    locale = i18n.current_locale()
    pattern = "HH:mm" if locale is not None and locale.language == "en" else "HH.mm"
    return format_datetime(to_local(moment), pattern)


def content_lang(language: str = "sv") -> Markup:
    """` lang="sv"` for a region's own text on a page in another language (WCAG 3.1.2).

    Regions write their consultations in Swedish; on a Swedish page the attribute would only
    repeat the page's language, so it is left out there.
    """
    locale = i18n.current_locale()
    page_language = locale.language if locale is not None else "sv"
    if page_language == language:
        return Markup("")
    return Markup(' lang="{}"').format(language)


def url_for_language(code: str) -> str:
    """This page in another language (the choice is remembered for the visit)."""
    query = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    query.append(("lang", code))
    if request.endpoint is None:  # an error page for an address that matched nothing
        return url_with_query("regions.home", {}, query)
    return url_with_query(request.endpoint, request.view_args or {}, query)


def _labels() -> dict[str, object]:
    return {
        "status_labels": STATUS_LABELS,
        "status_actions": STATUS_ACTIONS,
        "kind_labels": QUESTION_KIND_LABELS,
    }


def pairs(items: Iterable[Any], value: str, label: str) -> list[tuple[Any, Any]]:
    """Objects as (value, label) pairs for a select."""
    return [(getattr(item, value), getattr(item, label)) for item in items]


def file_size(size: int) -> str:
    """A file's size as people read it: "340 kB", "2,4 MB" (the digits by the page's language)."""
    if size < 1_000_000:
        return f"{format_decimal(max(1, round(size / 1000)), format='#,##0')} kB"
    return f"{format_decimal(size / 1_000_000, format='#,##0.#')} MB"


def init_app(app: Flask) -> None:
    static_files.init_app(app)
    i18n.install(app)
    app.context_processor(_labels)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["pairs"] = pairs
    # Names and titles in the plain-text mail templates: one line each, whatever was typed.
    app.jinja_env.filters["one_line"] = one_line
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["format_number"] = i18n.format_number
    app.jinja_env.globals["typed_answer"] = typed_from
    app.jinja_env.globals["describe_condition"] = conditions.describe
    app.jinja_env.globals["shown_questions"] = conditions.shown_for
    app.jinja_env.globals["url_for_language"] = url_for_language
    app.jinja_env.globals["content_lang"] = content_lang
    app.jinja_env.globals["htmx_fragment"] = lambda: htmx_request().wants_fragment
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
