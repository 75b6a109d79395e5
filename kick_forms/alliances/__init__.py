"""The regional culture alliances (IKA groups): a public list, and KICK's staff keeping it.

Two blueprints: ``bp`` for the public list at /allianser and the pages where organisations say
they want to help start an alliance, and ``staff_bp`` for the pages under /admin/alliances
where KICK's own staff (platform admins) add, change, remove and start alliances.
"""

from flask import Blueprint

bp = Blueprint("alliances", __name__)
staff_bp = Blueprint("alliances_staff", __name__, url_prefix="/admin/alliances")

from kick_forms.alliances import interest_views, staff_views, views  # noqa: E402,F401  registers the routes
