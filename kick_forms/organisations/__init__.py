from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/admin")

from kick_forms.organisations import import_views, views  # noqa: E402,F401  registers the routes
