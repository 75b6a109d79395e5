"""The staff's form for a piece of news, and the public form for following by e-mail."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Optional

from kick_forms.forms import (
    LocalDateTimeField,
    MultiCheckboxField,
    honeypot_field,
    length_limit,
    privacy_notice_field,
)
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.news import NEWS_BODY_MAX, NEWS_TITLE_MAX, DigestFrequency, NewsStatus
from kick_forms.models.response import EMAIL_MAX


def _stripped(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class NewsForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[_stripped],
        validators=[DataRequired(_l("Enter a title.")), length_limit(NEWS_TITLE_MAX)],
        render_kw={"autocomplete": "off"},
    )
    body = TextAreaField(
        _l("Text"),
        description=_l("Markdown: **bold**, *italics*, lists with -, links as [text](https://…)."),
        filters=[_stripped],
        validators=[DataRequired(_l("Write the text of the news.")), length_limit(NEWS_BODY_MAX)],
        render_kw={"rows": 10},
    )
    consultation = SelectField(
        _l("About the consultation"),
        description=_l("The news links to it. Optional."),
        choices=[],
        validators=[Optional()],
    )
    status = RadioField(
        _l("Who may read it?"),
        choices=[
            SelectChoice(NewsStatus.DRAFT, _l("Only staff: a draft")),
            SelectChoice(NewsStatus.PUBLISHED, _l("Everyone: published")),
        ],
        default=NewsStatus.DRAFT,
    )
    publish_at = LocalDateTimeField(
        _l("Publish time"),
        description=_l(
            "Swedish time, e.g. 2027-01-15 08:00. Empty: when you publish it. A time ahead "
            "publishes it then."
        ),
        validators=[Optional()],
        default_time=time(8, 0),
    )


class FollowForm(FlaskForm):
    """Following regions and KICK's news by e-mail; posted from our own pages with a session,
    so Flask-WTF's CSRF token protects it."""

    fax_number = honeypot_field()

    email = EmailField(
        _l("Email"),
        description=_l("We send a link here to confirm. Never published or shared."),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Email(_l("Enter an email address like name@example.se."), check_deliverability=False),
            length_limit(EMAIL_MAX),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    regions = MultiCheckboxField(_l("Regions"), choices=[])
    national = BooleanField(_l("KICK's news for everyone"))
    frequency = RadioField(
        _l("How often?"),
        choices=[
            SelectChoice(DigestFrequency.DAILY, _l("At most once a day, when something happened")),
            SelectChoice(DigestFrequency.WEEKLY, _l("Once a week")),
        ],
        default=DigestFrequency.WEEKLY,
    )
    opened = BooleanField(_l("Consultations that open"), default=True)
    closing = BooleanField(_l("The last week before a consultation's deadline"), default=True)
    feedback = BooleanField(_l("The region's feedback on the answers"), default=True)
    news = BooleanField(_l("News"), default=True)
    privacy = privacy_notice_field()

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        if not self.regions.data and not self.national.data:
            self.regions.errors = [*self.regions.errors, _l("Choose a region, or KICK's news.")]
            return False
        if not (self.opened.data or self.closing.data or self.feedback.data or self.news.data):
            self.opened.errors = [*self.opened.errors, _l("Choose at least one kind of update.")]
            return False
        return valid
