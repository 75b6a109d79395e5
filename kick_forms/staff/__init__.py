"""Colleagues: a region's admins invite, change and stop their staff; platform admins do it for
every region and for each other. The invited person's welcome link is the one public page."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/admin")

from kick_forms.staff import views  # noqa: E402,F401  registers the routes
