"""Form fields and validators shared by several areas."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ActionForm(FlaskForm):
    """A form with no fields: a button that changes something, protected by the CSRF token."""


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in Swedish local time; a malformed value says how to write it."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("format", [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        for fmt in self.format:
            try:
                self.data = datetime.strptime(text, fmt)  # noqa: DTZ007  local wall-clock time
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Enter a date and time like 2027-03-31 23:59."))

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(DATETIME_FORMAT) if self.data else ""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def length_limit(limit: int) -> Length:
    """A length limit whose message gives the limit and the length typed."""
    return Length(max=limit, message=_l("Use at most %(max)d characters; you typed %(length)d."))
