from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import Length

from kick_forms.i18n import lazy_gettext as _l


def _stripped(value: str | None) -> str:
    return (value or "").strip()


class SsoSettingsForm(FlaskForm):
    issuer = StringField(
        _l("Issuer URL"),
        validators=[Length(max=300)],
        filters=[_stripped],
        description=_l(
            "The provider's issuer, as in its discovery document, for example "
            "https://login.microsoftonline.com/TENANT-ID/v2.0. Leave everything empty to turn "
            "signing in through the region off."
        ),
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    client_id = StringField(
        _l("Client id"),
        validators=[Length(max=200)],
        filters=[_stripped],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    client_secret = PasswordField(
        _l("Client secret"),
        validators=[Length(max=300)],
        filters=[_stripped],
        description=_l("Never shown again once saved. Leave empty to keep the stored secret."),
        render_kw={"autocomplete": "new-password"},
    )
    sso_required = BooleanField(_l("Sign-in through the region's account is required"))
