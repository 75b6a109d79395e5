"""The public form for asking to be listed, and the staff's choice when merging."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Optional

from kick_forms.forms import (
    MultiCheckboxField,
    check_organisation_number,
    contact_email_field,
    contact_name_field,
    length_limit,
)
from kick_forms.models.organisation import DESCRIPTION_MAX, NAME_MAX, WEBSITE_MAX


class RegistrationForm(FlaskForm):
    """Posted from our own pages with a session, so Flask-WTF's CSRF token protects it."""

    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Enter the name of your organisation.")),
            length_limit(NAME_MAX),
        ],
        render_kw={"autocomplete": "organization"},
    )
    organisation_number = StringField(
        _l("Organisation number (optional)"),
        description=_l("Ten digits, e.g. 802455-1239. Many associations have none."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )
    municipality = SelectField(
        _l("Municipality"),
        description=_l("Where the organisation is based."),
        choices=[],
        validators=[DataRequired(_l("Choose the municipality where you are based."))],
    )
    categories = MultiCheckboxField(
        _l("What kind of organisation are you?"),
        description=_l("Choose one or more."),
        choices=[],
        validators=[DataRequired(_l("Choose at least one kind."))],
    )
    website = URLField(
        _l("Website (optional)"),
        validators=[
            Optional(),
            URL(message=_l("Enter a web address starting with https://.")),
            length_limit(WEBSITE_MAX),
        ],
        render_kw={"autocomplete": "url", "spellcheck": "false"},
    )
    description = TextAreaField(
        _l("Short description (optional)"),
        description=_l("What the organisation does, in a sentence or two."),
        validators=[length_limit(DESCRIPTION_MAX)],
        render_kw={"rows": 3},
    )
    contact_name = contact_name_field(
        _l("Never published. The region may contact you about the organisation.")
    )
    contact_email = contact_email_field(
        _l("We send a link here to confirm the request. Never published.")
    )
    privacy = BooleanField(
        _l("I have read how KICK Forms handles personal data"),
        validators=[DataRequired(_l("Confirm that you have read the privacy notice."))],
    )

    def validate_organisation_number(self, field) -> None:  # type: ignore[no-untyped-def]
        check_organisation_number(field)


class MergeForm(FlaskForm):
    """One per request on the page, told apart by a prefix; the choices are its look-alikes."""

    organisation = RadioField(
        _l("Same organisation as"),
        coerce=int,
        choices=[],
        validators=[InputRequired(_l("Choose the organisation to merge with."))],
    )
