"""Translation functions that write numbers the reader's way.

Flask-Babel fills "%(num)d" with Python's digits ("20000"); Swedish groups them with a space
("20 000") and English with a comma. These functions wrap Flask-Babel's and pass every whole
number through Babel first, so one rule holds for the Python code (`gettext as _`, `ngettext`,
the lazy forms) and for the templates (`install`), and no call site formats numbers itself.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from babel import Locale
from babel import numbers as babel_numbers
from flask import Flask, g
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# Grouped thousands, at most one decimal.
NUMBER_FORMAT = "#,##0.#"
_WHOLE_NUMBER = re.compile(r"%\((\w+)\)d")


def current_locale() -> Locale | None:
    """Flask-Babel's ``get_locale()`` in one lookup once the request's locale is chosen: the
    board asks for it some 800 times (names, figures, dates), and Flask-Babel's own takes a
    walk through ``g`` each time. Read, not kept, so ``force_locale`` is always honoured."""
    try:
        return g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):  # not chosen yet, or outside an application
        return get_locale()


def format_number(value: Any) -> str:
    """A figure as the reader's language writes it: "20 000" and "2,5" in Swedish, "20,000"
    and "2.5" in English; "" for None. A page writes hundreds (the board's counts and shares),
    most of them repeated, and Babel takes some 20 microseconds each, so results are kept per
    language and value."""
    if value is None:
        return ""
    locale = current_locale()
    if locale is None:  # outside an application: Babel's default
        return babel_numbers.format_decimal(value, format=NUMBER_FORMAT)
    return _formatted(str(locale), value)


@functools.lru_cache(maxsize=4096)
def _formatted(locale: str, value: Any) -> str:
    return babel_numbers.format_decimal(value, format=NUMBER_FORMAT, locale=locale)


def _grouped(text: str, variables: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The text and its variables with each whole number written out by the current locale."""
    numbers = {
        name
        for name, value in variables.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }
    if not numbers:
        return text, variables
    text = _WHOLE_NUMBER.sub(
        lambda match: f"%({match[1]})s" if match[1] in numbers else match[0], text
    )
    return text, {
        name: format_number(value) if name in numbers else value
        for name, value in variables.items()
    }


def _translations() -> Any:
    """Flask-Babel's ``get_translations()``, found in two lookups when the request's locale has
    not changed since the last call: a page calls it a few hundred times, and Flask-Babel walks
    its context four times per call. Keyed on the locale object, which ``force_locale`` (mail
    in the recipient's language) replaces, so a forced locale is always honoured."""
    try:
        namespace = g._flask_babel
        locale = namespace.babel_locale
    except (AttributeError, RuntimeError):  # no locale chosen yet, or outside a request
        return get_translations()
    cached = getattr(namespace, "kick_translations", None)
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    namespace.kick_translations = (locale, translations)
    return translations


def gettext(string: str, **variables: Any) -> str:
    text = _translations().ugettext(string)
    if not variables:
        return text  # as Flask-Babel: a text without variables is not a format string
    text, variables = _grouped(text, variables)
    return text % variables


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text, variables = _grouped(_translations().ungettext(singular, plural, num), variables)
    return text % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


def _in_template(context: Context, text: str, variables: dict[str, Any]) -> str:
    # As Jinja's own "newstyle" gettext: always a format string, escaped when autoescaping.
    text, variables = _grouped(text, variables)
    if context.eval_ctx.autoescape:
        return Markup(text) % variables  # noqa: S704 (a catalogue text; the variables are escaped)
    return text % variables


@pass_context
def _template_gettext(context: Context, string: str, **variables: Any) -> str:
    return _in_template(context, _translations().ugettext(string), variables)


@pass_context
def _template_ngettext(
    context: Context, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    return _in_template(context, _translations().ungettext(singular, plural, num), variables)


def install(app: Flask) -> None:
    """Put these in place of Flask-Babel's template functions (after Babel's init_app)."""
    app.jinja_env.globals.update(
        gettext=_template_gettext,
        _=_template_gettext,
        ngettext=_template_ngettext,
        get_locale=current_locale,
    )
