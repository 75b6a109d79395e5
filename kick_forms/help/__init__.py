"""/hjalp: the guide for the people who use KICK Forms, the region's staff and the organisations
that answer, written as Markdown files in ``content/`` (Swedish, and English for the English
interface). Every staff page links its section of the guide ("Hjälp")."""

from flask import Blueprint

bp = Blueprint("help", __name__, url_prefix="/hjalp")

from kick_forms.help import views  # noqa: E402,F401  registers the routes
