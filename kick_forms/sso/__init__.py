"""Signing staff in through their region's own identity provider (OpenID Connect)."""

from flask import Blueprint

bp = Blueprint("sso", __name__, url_prefix="/admin")

from kick_forms.sso import views  # noqa: E402,F401  registers the routes
