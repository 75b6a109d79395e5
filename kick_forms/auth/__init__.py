from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/admin")

# Registers the routes: sign-in, and a person's own account (password, sessions).
from kick_forms.auth import account_views, views  # noqa: E402,F401
