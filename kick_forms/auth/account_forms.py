"""Forms of a member of staff's own account: new password, forgotten password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from kick_forms.auth.passwords import PASSWORD_MIN_LENGTH
from kick_forms.i18n import lazy_gettext as _l

# Longer than any accepted password, so that a too long one reaches the rules and gets their
# message rather than being cut short.
_TYPED_MAX = 1000


def _new_password_field() -> PasswordField:
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=_TYPED_MAX)],
        description=_l(
            "At least %(number)d characters. Spaces and any letters are fine; a few words in a "
            "row are easy to remember. Common passwords are refused.",
            number=PASSWORD_MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _repeat_field() -> PasswordField:
    return PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password a second time.")),
            EqualTo("new_password", _l("The two new passwords are not the same. Type them again.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=_TYPED_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password_field()
    repeat_password = _repeat_field()


class ResetPasswordForm(FlaskForm):
    new_password = _new_password_field()
    repeat_password = _repeat_field()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
