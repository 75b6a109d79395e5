from flask import Blueprint

bp = Blueprint("consultations", __name__, url_prefix="/admin")
# The consultation's documents as the public downloads them (staff of the region too, while
# it is a draft).
documents_bp = Blueprint("documents", __name__)

from kick_forms.board import export_views  # noqa: E402,F401  registers the staff exports
from kick_forms.consultations import (  # noqa: E402,F401  registers the routes
    copy_views,
    document_views,
    entry_views,
    lifecycle_views,
    plan_views,
    response_views,
    template_views,
    version_views,
    views,
)
