from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from kick_forms.i18n import lazy_gettext as _l

_CODE = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(_l("Enter the six-digit code your app shows.")), Length(max=40)],
        description=_l("Six digits, for example 123 456."),
        render_kw={**_CODE, "inputmode": "numeric"},
    )


class ChallengeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter a code.")), Length(max=40)],
        description=_l(
            "The six-digit code your authenticator app shows, or one of your recovery codes."
        ),
        render_kw=_CODE,
    )


class ProofForm(FlaskForm):
    """It is really the person: a current code from the app, or else their password."""

    code = StringField(
        _l("Code from the app"),
        validators=[Optional(), Length(max=40)],
        render_kw={**_CODE, "inputmode": "numeric"},
    )
    password = PasswordField(
        _l("Or your password"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class RegionSignInForm(FlaskForm):
    for_admins = BooleanField(_l("Two-factor sign-in is required for administrators"))
    for_all = BooleanField(_l("Two-factor sign-in is required for all staff"))
