from flask import Blueprint

bp = Blueprint("consultations", __name__, url_prefix="/admin")

from kick_forms.board import export_views  # noqa: E402,F401  registers the staff exports
from kick_forms.consultations import (  # noqa: E402,F401  registers the routes
    entry_views,
    lifecycle_views,
    response_views,
    version_views,
    views,
)
