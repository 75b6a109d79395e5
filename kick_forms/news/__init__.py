"""News: KICK's staff write for everyone, a region's staff for their region.

Two blueprints: ``bp`` for the public lists (/nytt, and each region's at /r/<region>/nytt) and
each piece of news; ``staff_bp`` for writing them, under /admin/nytt (KICK's staff, national
news) and /admin/r/<region>/nytt (the region's editors).
"""

from flask import Blueprint

bp = Blueprint("news", __name__)
staff_bp = Blueprint("news_staff", __name__, url_prefix="/admin")

from kick_forms.news import feed_views, follow_views, staff_views, views  # noqa: E402,F401  registers the routes
