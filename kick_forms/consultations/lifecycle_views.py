"""Staff closing a consultation early: a confirmation page, then the closing itself."""

from __future__ import annotations

from flask import flash, render_template, url_for

from kick_forms import htmx
from kick_forms.consultations import bp, lifecycle
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import ConsultationStatus, Role
from kick_forms.timeutil import utcnow


@bp.route("/r/<region_slug>/c/<int:consultation_id>/close", methods=["GET", "POST"])
def consultation_close(region_slug: str, consultation_id: int):
    """ "Stäng nu": what closing means, then (POST) the closing time set to now."""
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    form = ActionForm()
    now = utcnow()
    is_open = consultation.status == ConsultationStatus.OPEN
    if is_open and form.validate_on_submit():
        lifecycle.close_now(consultation, now)
        db.session.commit()
        flash(_("The consultation is closed. No more answers can be sent or changed."), "success")
        return htmx.redirect(
            url_for(
                "consultations.builder", region_slug=region.slug, consultation_id=consultation.id
            )
        )
    page = render_template(
        "consultations/close.html",
        region=region,
        consultation=consultation,
        form=form,
        now=now,
        is_open=is_open,
        closes_early=consultation.closes_at is not None and consultation.closes_at > now,
    )
    return page, 200 if is_open else 409
