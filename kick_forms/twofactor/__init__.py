from flask import Blueprint

bp = Blueprint("twofactor", __name__, url_prefix="/admin")

from kick_forms.twofactor import views  # noqa: E402,F401  registers the routes
