"""Deleting personal data that is no longer needed, in a few set-based statements.

An organisation is active at the latest of: a change to it, a contact person added, an
invitation opened, an answer saved under its key (its organisation number, or else its name).
When that lies further back than the retention time, its contact persons are deleted; the
organisation itself, which is not personal data, stays in the register. Drafts never sent are
deleted, contact person and all, a while after their consultation closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, distinct, func, or_, select, update
from sqlalchemy.orm import aliased

from kick_forms import audit
from kick_forms.extensions import db
from kick_forms.models import (
    AllianceInterest,
    Consultation,
    Follower,
    Invitation,
    Organisation,
    OrganisationContact,
    Region,
    RegisterImport,
    RegistrationRequest,
    Response,
    ResponseStatus,
    ResponseVersion,
)

# An import not run within a day is abandoned; its file may hold personal data.
IMPORT_LIFETIME = timedelta(days=1)
# A draft never sent reached no one: once its consultation has been closed this long, it is
# deleted with its contact person (an organisation may still read it for a while).
UNSENT_DRAFT_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class PurgeReport:
    contacts: int
    organisations: int
    imports: int
    requests: int
    requests_cleared: int
    drafts: int = 0
    interests: int = 0  # wishes to start an alliance: unconfirmed, or told long ago
    followers: int = 0  # addresses that asked to follow the news and never confirmed

    @property
    def detail(self) -> str:
        return (
            f"contacts={self.contacts} organisations={self.organisations} "
            f"imports={self.imports} requests={self.requests} cleared={self.requests_cleared} "
            f"drafts={self.drafts} interests={self.interests} followers={self.followers}"
        )


def inactive_organisations(cutoff: datetime) -> Select:
    """The ids of organisations with no sign of activity since the cutoff."""
    recent_contact = aliased(OrganisationContact)
    answered_keys = select(Response.organisation_key).where(Response.saved_at >= cutoff)
    return select(Organisation.id).where(
        Organisation.updated_at < cutoff,
        ~select(recent_contact.id)
        .where(
            recent_contact.organisation_id == Organisation.id, recent_contact.created_at >= cutoff
        )
        .exists(),
        ~select(Invitation.id)
        .where(Invitation.organisation_id == Organisation.id, Invitation.opened_at >= cutoff)
        .exists(),
        func.coalesce(Organisation.organisation_number, Organisation.name_key).not_in(
            answered_keys
        ),
    )


def purge(now: datetime, retention_days: int, dry_run: bool = False) -> PurgeReport:
    """Delete (or, on a dry run, count) what is kept longer than it is needed, and record
    one audit event with the counts. Flushes; the caller commits."""
    cutoff = now - timedelta(days=retention_days)
    stale_contacts = OrganisationContact.organisation_id.in_(inactive_organisations(cutoff))
    stale_imports = (
        RegisterImport.imported_at.is_(None),
        RegisterImport.created_at < now - IMPORT_LIFETIME,
    )
    expired_requests = (
        RegistrationRequest.confirmed_at.is_(None),
        RegistrationRequest.expires_at < now,
    )
    decided_with_contact = (
        RegistrationRequest.decided_at.is_not(None),
        or_(RegistrationRequest.contact_name != "", RegistrationRequest.contact_email != ""),
    )
    # A wish to start an alliance: gone if never confirmed; once its alliance has started and
    # the contact person was told, kept for the retention time like a register's contacts.
    old_interests = or_(
        (AllianceInterest.confirmed_at.is_(None)) & (AllianceInterest.expires_at < now),
        AllianceInterest.told_at < cutoff,
    )
    # An address that asked to follow the news and never confirmed; a confirmed one stays
    # until it unsubscribes, which deletes it at once.
    unconfirmed_followers = (Follower.confirmed_at.is_(None)) & (Follower.expires_at < now)
    unsent_drafts = Response.id.in_(
        select(Response.id)
        .join(Consultation, Consultation.id == Response.consultation_id)
        .where(
            Response.status == ResponseStatus.DRAFT,
            ~select(ResponseVersion.id).where(ResponseVersion.response_id == Response.id).exists(),
            Consultation.closes_at < now - UNSENT_DRAFT_LIFETIME,
        )
    )
    organisations = _count(
        select(func.count(distinct(OrganisationContact.organisation_id))).where(stale_contacts)
    )
    if dry_run:
        return PurgeReport(
            contacts=_count(select(func.count(OrganisationContact.id)).where(stale_contacts)),
            organisations=organisations,
            imports=_count(select(func.count(RegisterImport.id)).where(*stale_imports)),
            requests=_count(select(func.count(RegistrationRequest.id)).where(*expired_requests)),
            requests_cleared=_count(
                select(func.count(RegistrationRequest.id)).where(*decided_with_contact)
            ),
            drafts=_count(select(func.count(Response.id)).where(unsent_drafts)),
            interests=_count(select(func.count(AllianceInterest.id)).where(old_interests)),
            followers=_count(select(func.count(Follower.id)).where(unconfirmed_followers)),
        )
    # Each region is the controller of its own contact persons and answers: its log says
    # what went.
    _audit_per_region(
        "contacts",
        select(OrganisationContact.region_id, func.count())
        .where(stale_contacts)
        .group_by(OrganisationContact.region_id),
    )
    _audit_per_region(
        "drafts",
        select(Consultation.region_id, func.count())
        .join(Response, Response.consultation_id == Consultation.id)
        .where(unsent_drafts)
        .group_by(Consultation.region_id),
    )
    report = PurgeReport(
        contacts=_changed(delete(OrganisationContact).where(stale_contacts)),
        organisations=organisations,
        imports=_changed(delete(RegisterImport).where(*stale_imports)),
        requests=_changed(delete(RegistrationRequest).where(*expired_requests)),
        requests_cleared=_changed(
            update(RegistrationRequest)
            .where(*decided_with_contact)
            .values(contact_name="", contact_email="")
        ),
        # The answers, files and contact person go with it (ON DELETE CASCADE).
        drafts=_changed(delete(Response).where(unsent_drafts)),
        interests=_changed(delete(AllianceInterest).where(old_interests)),
        followers=_changed(delete(Follower).where(unconfirmed_followers)),
    )
    audit.record("privacy.purge", "", None, report.detail)
    db.session.flush()
    return report


def _audit_per_region(kind: str, counts: Select) -> None:
    """One purge event in the log of each region that had something deleted, with its count."""
    for region_id, count in db.session.execute(counts).all():
        audit.record("privacy.purge", kind, db.session.get(Region, region_id), f"{kind}={count}")


def _count(query: Select) -> int:
    return db.session.scalar(query) or 0


def _changed(statement) -> int:  # type: ignore[no-untyped-def]
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount  # type: ignore[attr-defined]
