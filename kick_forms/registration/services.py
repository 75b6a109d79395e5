"""Organisations asking to be listed: the request, its confirmation by email, staff's decision.

A request reaches staff only once its contact person has confirmed it from the mailed link, so
nobody can list an organisation under someone else's address. Services flush and never commit;
the view commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import Select, func, or_, select

from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import Municipality, Region, RegistrationRequest, RequestOutcome, User
from kick_forms.models.organisation import Organisation, RegisterEntry, name_key
from kick_forms.organisations import services as register
from kick_forms.organisations.services import OrganisationData, RegisterError
from kick_forms.responses.orgnr import normalise_organisation_number
from kick_forms.tokens import hash_token, looks_like_token, new_token
from kick_forms.urls import public_url_for


def request_listing(
    region: Region,
    data: OrganisationData,
    contact_name: str,
    contact_email: str,
    now: datetime,
    link_for: Callable[[str], str],
) -> RegistrationRequest:
    """A request to be listed, and a mail to its contact person with the link that confirms it.

    A request never confirmed is deleted with other old personal data (``flask kick purge``).
    """
    token = new_token()
    listing = RegistrationRequest(
        region_id=region.id,
        name=" ".join(data.name.split()),
        organisation_number=data.organisation_number or None,
        municipality_code=data.municipality_code or None,
        category_keys=" ".join(dict.fromkeys(data.category_keys)),
        website=(data.website or "").strip() or None,
        description=(data.description or "").strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["REGISTRATION_CONFIRM_HOURS"]),
    )
    db.session.add(listing)
    db.session.flush()
    enqueue_mail(
        listing.contact_email,
        str(_l("Confirm that %(name)s wants to be listed", name=listing.name)),
        render_template(
            "registration/mail/confirm.txt", listing=listing, region=region, link=link_for(token)
        ),
        now=now,
    )
    return listing


def find_by_link(token: str) -> RegistrationRequest | None:
    """The unconfirmed request behind a confirmation link; None once the link has been used."""
    if not looks_like_token(token):
        return None
    return db.session.scalars(
        select(RegistrationRequest).filter_by(token_hash=hash_token(token))
    ).one_or_none()


def confirm(listing: RegistrationRequest, now: datetime) -> None:
    """The contact person confirmed: staff see the request now, and the link stops working."""
    listing.confirmed_at = now
    listing.token_hash = None
    db.session.flush()


def _pending(region: Region) -> Select:
    return select(RegistrationRequest).where(
        RegistrationRequest.region_id == region.id,
        RegistrationRequest.confirmed_at.is_not(None),
        RegistrationRequest.decided_at.is_(None),
    )


def pending_requests(region: Region) -> list[RegistrationRequest]:
    """Confirmed requests still waiting for a decision, oldest first."""
    return list(db.session.scalars(_pending(region).order_by(RegistrationRequest.confirmed_at)))


def pending_count(region: Region) -> int:
    return db.session.scalar(select(func.count()).select_from(_pending(region).subquery())) or 0


def region_request(region: Region, request_id: int) -> RegistrationRequest | None:
    """A confirmed request to this region, decided or not, locked for a decision; else None."""
    return db.session.scalars(
        select(RegistrationRequest)
        .where(
            RegistrationRequest.id == request_id,
            RegistrationRequest.region_id == region.id,
            RegistrationRequest.confirmed_at.is_not(None),
        )
        .with_for_update()
    ).one_or_none()


def look_alikes(region: Region, listing: RegistrationRequest) -> list[Organisation]:
    """Organisations KICK Forms may already have for this request: the same organisation
    number anywhere, or the same name and municipality in the region's register."""
    listed = select(RegisterEntry.organisation_id).where(RegisterEntry.region_id == region.id)
    conditions = [
        Organisation.id.in_(listed)
        & (Organisation.name_key == name_key(listing.name))
        & (Organisation.municipality_code == listing.municipality_code)
    ]
    if listing.organisation_number:
        conditions.append(Organisation.organisation_number == listing.organisation_number)
    return list(
        db.session.scalars(
            select(Organisation).where(or_(*conditions)).order_by(Organisation.name_key)
        )
    )


def find_in_register(region: Region, typed: str) -> list[Organisation]:
    """The organisations of the region's register with this organisation number, or else with
    this name (case and spacing ignored)."""
    listed = select(RegisterEntry.organisation_id).where(RegisterEntry.region_id == region.id)
    try:
        condition = Organisation.organisation_number == normalise_organisation_number(typed)
    except ValueError:  # not a number: a name (a personal number matches no organisation)
        condition = Organisation.name_key == name_key(typed)
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(listed), condition)
            .order_by(Organisation.name_key, Organisation.id)
        )
    )


def _data(listing: RegistrationRequest) -> OrganisationData:
    return OrganisationData(
        name=listing.name,
        organisation_number=listing.organisation_number,
        municipality_code=listing.municipality_code,
        category_keys=listing.category_keys.split(),
        website=listing.website,
        description=listing.description,
    )


def _check_undecided(listing: RegistrationRequest) -> None:
    if listing.decided_at is not None:
        raise RegisterError(_l("This request has already been decided."))


def _decide(
    listing: RegistrationRequest,
    outcome: RequestOutcome,
    organisation: Organisation | None,
    user: User,
    now: datetime,
) -> None:
    """Tell the contact person, record the decision and clear the contact person's data: it
    now lives on as a contact person of the organisation, or nowhere."""
    _tell_contact(listing, outcome, now)
    listing.outcome = outcome.value
    listing.organisation = organisation
    listing.decided_at = now
    listing.decided_by_id = user.id
    listing.contact_name = ""
    listing.contact_email = ""
    db.session.flush()


def _tell_contact(listing: RegistrationRequest, outcome: RequestOutcome, now: datetime) -> None:
    """Mail the decision to the person who asked, while their address is still known. The mail
    names no member of staff."""
    region = db.session.get_one(Region, listing.region_id)
    names = {"name": listing.name, "region": region.name}
    subject = (
        _l("%(name)s was not added to the register of %(region)s", **names)
        if outcome is RequestOutcome.REJECTED
        else _l("%(name)s is now in the register of %(region)s", **names)
    )
    enqueue_mail(
        listing.contact_email,
        str(subject),
        render_template(
            "registration/mail/decision.txt",
            listing=listing,
            region=region,
            outcome=outcome.value,
            region_link=public_url_for("regions.region_page", region_slug=region.slug),
            privacy_link=public_url_for("privacy.notice"),
        ),
        now=now,
    )


def approve(
    region: Region, listing: RegistrationRequest, user: User, now: datetime
) -> Organisation:
    """List the organisation with its contact person; an organisation number already known
    anywhere lists that organisation rather than a copy."""
    _check_undecided(listing)
    organisation = register.register_organisation(region, _data(listing))
    register.add_contact(region, organisation, listing.contact_name, listing.contact_email)
    _decide(listing, RequestOutcome.APPROVED, organisation, user, now)
    return organisation


def merge(
    region: Region,
    listing: RegistrationRequest,
    organisation: Organisation,
    user: User,
    now: datetime,
) -> None:
    """The request is an organisation KICK Forms already has: add the contact person, fill
    what the organisation lacks (never overwrite) and list it in the region's register. The
    facts of an organisation another region keeps are left as they are."""
    _check_undecided(listing)
    if organisation.facts_changeable_by(user, region):
        _fill_gaps(region, organisation, listing)
    register.add_contact(region, organisation, listing.contact_name, listing.contact_email)
    if not register.registered(region, organisation):
        db.session.add(RegisterEntry(region_id=region.id, organisation_id=organisation.id))
    _decide(listing, RequestOutcome.MERGED, organisation, user, now)


def _fill_gaps(region: Region, organisation: Organisation, listing: RegistrationRequest) -> None:
    before = register.facts_of(organisation)
    if not organisation.organisation_number and listing.organisation_number:
        taken = db.session.scalars(
            select(Organisation.id).filter_by(organisation_number=listing.organisation_number)
        ).first()
        if taken is None:
            organisation.organisation_number = listing.organisation_number
    if not organisation.municipality_code and listing.municipality_code:
        organisation.municipality = db.session.get(Municipality, listing.municipality_code)
    if not organisation.website:
        organisation.website = listing.website
    if not organisation.description:
        organisation.description = listing.description
    if not organisation.categories:
        categories = register.category_lookup()
        organisation.categories = [
            categories[key] for key in listing.category_keys.split() if key in categories
        ]
    register.audit_facts_change(region, organisation, before)


def reject(listing: RegistrationRequest, user: User, now: datetime) -> None:
    _check_undecided(listing)
    _decide(listing, RequestOutcome.REJECTED, None, user, now)
