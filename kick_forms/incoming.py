"""What clients send, as text both databases store the same way.

PostgreSQL refuses a NUL in any text, and a failed statement loses the whole save; SQLite
stores it. No one types control characters: they come from pasted text or from a robot. So
every query parameter, form field and uploaded file name is cleaned once, where the request
reads it, before any view, form or service sees it: tab, newline and carriage return stay,
vertical tab and form feed (line breaks pasted from word processors) become a space, and the
other control characters are dropped.
"""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

# C0 controls but tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BREAK = re.compile("[\x0b\x0c\x85]")


def clean_text(value: str) -> str:
    """The text without control characters other than tab, newline and carriage return."""
    return _BREAK.sub(" ", _CONTROL.sub("", value))


def _clean_pairs(data: MultiDict[str, str]) -> ImmutableMultiDict[str, str]:
    return ImmutableMultiDict(
        (clean_text(name), clean_text(value)) for name, value in data.items(multi=True)
    )


class CleanRequest(Request):
    """A request whose query string, form fields and file names have no control characters
    (see the module's docstring)."""

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:  # type: ignore[override]
        return _clean_pairs(super().args)

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _clean_pairs(self.__dict__["form"])
        for _name, upload in self.__dict__["files"].items(multi=True):
            if upload.filename:
                upload.filename = clean_text(upload.filename)
