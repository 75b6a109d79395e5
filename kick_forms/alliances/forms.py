"""The staff's form for an alliance: its name, its region and its web address."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, ValidationError

from kick_forms.forms import length_limit
from kick_forms.i18n import lazy_gettext as _l


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
