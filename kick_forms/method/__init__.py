"""The Council of Europe's Code explained, and KICK's examples of ways of working in its matrix.

Two blueprints: the public page /metod, and the pages under /admin/metod where KICK's own staff
(platform administrators) keep the examples.
"""

from flask import Blueprint

bp = Blueprint("method", __name__)
staff_bp = Blueprint("method_staff", __name__, url_prefix="/admin/metod")

from kick_forms.method import staff_views, views  # noqa: E402,F401  registers the routes
