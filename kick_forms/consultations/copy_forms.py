"""Forms for copying a consultation, starting one from a template and keeping the templates."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from kick_forms.forms import length_limit
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.consultation import TITLE_MAX
from kick_forms.models.template import TEMPLATE_DESCRIPTION_MAX

BLANK = "blank"


class CopyForm(FlaskForm):
    title = StringField(
        _l("Title of the copy"),
        validators=[DataRequired(_l("Enter a title.")), length_limit(TITLE_MAX)],
    )


class StartForm(FlaskForm):
    """How a new consultation starts: empty, or from one of the templates (ids as values)."""

    start = RadioField(
        _l("Start from"), validators=[InputRequired(_l("Choose how to start."))], default=BLANK
    )
    title = StringField(
        _l("Title"),
        description=_l("Leave empty to use the template's title. You can change it later."),
        validators=[Optional(), length_limit(TITLE_MAX)],
    )


class SaveTemplateForm(FlaskForm):
    template = RadioField(
        _l("Template to replace"), validators=[InputRequired(_l("Choose a template."))]
    )


class TemplateForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), length_limit(TITLE_MAX)]
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Regions read it when they choose how to start a consultation."),
        validators=[Optional(), length_limit(TEMPLATE_DESCRIPTION_MAX)],
    )
