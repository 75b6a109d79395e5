"""The register's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from kick_forms.forms import (
    MultiCheckboxField,
    check_organisation_number,
    contact_email_field,
    contact_name_field,
    length_limit,
    organisation_number_field,
    website_field,
)
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.organisation import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NOTES_MAX,
    PHONE_MAX,
    ROLE_MAX,
    SizeBand,
)

SIZE_LABELS = {
    SizeBand.SMALL: _l("Fewer than 25 members"),
    SizeBand.MEDIUM: _l("25–99 members"),
    SizeBand.LARGE: _l("100–499 members"),
    SizeBand.VERY_LARGE: _l("500 members or more"),
}


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Enter the name of the organisation.")),
            length_limit(NAME_MAX),
        ],
    )
    organisation_number = organisation_number_field()
    municipality = SelectField(_l("Municipality"), choices=[], validators=[Optional()])
    categories = MultiCheckboxField(
        _l("Kind of organisation"), description=_l("Choose one or more."), choices=[]
    )
    website = website_field()
    description = TextAreaField(
        _l("Short description (optional)"),
        validators=[length_limit(DESCRIPTION_MAX)],
        render_kw={"rows": 3},
    )
    size_band = RadioField(
        _l("Size (optional)"),
        choices=[SelectChoice("", _l("Not known"))]
        + [SelectChoice(band.value, label) for band, label in SIZE_LABELS.items()],
        validators=[Optional()],
        default="",
    )

    def validate_organisation_number(self, field) -> None:  # type: ignore[no-untyped-def]
        check_organisation_number(field)


class ContactForm(FlaskForm):
    contact_name = contact_name_field()
    contact_email = contact_email_field(_l("Invitations and reminders go here. Never published."))
    contact_phone = StringField(
        _l("Phone (optional)"),
        validators=[Optional(), length_limit(PHONE_MAX)],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    contact_role = StringField(
        _l("Role in the organisation (optional)"),
        description=_l("For instance chair, treasurer or secretary."),
        validators=[Optional(), length_limit(ROLE_MAX)],
        render_kw={"autocomplete": "off"},
    )


class NotesForm(FlaskForm):
    notes = TextAreaField(
        _l("Your region's notes"),
        description=_l("Only your region's staff see these; other regions that list the "
                       "organisation have notes of their own."),
        validators=[length_limit(NOTES_MAX)],
        render_kw={"rows": 4},
    )  # fmt: skip
