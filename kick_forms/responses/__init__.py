from flask import Blueprint

bp = Blueprint("responses", __name__)

from kick_forms.responses import (  # noqa: E402,F401  registers the routes
    comment_views,
    shown_views,
    views,
)
