"""Form fields and validators shared by several areas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, Select, TextInput, html_params

from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.organisation import WEBSITE_MAX
from kick_forms.models.reference import Municipality, OrganisationCategory, Region
from kick_forms.models.response import CONTACT_NAME_MAX, EMAIL_MAX

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DISPLAY_FORMAT = "%Y-%m-%d %H:%M"


class ActionForm(FlaskForm):
    """A form with no fields: a button that changes something, protected by the CSRF token."""


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed as text in Swedish local time, e.g. "2027-03-31 23:59".

    A text input rather than the browser's date-time picker: a half-filled picker submits
    nothing, which would silently clear the time. A date alone gets ``default_time``.
    """

    widget = TextInput()

    def __init__(self, *args, default_time: time | None = None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("format", [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.setdefault("autocomplete", "off")
        render_kw.setdefault("spellcheck", "false")
        super().__init__(*args, **kwargs)
        self.default_time = default_time

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = " ".join(valuelist[0].split()).replace(".", ":")
        for fmt in self.format:
            try:
                self.data = datetime.strptime(text, fmt)  # noqa: DTZ007  local wall-clock time
                return
            except ValueError:
                continue
        if self.default_time is not None:
            try:
                self.data = datetime.combine(date.fromisoformat(text), self.default_time)
                return
            except ValueError:
                pass
        self.data = None
        raise ValueError(_l("Enter a date and time like 2027-03-31 23:59."))

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(DISPLAY_FORMAT) if self.data else ""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _LengthLimit(Length):
    """WTForms' Length with a message that gives the limit and the length typed, as numbers
    are written in the page's language (WTForms would fill in "5000")."""

    def __call__(self, form, field) -> None:  # type: ignore[no-untyped-def]
        length = len(field.data or "")
        if length > self.max:
            raise ValidationError(
                _(
                    "Use at most %(max)d characters; you typed %(length)d.",
                    max=self.max,
                    length=length,
                )
            )


def length_limit(limit: int) -> Length:
    """A length limit whose message gives the limit and the length typed."""
    return _LengthLimit(max=limit)


def check_organisation_number(field) -> None:  # type: ignore[no-untyped-def]
    """Validate an optional organisation number field and store it as 802455-1239."""
    from kick_forms.responses.orgnr import PersonalNumberError, normalise_organisation_number

    value = (field.data or "").strip()
    if not value:
        field.data = None
        return
    try:
        field.data = normalise_organisation_number(value)
    except PersonalNumberError:
        raise ValidationError(
            _l(
                "This looks like a personal identity number. Leave the field empty: "
                "we do not collect personal identity numbers."
            )
        ) from None
    except ValueError:
        raise ValidationError(
            _l("Check the number: ten digits, e.g. 802455-1239, or leave it empty.")
        ) from None


def contact_name_field(description: Any = "", required: bool = True) -> StringField:
    """A contact person's name: personal data, kept apart from the organisation. Staff who
    enter someone else's answer may leave it out (``required=False``)."""
    return StringField(
        _l("Contact person's name") if required else _l("Contact person's name (optional)"),
        description=description,
        validators=[
            DataRequired(_l("Enter the contact person's name.")) if required else Optional(),
            length_limit(CONTACT_NAME_MAX),
        ],
        render_kw={"autocomplete": "name" if required else "off"},
    )


def contact_email_field(description: Any, required: bool = True) -> EmailField:
    return EmailField(
        _l("Contact person's email") if required else _l("Contact person's email (optional)"),
        description=description,
        validators=[
            DataRequired(_l("Enter an email address.")) if required else Optional(),
            Email(_l("Enter an email address like name@example.se."), check_deliverability=False),
            length_limit(EMAIL_MAX),
        ],
        render_kw={"autocomplete": "email" if required else "off", "spellcheck": "false"},
    )


def may_publish_name_field(description: Any) -> RadioField:
    """Whether the board may name the organisation beside its answers."""
    return RadioField(
        _l("May the answers be published under the organisation's name?"),
        description=description,
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(_l("Choose yes or no."))],
    )


# Who an organisation is, as the answering form, the register and self-registration ask it.


def organisation_name_field(limit: int) -> StringField:
    """The name of the organisation that is answering or asking to be listed."""
    return StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Enter the name of your organisation.")),
            length_limit(limit),
        ],
        render_kw={"autocomplete": "organization"},
    )


def organisation_number_field() -> StringField:
    """Optional; check it with ``check_organisation_number`` in the form's validator."""
    return StringField(
        _l("Organisation number (optional)"),
        description=_l("Ten digits, e.g. 802455-1239. Many associations have none."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )


class PrerenderedSelect(Select):
    """A select that writes options rendered beforehand (``Prerendered``) when its field has
    them, marking the chosen one; otherwise WTForms' own rendering, with the same markup.

    The municipality list has some 290 options; WTForms would escape each label and build its
    attributes on every page, most of a start page's time."""

    def __call__(self, field, **kwargs):  # type: ignore[no-untyped-def]
        prerendered: Prerendered | None = getattr(field, "prerendered", None)
        if prerendered is None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for flag in self.validation_attrs:
            if flag not in kwargs and getattr(field.flags, flag, False):
                kwargs[flag] = True
        chosen = None if field.data is None else str(field.data)
        parts = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for value, markup in prerendered.parts:
            if value is None:
                parts.append(markup)
            else:
                parts.append("<option selected " if value == chosen else "<option ")
                parts.append(markup)
        parts.append("</select>")
        return Markup("".join(parts))  # noqa: S704  escaped by Prerendered.of and html_params


@dataclass(frozen=True)
class Prerendered:
    """A select's choices and their markup: ``(value, 'value="…">label</option>')`` per option,
    ``(None, '<optgroup …>')`` for the group tags; as ``Select`` writes them."""

    choices: list[SelectChoice]
    parts: tuple[tuple[str | None, str], ...]

    @classmethod
    def of(cls, choices: list[SelectChoice]) -> Prerendered:
        parts: list[tuple[str | None, str]] = []
        group: object = _NO_GROUP
        for choice in choices:
            if choice.optgroup != group:
                if group not in (_NO_GROUP, None):
                    parts.append((None, "</optgroup>"))
                group = choice.optgroup
                if group is not None:
                    parts.append((None, f"<optgroup {html_params(label=group)}>"))
            label = escape(choice.label or choice.value)
            parts.append((str(choice.value), f"{html_params(value=choice.value)}>{label}</option>"))
        if group not in (_NO_GROUP, None):
            parts.append((None, "</optgroup>"))
        return cls(choices, tuple(parts))


_NO_GROUP = object()


def municipality_field() -> SelectField:
    """Required; its choices come from ``organisation_choices``."""
    return SelectField(
        _l("Municipality"),
        description=_l("Where the organisation is based."),
        choices=[],
        validators=[DataRequired(_l("Choose the municipality where you are based."))],
        widget=PrerenderedSelect(),
    )


def categories_field() -> MultiCheckboxField:
    """At least one kind; the choices come from ``organisation_choices``."""
    return MultiCheckboxField(
        _l("What kind of organisation are you?"),
        description=_l("Choose one or more."),
        choices=[],
        validators=[DataRequired(_l("Choose at least one kind."))],
    )


def website_field() -> URLField:
    return URLField(
        _l("Website (optional)"),
        validators=[
            Optional(),
            URL(message=_l("Enter a web address starting with https://.")),
            length_limit(WEBSITE_MAX),
        ],
        render_kw={"spellcheck": "false"},
    )


def organisation_choices(form: Any, region: Region, empty: Any) -> None:
    """The municipalities (the region's first, then the others) and the kinds of organisation,
    for a form's ``municipality`` and (when it has one) ``categories`` fields; ``empty`` labels
    "none chosen".

    Both lists are reference data, which changes only by ``flask kick load-reference`` before
    the application starts; so they are read and the select's options rendered once per
    application, region, language and empty label."""
    key = (region.id, str(get_locale()), str(empty))
    cache = current_app.extensions.setdefault("kick_organisation_choices", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _organisation_choices(region, str(empty))
    municipalities, categories = found
    form.municipality.choices = municipalities.choices
    form.municipality.prerendered = municipalities
    if hasattr(form, "categories"):
        form.categories.choices = categories


def _organisation_choices(region: Region, empty: str) -> tuple[Prerendered, list[SelectChoice]]:
    rows = db.session.execute(
        select(Municipality.code, Municipality.name, Municipality.region_id).order_by(
            Municipality.name
        )
    ).all()
    county, others = region.county, str(_l("Other municipalities"))
    municipalities = (
        [SelectChoice("", empty)]
        + [SelectChoice(code, name, optgroup=county) for code, name, in_region in rows
           if in_region == region.id]
        + [SelectChoice(code, name, optgroup=others) for code, name, in_region in rows
           if in_region != region.id]
    )  # fmt: skip
    categories = [
        SelectChoice(category.key, category.name)
        for category in db.session.scalars(
            select(OrganisationCategory).order_by(OrganisationCategory.position)
        )
    ]
    return Prerendered.of(municipalities), categories


# A honeypot: a field people never see or reach, that form-filling robots fill in.

HONEYPOT = "fax_number"


def privacy_notice_field() -> BooleanField:
    """A public form's tick that its sender has read the privacy notice (linked beside it)."""
    return BooleanField(
        _l("I have read how KICK Forms handles personal data"),
        validators=[DataRequired(_l("Confirm that you have read the privacy notice."))],
    )


def honeypot_field() -> StringField:
    return StringField(
        _l("Leave this field empty"),
        validators=[Optional(), Length(max=0, message=_l("Leave this field empty."))],
        render_kw={"autocomplete": "off", "tabindex": "-1"},
        name=HONEYPOT,
    )
