"""The guide's pages, and the "Hjälp" link every page it describes shows."""

from __future__ import annotations

from flask import abort, render_template

from kick_forms.help import bp, guide


@bp.route("/")
def index():
    return render_template("help/index.html", pages=guide.pages())


@bp.route("/<slug>")
def page(slug: str):
    found = guide.page(slug)
    if found is None:
        abort(404)
    group = [other for other in guide.pages() if other.group == found.group]
    return render_template("help/page.html", page=found, group=group)


@bp.app_template_global()
def help_url(endpoint: str | None) -> str | None:
    """The guide's section on the page of this endpoint, or None where the guide has none."""
    return guide.help_url(endpoint)
