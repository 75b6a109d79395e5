from flask import Blueprint

bp = Blueprint("regions", __name__)

from kick_forms.regions import plan_views, views  # noqa: E402,F401  registers the routes
