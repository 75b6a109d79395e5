"""The staff form for one example of a way of working in the Code's matrix."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired

from kick_forms.forms import length_limit
from kick_forms.i18n import lazy_gettext as _l

EXAMPLE_NAME_MAX = 200  # the columns of CodeExample


class ExampleForm(FlaskForm):
    name_sv = StringField(
        _l("In Swedish"),
        validators=[
            DataRequired(_l("Enter the example in Swedish.")),
            length_limit(EXAMPLE_NAME_MAX),
        ],
    )
    name_en = StringField(
        _l("In English (optional)"),
        description=_l("Without it, the English page shows the Swedish text."),
        validators=[length_limit(EXAMPLE_NAME_MAX)],
    )


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired(), AnyOf(("up", "down"))])
