"""The staff's form for a piece of news."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from kick_forms.forms import LocalDateTimeField, length_limit
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.news import NEWS_BODY_MAX, NEWS_TITLE_MAX, NewsStatus


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
