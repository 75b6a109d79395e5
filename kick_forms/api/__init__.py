from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from kick_forms.api import hooks, views  # noqa: E402,F401  registers the hooks and routes
