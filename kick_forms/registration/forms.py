"""The public form for asking to be listed, and the staff's choice when merging."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from kick_forms.forms import (
    categories_field,
    check_organisation_number,
    contact_email_field,
    contact_name_field,
    honeypot_field,
    length_limit,
    municipality_field,
    organisation_name_field,
    organisation_number_field,
    privacy_notice_field,
    website_field,
)
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.organisation import DESCRIPTION_MAX, NAME_MAX


class RegistrationForm(FlaskForm):
    """Posted from our own pages with a session, so Flask-WTF's CSRF token protects it."""

    fax_number = honeypot_field()

    name = organisation_name_field(NAME_MAX)
    organisation_number = organisation_number_field()
    municipality = municipality_field()
    categories = categories_field()
    website = website_field()
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
    privacy = privacy_notice_field()

    def validate_organisation_number(self, field) -> None:  # type: ignore[no-untyped-def]
        check_organisation_number(field)


class MergeForm(FlaskForm):
    """One per request on the page, told apart by a prefix: one of the request's look-alikes,
    or any organisation of the register named by its number or its name (the view finds it)."""

    organisation = RadioField(
        _l("Same organisation as"), coerce=int, choices=[], validators=[Optional()]
    )
    other = StringField(
        _l("Or another organisation in the register"),
        description=_l("Its organisation number, or its name as the register writes it."),
        validators=[Optional(), length_limit(NAME_MAX)],
    )

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        if not super().validate(extra_validators):
            return False
        chosen, other = self.organisation.data is not None, bool((self.other.data or "").strip())
        if chosen and other:
            self.other.errors.append(
                _l("Choose one of the organisations above or name another one, not both.")
            )
            return False
        if not chosen and not other:
            field = self.organisation if self.organisation.choices else self.other
            field.errors.append(_l("Choose the organisation to merge with."))
            return False
        return True
