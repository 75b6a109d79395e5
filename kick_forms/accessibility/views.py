"""``/tillganglighet``: the statement with its report form, and the receipt after a report."""

from __future__ import annotations

from flask import redirect, render_template, session, url_for

from kick_forms.accessibility import bp
from kick_forms.accessibility import services as accessibility
from kick_forms.accessibility.forms import ProblemReportForm
from kick_forms.extensions import db, limiter, public_write_limit
from kick_forms.timeutil import utcnow

# The reference of the visitor's last report, for the receipt page after the redirect.
RECEIPT_KEY = "accessibility_report"


@bp.route("/tillganglighet", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def statement():
    form = ProblemReportForm()
    if form.validate_on_submit():
        report = accessibility.ProblemReport(
            page=form.page.data or "",
            problem=form.problem.data or "",
            email=(form.email.data or "").strip() or None,
        )
        reference = accessibility.report_problem(report, utcnow())
        db.session.commit()
        session[RECEIPT_KEY] = reference
        return redirect(url_for(".report_sent"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "accessibility/statement.html",
        form=form,
        statement=accessibility.statement(),
        operator=accessibility.operator(),
    ), status


@bp.route("/tillganglighet/skickat")
def report_sent():
    """The receipt, for whoever sent the report: its reference is kept in their session."""
    reference = session.get(RECEIPT_KEY)
    if reference is None:
        return redirect(url_for(".statement"), code=303)
    return render_template(
        "accessibility/sent.html", reference=reference, operator=accessibility.operator()
    )
