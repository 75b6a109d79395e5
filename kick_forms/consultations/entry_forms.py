"""The form staff fill in for an answer that arrived by e-mail, by post or at a meeting.

Who sent it has the answering flow's fields (the same partial renders them), with messages
that speak to staff; the contact person is optional. The answers to the questions are read
from the request by the answering flow's rules, not by this form.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, ValidationError

from kick_forms.consultations.labels import CHANNEL_LABELS
from kick_forms.forms import (
    MultiCheckboxField,
    check_organisation_number,
    contact_email_field,
    contact_name_field,
    length_limit,
    may_publish_name_field,
    organisation_number_field,
)
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Channel
from kick_forms.models.response import ORGANISATION_NAME_MAX


class EntryForm(FlaskForm):
    nonce = HiddenField()
    # The staged entry that holds the files chosen so far.
    staged = HiddenField()
    organisation_name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Enter the name of the organisation.")),
            length_limit(ORGANISATION_NAME_MAX),
        ],
        render_kw={"autocomplete": "off"},
    )
    organisation_number = organisation_number_field()
    municipality = SelectField(
        _l("Municipality"),
        description=_l("Where the organisation is based."),
        choices=[],
        validators=[DataRequired(_l("Choose the organisation's municipality."))],
    )
    categories = MultiCheckboxField(
        _l("Kind of organisation"),
        description=_l("Choose one or more."),
        choices=[],
        validators=[DataRequired(_l("Choose at least one kind."))],
    )
    contact_name = contact_name_field(_l("Never published."), required=False)
    contact_email = contact_email_field(
        _l("No receipt is sent: tell the organisation yourself if you want to."), required=False
    )
    may_publish_name = may_publish_name_field(
        _l(
            "As the organisation said. If it did not say, choose No: the summary then names "
            "only its kind of organisation."
        )
    )
    channel = RadioField(
        _l("How did the answer arrive?"),
        choices=[
            SelectChoice(channel.value, CHANNEL_LABELS[channel])
            for channel in (Channel.EMAIL, Channel.POST, Channel.MEETING)
        ],
        validators=[InputRequired(_l("Choose how the answer arrived."))],
    )
    received_on = DateField(
        _l("Date of arrival"),
        description=_l("The day the region received it, e.g. 2027-03-14."),
        validators=[InputRequired(_l("Enter the date the answer arrived, e.g. 2027-03-14."))],
        invalid_value_message=_l("Write the date like 2027-03-14."),
    )

    def __init__(self, *args, today: date, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_organisation_number(self, field) -> None:  # type: ignore[no-untyped-def]
        check_organisation_number(field)

    def validate_received_on(self, field) -> None:  # type: ignore[no-untyped-def]
        if field.data is not None and field.data > self.today:
            raise ValidationError(_l("The date cannot be later than today."))
