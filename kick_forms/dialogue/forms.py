"""Forms of the method tool."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from kick_forms.dialogue.quality import COMMENT_MAX, QUESTIONS, SCALE, SCALE_LABELS
from kick_forms.forms import length_limit
from kick_forms.i18n import lazy_gettext as _l


class MeetingForm(FlaskForm):
    held_on = DateField(
        _l("Date"),
        description=_l("For example 2027-03-14."),
        validators=[InputRequired(_l("Enter the date of the meeting, e.g. 2027-03-14."))],
    )
    place = StringField(
        _l("Place"),
        description=_l("A town and venue, or “online”."),
        validators=[DataRequired(_l("Enter where the meeting was held.")), length_limit(200)],
    )
    participants = IntegerField(
        _l("Number of participants (optional)"),
        validators=[Optional(), NumberRange(0, 100_000, _l("Enter a number from 0 to 100000."))],
        render_kw={"inputmode": "numeric"},
    )
    summary = TextAreaField(
        _l("What was said, in short (optional)"),
        validators=[length_limit(5_000)],
        render_kw={"rows": 4},
    )
    minutes = FileField(
        _l("Minutes (optional)"),
        description=_l("PDF, Word (DOCX) or OpenDocument (ODT), at most 10 MB."),
    )


class _QualityBase(FlaskForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # The scale's words in the language of this request, not of the import.
        for question in QUESTIONS:
            self[f"q_{question.key}"].choices = _scale_choices()

    comment = TextAreaField(
        _l("What could be better next time? (optional)"),
        validators=[length_limit(COMMENT_MAX)],
        render_kw={"rows": 4},
    )


def _scale_choices() -> list[SelectChoice]:
    return [SelectChoice(str(value), f"{value} – {SCALE_LABELS[value]}") for value in SCALE]


def _scale_field(question) -> RadioField:  # type: ignore[no-untyped-def]
    return RadioField(
        question.text,
        description=question.principle,
        choices=[],
        validators=[InputRequired(_l("Choose a value from 1 to 5."))],
    )


QualityForm = type(
    "QualityForm",
    (_QualityBase,),
    {f"q_{question.key}": _scale_field(question) for question in QUESTIONS},
)
