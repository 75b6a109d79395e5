from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/admin")

from kick_forms.auth import views  # noqa: E402,F401  registers the routes
