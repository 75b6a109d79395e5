"""Forms of the consultation builder. Checks that need the database live in the services."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, NumberRange, Optional, Regexp

from kick_forms.consultations.labels import QUESTION_KIND_LABELS
from kick_forms.forms import LocalDateTimeField, MultiCheckboxField, length_limit
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.consultation import (
    HELP_MAX,
    INTRO_MAX,
    LABEL_MAX,
    LONG_TEXT_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    REGISTRY_NUMBER_MAX,
    SCALE_LABEL_MAX,
    SECTION_DESCRIPTION_MAX,
    SHORT_TEXT_MAX,
    SLUG_MAX,
    TITLE_MAX,
    QuestionKind,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


YEAR_RANGE = NumberRange(2000, 2100, message=_l("Enter a year between 2000 and 2100."))


class ConsultationForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title.")), length_limit(TITLE_MAX)],
    )
    slug = StringField(
        _l("Web address (slug)"),
        description=_l(
            "Lower-case letters a–z, digits and hyphens, e.g. kulturplan-2027-2030. "
            "Leave empty to make one from the title."
        ),
        validators=[
            Optional(),
            length_limit(SLUG_MAX),
            Regexp(SLUG_PATTERN, message=_l("Use only a–z, 0–9 and single hyphens between words.")),
        ],
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )
    intro = TextAreaField(
        _l("Introduction"),
        description=_l(
            "Shown at the top of the consultation. Markdown: **bold**, *italics*, "
            "lists with -, links as [text](https://…)."
        ),
        validators=[length_limit(INTRO_MAX)],
        render_kw={"rows": 8},
    )
    plan_start_year = IntegerField(
        _l("Plan period from (year)"),
        validators=[Optional(), YEAR_RANGE],
        render_kw={"inputmode": "numeric"},
    )
    plan_end_year = IntegerField(
        _l("Plan period to (year)"),
        validators=[Optional(), YEAR_RANGE],
        render_kw={"inputmode": "numeric"},
    )
    culture_areas = MultiCheckboxField(_l("Culture areas"), choices=[])
    opens_at = LocalDateTimeField(
        _l("Opens"),
        description=_l("Swedish time, e.g. 2027-01-15 08:00. Empty: opens when you open it."),
        validators=[Optional()],
        default_time=time(0, 0),
    )
    closes_at = LocalDateTimeField(
        _l("Closes (last time to answer)"),
        description=_l("Swedish time, e.g. 2027-03-31 23:59. A date alone means 23:59 that day."),
        validators=[Optional()],
        default_time=time(23, 59),
    )
    code_level = RadioField(_l("Level of participation"), choices=[], validators=[Optional()])
    code_step = RadioField(_l("Step of the decision process"), choices=[], validators=[Optional()])
    board_visibility = RadioField(
        _l("Who may see the summary of the answers?"),
        choices=[
            SelectChoice("while_open", _l("Everyone, already while the consultation is open")),
            SelectChoice("after_closing", _l("Everyone, once the consultation has closed")),
            SelectChoice("when_published", _l("Everyone, once you publish the summary")),
        ],
        default="when_published",
    )
    board_live = BooleanField(_l("While open, the summary updates itself for its readers"))
    review_before_publishing = BooleanField(
        _l("Review free-text answers and attached statements before they appear in public"),
        description=_l(
            "Figures are public at once. Texts and files wait in a queue until you publish, "
            "hide or redact them."
        ),
    )
    registry_number = StringField(
        _l("Registration number (diarienummer)"),
        description=_l("As your records system writes it, e.g. RS 2026/1234. Optional."),
        validators=[length_limit(REGISTRY_NUMBER_MAX)],
        render_kw={"spellcheck": "false"},
    )
    registrar_email = StringField(
        _l("The registrar's e-mail address"),
        description=_l(
            "Optional. Each answer that arrives is sent there as a PDF, for registration."
        ),
        validators=[
            Optional(),
            length_limit(254),
            Email(_l("Enter an e-mail address like name@region.se."), check_deliverability=False),
        ],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        start, end = self.plan_start_year.data, self.plan_end_year.data
        if start and end and end < start:
            self.plan_end_year.errors.append(
                _l("The plan period must end in or after its first year.")
            )
            valid = False
        opens, closes = self.opens_at.data, self.closes_at.data
        if opens and closes and closes <= opens:
            self.closes_at.errors.append(_l("The closing time must be after the opening time."))
            valid = False
        return valid


class SectionForm(FlaskForm):
    title = StringField(
        _l("Section heading"),
        validators=[DataRequired(_l("Enter a heading for the section.")), length_limit(TITLE_MAX)],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[length_limit(SECTION_DESCRIPTION_MAX)],
        render_kw={"rows": 3},
    )


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Kind of question"),
        choices=[SelectChoice(kind.value, label) for kind, label in QUESTION_KIND_LABELS.items()],
        default=QuestionKind.SHORT_TEXT.value,
    )
    label = TextAreaField(
        _l("Question"),
        validators=[DataRequired(_l("Enter the question.")), length_limit(LABEL_MAX)],
        render_kw={"rows": 2},
    )
    help_text = TextAreaField(
        _l("Help text (optional)"),
        description=_l("Shown under the question, e.g. what you want to know and why."),
        validators=[length_limit(HELP_MAX)],
        render_kw={"rows": 2},
    )
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Options"),
        description=_l("For choice questions: one option per line, at least two."),
        render_kw={"rows": 5},
    )
    allow_other = BooleanField(_l("Add “Other, please specify”"))
    max_length = IntegerField(
        _l("Maximum length (characters)"),
        description=_l("For text answers. Empty means 300 for short text, 5000 for long text."),
        validators=[
            Optional(),
            NumberRange(1, LONG_TEXT_MAX, message=_l("Enter a number from 1 to 20000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    scale_min_label = StringField(
        _l("Label for 1"),
        description=_l("For scales, e.g. “Not at all”."),
        validators=[length_limit(SCALE_LABEL_MAX)],
    )
    scale_max_label = StringField(
        _l("Label for 5"),
        description=_l("For scales, e.g. “Very much”."),
        validators=[length_limit(SCALE_LABEL_MAX)],
    )
    number_min = IntegerField(_l("Smallest number allowed"), validators=[Optional()])
    number_max = IntegerField(_l("Largest number allowed"), validators=[Optional()])
    # Choices per earlier choice question, set by the view; checked by conditions.set_condition.
    shown_if = SelectField(
        _l("Show only if…"),
        description=_l(
            "Show the question only after a given answer to an earlier choice question."
        ),
        choices=[],
        validate_choice=False,
    )

    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        kind = QuestionKind(self.kind.data) if self.kind.data in set(QuestionKind) else None
        if kind and kind.has_options:
            lines = self.option_lines()
            if len(lines) < 2:
                self.options.errors.append(_l("A choice question needs at least two options."))
                valid = False
            elif len(lines) > OPTIONS_MAX:
                self.options.errors.append(_l("Use at most %(max)d options.", max=OPTIONS_MAX))
                valid = False
            elif any(len(line) > OPTION_MAX for line in lines):
                self.options.errors.append(
                    _l("Each option can have at most %(max)d characters.", max=OPTION_MAX)
                )
                valid = False
            elif len({line.casefold() for line in lines}) != len(lines):
                self.options.errors.append(_l("Two options are the same; remove one."))
                valid = False
        if kind == QuestionKind.SHORT_TEXT and (self.max_length.data or 0) > SHORT_TEXT_MAX:
            self.max_length.errors.append(
                _l("Short text can have at most %(max)d characters.", max=SHORT_TEXT_MAX)
            )
            valid = False
        low, high = self.number_min.data, self.number_max.data
        if kind == QuestionKind.NUMBER and low is not None and high is not None and high < low:
            self.number_max.errors.append(_l("The largest number must not be below the smallest."))
            valid = False
        return valid


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired()])


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
