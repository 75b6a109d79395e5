"""Staff decide on confirmed requests to be listed: approve, merge with an entry, or reject."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from kick_forms import audit, htmx
from kick_forms.consultations.permissions import staff_region
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import (
    Municipality,
    Organisation,
    OrganisationCategory,
    Region,
    RegistrationRequest,
    Role,
)
from kick_forms.organisations import services as register
from kick_forms.organisations.services import RegisterError
from kick_forms.privacy.audit_log import record_read
from kick_forms.registration import services as registration
from kick_forms.registration import staff_bp
from kick_forms.registration.forms import MergeForm
from kick_forms.timeutil import utcnow


@staff_bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a logged-in user."""


@staff_bp.app_template_global()
def pending_registrations(region: Region) -> int:
    """How many confirmed requests wait for a decision: for the link on the register's page."""
    return registration.pending_count(region)


def _describe(region: Region, organisation: Organisation) -> str:
    """An organisation as staff tell look-alikes apart: name, municipality, number."""
    municipality = organisation.municipality.name if organisation.municipality else None
    parts = (organisation.name, municipality, organisation.organisation_number)
    text = ", ".join(part for part in parts if part)
    if not register.registered(region, organisation):
        text += " (" + _("not in the register yet") + ")"
    return text


def _merge_form(region: Region, listing: RegistrationRequest) -> MergeForm:
    form = MergeForm(prefix=f"request-{listing.id}")
    form.organisation.choices = [
        SelectChoice(organisation.id, _describe(region, organisation))
        for organisation in registration.look_alikes(region, listing)
    ]
    if not form.organisation.choices:
        form.other.label.text = _("The same organisation in the register")
    return form


def _requests_page(region: Region, failed: dict[int, MergeForm] | None = None):  # type: ignore[no-untyped-def]
    """The pending requests; a merge form that failed (by request id) is shown with its errors."""
    listings = registration.pending_requests(region)
    can_edit = current_user.can_edit(region)
    if can_edit and listings and failed is None:
        record_read("requests.view", "requests", region, f"count={len(listings)}")
    merge_forms = {listing.id: _merge_form(region, listing) for listing in listings}
    merge_forms.update(failed or {})
    return htmx.render(
        "registration/requests.html",
        status=422 if failed else 200,
        region=region,
        listings=listings,
        merge_forms=merge_forms,
        failed=next(iter((failed or {}).values()), None),
        action_form=ActionForm(),
        # Contact persons are personal data: only those who may change the register see them.
        can_edit=can_edit,
        municipalities={m.code: m.name for m in db.session.scalars(select(Municipality))},
        categories={c.key: c.name for c in db.session.scalars(select(OrganisationCategory))},
    )


@staff_bp.route("/r/<region_slug>/organisations/requests")
def requests_page(region_slug: str):
    return _requests_page(staff_region(region_slug))


def _request(region: Region, request_id: int) -> RegistrationRequest:
    """A confirmed request to this region, or 404."""
    listing = registration.region_request(region, request_id)
    if listing is None:
        abort(404)
    return listing


def _back(region: Region):  # type: ignore[no-untyped-def]
    return redirect(url_for(".requests_page", region_slug=region.slug), code=303)


def _refused(region: Region, message: str):  # type: ignore[no-untyped-def]
    db.session.rollback()
    flash(message, "error")
    return _back(region)


@staff_bp.route(
    "/r/<region_slug>/organisations/requests/<int:request_id>/approve", methods=["POST"]
)
def approve(region_slug: str, request_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    listing = _request(region, request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        organisation = registration.approve(region, listing, current_user, utcnow())
    except RegisterError as error:  # decided already, or its number is in the register
        return _refused(region, error.message)
    audit.record("registration.approve", f"request:{listing.id}", region)
    db.session.commit()
    flash(_("%(name)s is in the register.", name=organisation.name), "success")
    return _back(region)


@staff_bp.route("/r/<region_slug>/organisations/requests/<int:request_id>/merge", methods=["POST"])
def merge(region_slug: str, request_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    listing = _request(region, request_id)
    if listing.decided_at is not None:
        return _refused(region, _("This request has already been decided."))
    form = _merge_form(region, listing)
    if not form.validate_on_submit():
        return _requests_page(region, failed={listing.id: form})
    organisation = _merge_target(region, form)
    if organisation is None:
        return _requests_page(region, failed={listing.id: form})
    registration.merge(region, listing, organisation, current_user, utcnow())
    audit.record("registration.merge", f"request:{listing.id}", region)
    db.session.commit()
    flash(_("The request is merged with %(name)s.", name=organisation.name), "success")
    return _back(region)


def _merge_target(region: Region, form: MergeForm) -> Organisation | None:
    """The organisation chosen (one of the look-alikes) or named; None with the form's error
    when the name finds none or several."""
    if form.organisation.data is not None:
        return db.session.get(Organisation, form.organisation.data)
    found = registration.find_in_register(region, form.other.data)
    if len(found) == 1:
        return found[0]
    if found:
        form.other.errors.append(
            _("Several organisations in the register have that name: give the number.")
        )
    else:
        form.other.errors.append(_("No organisation in the register has that number or name."))
    return None


@staff_bp.route("/r/<region_slug>/organisations/requests/<int:request_id>/reject", methods=["POST"])
def reject(region_slug: str, request_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    listing = _request(region, request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        registration.reject(listing, current_user, utcnow())
    except RegisterError as error:
        return _refused(region, error.message)
    audit.record("registration.reject", f"request:{listing.id}", region)
    db.session.commit()
    flash(_("The request is rejected."), "success")
    return _back(region)
