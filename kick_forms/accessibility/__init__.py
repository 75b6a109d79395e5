"""The accessibility statement (tillgänglighetsredogörelse) and its form for reporting a problem.

The blueprint's routes are in ``views.py``; ``services`` also tells the privacy notice who
operates the installation.
"""

from flask import Blueprint

bp = Blueprint("accessibility", __name__)

from kick_forms.accessibility import views  # noqa: E402,F401  registers the routes
