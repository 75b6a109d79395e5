"""Organisations asking to be listed in a region's register, and staff deciding on the requests.

Two blueprints: the public form and its confirmation link, and the staff pages under /admin.
"""

from flask import Blueprint

bp = Blueprint("registration", __name__)
staff_bp = Blueprint("registration_staff", __name__, url_prefix="/admin")

from kick_forms.registration import staff_views, views  # noqa: E402,F401  registers the routes
