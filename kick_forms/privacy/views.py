"""The public privacy notice; for staff, a contact person's data and the region's audit log."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user, login_required

from kick_forms.accessibility.services import operator
from kick_forms.consultations.permissions import staff_region
from kick_forms.i18n import gettext as _
from kick_forms.i18n import ngettext
from kick_forms.models import OrganisationContact, Region, Role
from kick_forms.organisations.services import region_contact, region_organisation
from kick_forms.privacy import audit_log, services
from kick_forms.timeutil import utcnow

bp = Blueprint("privacy", __name__)


def retention_text(days: int) -> str:
    """The retention time as people say it: in years or months when it is about that."""
    if days >= 365 and days % 365 == 0:
        return ngettext("%(num)d year", "%(num)d years", days // 365)
    if days >= 28:
        return ngettext("%(num)d month", "%(num)d months", round(days / 30.44))
    return ngettext("%(num)d day", "%(num)d days", days)


@bp.route("/integritet")
def notice():
    retention = retention_text(current_app.config["CONTACT_RETENTION_DAYS"])
    return render_template("privacy/notice.html", retention=retention, operator=operator())


def _contact(region: Region, organisation_id: int, contact_id: int) -> OrganisationContact:
    """One of the region's own contact persons of an organisation in its register, or 404."""
    organisation = region_organisation(region, organisation_id)
    contact = region_contact(region, organisation, contact_id) if organisation else None
    if contact is None:
        abort(404)
    return contact


@bp.route(
    "/admin/r/<region_slug>/organisations/<int:organisation_id>/contacts/<int:contact_id>/export"
)
@login_required
def contact_export(region_slug: str, organisation_id: int, contact_id: int):
    """Everything held about one contact person, as a file to give them (the right of access)."""
    region = staff_region(region_slug, Role.EDITOR)
    contact = _contact(region, organisation_id, contact_id)
    record = services.contact_record(region, contact)
    name = f"{region.slug}-{_('contact-person')}-{contact.id}-{utcnow():%Y-%m-%d}.json"
    audit_log.record_read(
        "contact.export", f"contact:{contact_id}", region, f"organisation={organisation_id}"
    )
    response = make_response(json.dumps(record, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/audit")
@login_required
def platform_audit_page():
    """The events of no region (KICK's shared examples, the purge): for KICK's staff."""
    if not current_user.is_platform_admin:
        abort(403)
    page = request.args.get("page", "1")
    log = audit_log.platform_log(int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("privacy/audit.html", region=None, log=log)


@bp.route("/admin/r/<region_slug>/audit")
@login_required
def audit_page(region_slug: str):
    """Who saw, downloaded, erased or published what in the region: for all of its staff."""
    region = staff_region(region_slug)
    page = request.args.get("page", "1")
    log = audit_log.region_log(region, int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("privacy/audit.html", region=region, log=log)
