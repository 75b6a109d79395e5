"""Who is answering: the only fixed form of the answering flow."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

from kick_forms.forms import (
    categories_field,
    check_organisation_number,
    contact_email_field,
    contact_name_field,
    honeypot_field,
    may_publish_name_field,
    municipality_field,
    organisation_name_field,
    organisation_number_field,
)
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.response import ORGANISATION_NAME_MAX


class RespondentForm(FlaskForm):
    """Posted without a CSRF cookie: the private link or an origin check protects it."""

    class Meta:
        csrf = False

    nonce = HiddenField()
    fax_number = honeypot_field()
    organisation_name = organisation_name_field(ORGANISATION_NAME_MAX)
    organisation_number = organisation_number_field()
    municipality = municipality_field()
    categories = categories_field()
    contact_name = contact_name_field(
        _l("Never published. The region may contact you about your answer.")
    )
    contact_email = contact_email_field(
        _l("We send the private link to the draft and a receipt here.")
    )
    may_publish_name = may_publish_name_field(
        _l(
            "If not, the summary names only your kind of organisation. "
            "The contact person is never published."
        )
    )

    def validate_organisation_number(self, field) -> None:  # type: ignore[no-untyped-def]
        check_organisation_number(field)
