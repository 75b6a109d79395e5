from flask import Blueprint

bp = Blueprint("invitations", __name__)

from kick_forms.invitations import views  # noqa: E402,F401  registers the routes
