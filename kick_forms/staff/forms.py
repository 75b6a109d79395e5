"""The forms of the colleagues' pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from kick_forms.auth.services import PASSWORD_MIN_LENGTH
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Role


def role_choices() -> list[tuple[str, str]]:
    return [
        (Role.VIEWER.value, str(_l("Viewer: reads everything, changes nothing"))),
        (Role.EDITOR.value, str(_l("Editor: builds consultations and keeps the register"))),
        (Role.ADMIN.value, str(_l("Admin: also manages colleagues"))),
    ]


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter the colleague's email address.")),
            Email(_l("Enter an email address like name@region.se.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = SelectField(_l("Role"), choices=role_choices, default=Role.VIEWER.value)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)


class WelcomeForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Choose a password"),
        description=_l(
            "At least %(count)d characters. A few words in a row are easy to remember.",
            count=PASSWORD_MIN_LENGTH,
        ),
        validators=[DataRequired(_l("Choose a password.")), Length(max=1000)],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("The password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
