"""The staff's forms for an alliance (its name, region and web address, and starting one) and
the public form for helping to start one."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, ValidationError

from kick_forms.forms import (
    contact_email_field,
    contact_name_field,
    honeypot_field,
    length_limit,
    municipality_field,
    organisation_name_field,
    privacy_notice_field,
)
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.organisation import NAME_MAX


def _stripped(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AllianceForm(FlaskForm):
    name = StringField(
        _l("Name of the alliance"),
        description=_l("As the alliance calls itself, e.g. Ideell kulturallians Kronoberg."),
        filters=[_stripped],
        validators=[DataRequired(_l("Enter the name of the alliance.")), length_limit(120)],
        render_kw={"autocomplete": "off"},
    )
    region = SelectField(
        _l("Region"),
        description=_l("The region whose cultural actors the alliance gathers."),
        choices=[],
        validators=[DataRequired(_l("Choose the alliance's region."))],
    )
    url = URLField(
        _l("Web address"),
        description=_l("Starts with https://, e.g. the address of the alliance's Facebook group."),
        filters=[_stripped],
        validators=[
            DataRequired(_l("Enter the alliance's web address.")),
            URL(message=_l("Enter a web address starting with https://.")),
            length_limit(300),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

    def validate_url(self, field) -> None:  # type: ignore[no-untyped-def]
        # Visitors follow the link from our pages: never onto an unencrypted connection.
        if not field.errors and urlsplit(field.data or "").scheme != "https":
            raise ValidationError(_l("Enter a web address starting with https://."))


class InterestForm(FlaskForm):
    """An organisation that wants to help start its region's alliance; posted from our own
    pages with a session, so Flask-WTF's CSRF token protects it."""

    fax_number = honeypot_field()

    name = organisation_name_field(NAME_MAX)
    municipality = municipality_field()
    contact_name = contact_name_field(
        _l("Never published. KICK writes to you when the alliance starts.")
    )
    contact_email = contact_email_field(
        _l("We send a link here to confirm that you want to take part. Never published.")
    )
    privacy = privacy_notice_field()


class StartForm(FlaskForm):
    """KICK's staff starting a region's alliance: its name and address; the region is given."""

    name = AllianceForm.name
    url = AllianceForm.url
    validate_url = AllianceForm.validate_url
