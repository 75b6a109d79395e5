from flask import Blueprint

bp = Blueprint("board", __name__)

from kick_forms.board import export_views, plan_views, views  # noqa: E402,F401  registers the routes
