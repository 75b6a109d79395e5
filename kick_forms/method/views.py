"""/metod: the Council of Europe's Code explained, with what was checked and what was not."""

from __future__ import annotations

from flask import current_app, render_template, url_for

from kick_forms.method import bp
from kick_forms.method.code import CONDITION_HEADINGS, code_page

STUDY_GUIDE_PATH = "/studiehandledning"


def study_guide_url() -> str | None:
    """The study guide's address once a page answers there; it is built apart from this one."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule.rstrip("/") == STUDY_GUIDE_PATH and not rule.arguments:
            return url_for(rule.endpoint)
    return None


@bp.route("/metod")
def code():
    return render_template(
        "method/code.html",
        page=code_page(),
        condition_headings=CONDITION_HEADINGS,
        study_guide=study_guide_url(),
    )
