"""The study guide (studiehandledning): sessions on cultural policy for study circles."""

from flask import Blueprint

bp = Blueprint("studyguide", __name__, url_prefix="/studiehandledning")

from kick_forms.studyguide import views  # noqa: E402,F401  registers the routes
