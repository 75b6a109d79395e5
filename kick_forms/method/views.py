"""/metod: the method manual, the KICK method's checklist, the Code and its sources, print, PDF."""

from __future__ import annotations

from flask import Response, current_app, render_template, url_for
from flask_babel import get_locale
from werkzeug.exceptions import ServiceUnavailable

from kick_forms import pdf, pdf_cache
from kick_forms.dialogue.checklist import PHASES
from kick_forms.extensions import limiter
from kick_forms.i18n import gettext as _
from kick_forms.method import advice, bp
from kick_forms.method.code import AUTHORITY_HEADINGS, code, grouped
from kick_forms.method.manual import level_anchor, step_anchor
from kick_forms.method.manual import manual as the_manual
from kick_forms.urls import public_url_for

STUDY_GUIDE_PATH = "/studiehandledning"


def study_guide_url() -> str | None:
    """The study guide's address once a page answers there; it is built apart from this one."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule.rstrip("/") == STUDY_GUIDE_PATH and not rule.arguments:
            return url_for(rule.endpoint)
    return None


@bp.route("/metod")
def manual():
    return render_template(
        "method/manual.html",
        manual=the_manual(),
        phases=PHASES,
        headings=AUTHORITY_HEADINGS,
        study_guide=study_guide_url(),
    )


@bp.route("/metod/checklista")
def checklist():
    return render_template("method/checklist.html", phases=PHASES)


@bp.route("/metod/om-koden")
def about_code():
    the_code = code()
    return render_template(
        "method/about_code.html", code=the_code, principle_lists=the_code.principle_lists()
    )


def _print_page(for_pdf: bool) -> str:
    return render_template(
        "method/print.html",
        manual=the_manual(),
        phases=PHASES,
        headings=AUTHORITY_HEADINGS,
        pdf=for_pdf,
        address=public_url_for("method.manual"),
    )


@bp.route("/metod/utskrift")
def print_version():
    return _print_page(for_pdf=False)


@bp.route("/metod/metodhandbok.pdf")
@limiter.limit(lambda: current_app.config["PDF_RATE_LIMIT"])
def manual_pdf():
    """The print version as PDF, drawn once per state of what it shows (see pdf_cache)."""
    html = _print_page(for_pdf=True)
    key = pdf_cache.state_key("manual", str(get_locale()), html)
    try:
        data = pdf_cache.kept_pdf(key, lambda: pdf.app_pdf(html))
    except pdf_cache.RenderBusy:
        raise ServiceUnavailable(retry_after=pdf_cache.RETRY_AFTER_SECONDS) from None
    response = Response(data, mimetype="application/pdf")
    name = _("method-manual") + ".pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# For other packages' pages that explain a consultation's place in the Code: the builder's choices
# and the consultation's public page.
@bp.app_template_global()
def method_level_descriptions() -> dict[str, object]:
    return {key: level.in_short for key, level in advice.LEVELS.items()}


@bp.app_template_global()
def method_step_descriptions() -> dict[str, object]:
    return {key: step.in_short for key, step in advice.STEPS.items()}


@bp.app_template_global()
def method_advice(level_key: str | None, step_key: str | None):  # type: ignore[no-untyped-def]
    """KICK's advice for a level and a step, each None when not chosen."""
    return advice.LEVELS.get(level_key or ""), advice.STEPS.get(step_key or "")


@bp.app_template_global()
def manual_url(anchor: str) -> str:
    """A part of the manual: "steg", "nivaer", or a level's or step's own anchor."""
    return url_for("method.manual", _anchor=anchor)


@bp.app_template_global()
def manual_level_url(key: str) -> str:
    return manual_url(level_anchor(key))


@bp.app_template_global()
def manual_step_url(key: str) -> str:
    return manual_url(step_anchor(key))


bp.add_app_template_global(grouped, "provenance_groups")
bp.add_app_template_global(level_anchor)
bp.add_app_template_global(step_anchor)
