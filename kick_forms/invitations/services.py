"""Inviting the register to a consultation, reminding those who have not answered, unsubscribing.

An invitation's link is signed with the app's secret rather than stored: the same link can be
written again in each reminder, and nothing in the database opens it. It names the invitation
and the contact person it was sent to, so that the form can say who is answering.

Services flush and never commit, except ``send_reminders``, which commits per organisation so
that a reminder and its mail are kept together and another machine's run sees them at once.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, render_template
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, insert, or_, select

from kick_forms.claims import claim
from kick_forms.extensions import db, sqlite_begin
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    Invitation,
    Organisation,
    OrganisationContact,
    Region,
    RegisterEntry,
    ReminderDay,
    Response,
    ResponseStatus,
    User,
)
from kick_forms.organisations.services import PAGE_SIZE, RegisterSearch, matching
from kick_forms.refusal import Refused
from kick_forms.timeutil import to_local
from kick_forms.urls import public_url_for

INVITATION_SALT = "kick-forms.invitation"
UNSUBSCRIBE_SALT = "kick-forms.unsubscribe"


class InvitationError(Refused):
    """An invitation the consultation refuses, with a message for staff."""


class Status(enum.StrEnum):
    """Where an organisation in the register stands with one consultation."""

    NOT_INVITED = "not_invited"
    INVITED = "invited"
    OPENED = "opened"
    DRAFT = "draft"
    SUBMITTED = "submitted"


STATUS_LABELS = {
    Status.NOT_INVITED: _l("Not invited"),
    Status.INVITED: _l("Invited"),
    Status.OPENED: _l("Opened the invitation"),
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Submitted"),
}


# Signed links --------------------------------------------------------------------------------


def _signer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=salt)


def invitation_token(invitation_id: int, contact_id: int) -> str:
    return _signer(INVITATION_SALT).dumps([invitation_id, contact_id])


def read_invitation_token(token: str) -> tuple[int, int] | None:
    """The invitation and contact person a link names, or None for a link we did not sign."""
    try:
        value = _signer(INVITATION_SALT).loads(token[:200])
    except BadData:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        return None
    return value[0], value[1]


def unsubscribe_token(contact_id: int) -> str:
    return _signer(UNSUBSCRIBE_SALT).dumps(contact_id)


def read_unsubscribe_token(token: str) -> int | None:
    try:
        value = _signer(UNSUBSCRIBE_SALT).loads(token[:200])
    except BadData:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Status per organisation ---------------------------------------------------------------------


def _answer_exists(consultation_id: int, status: ResponseStatus) -> ColumnElement[bool]:
    """An answer of this status to the consultation from the organisation in the query: one
    started from its invitation, or one that names it (by organisation number or by name)."""
    by_key = exists().where(
        Response.consultation_id == consultation_id,
        Response.status == status,
        Response.organisation_key.in_([Organisation.organisation_number, Organisation.name_key]),
    )
    by_invitation = exists().where(Response.id == Invitation.response_id, Response.status == status)
    return or_(by_key, by_invitation)


def status_column(consultation_id: int) -> ColumnElement[str]:
    """The organisation's status, for a query of organisations outer-joined to invitations."""
    return case(
        (_answer_exists(consultation_id, ResponseStatus.SUBMITTED), Status.SUBMITTED.value),
        (_answer_exists(consultation_id, ResponseStatus.DRAFT), Status.DRAFT.value),
        (Invitation.opened_at.is_not(None), Status.OPENED.value),
        (Invitation.id.is_not(None), Status.INVITED.value),
        else_=Status.NOT_INVITED.value,
    )


def _with_invitations(consultation: Consultation, organisation_ids: Select) -> Select:
    status = status_column(consultation.id).label("status")
    return (
        select(Organisation, Invitation, status)
        .outerjoin(
            Invitation,
            and_(
                Invitation.organisation_id == Organisation.id,
                Invitation.consultation_id == consultation.id,
            ),
        )
        .where(Organisation.id.in_(organisation_ids))
    )


@dataclass
class Row:
    organisation: Organisation
    invitation: Invitation | None
    status: Status
    contacts: int  # contact persons who may be mailed


@dataclass
class Overview:
    rows: list[Row]
    total: int  # organisations matching the search and the status
    page: int
    pages: int
    counts: dict[Status, int]  # organisations matching the search, by status


def overview(
    consultation: Consultation, search: RegisterSearch, status: Status | None = None
) -> Overview:
    """One page of the register's organisations with their status, and the count per status."""
    region = consultation.region
    matching_ids = matching(region, search)
    query = _with_invitations(consultation, matching_ids)
    by_status = query.with_only_columns(query.selected_columns.status).subquery()
    counts = {Status(value): 0 for value in Status}
    for value, count in db.session.execute(
        select(by_status.c.status, func.count()).group_by(by_status.c.status)
    ):
        counts[Status(value)] = count
    total = counts[status] if status is not None else sum(counts.values())
    if status is not None:
        query = query.where(status_column(consultation.id) == status.value)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, search.page), pages)
    found = db.session.execute(
        query.order_by(Organisation.name_key, Organisation.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    mailable = _mailable_counts(region, [organisation.id for organisation, _, _ in found])
    rows = [
        Row(organisation, invitation, Status(value), mailable.get(organisation.id, 0))
        for organisation, invitation, value in found
    ]
    return Overview(rows, total, page, pages, counts)


def _mailable_counts(region: Region, organisation_ids: Sequence[int]) -> dict[int, int]:
    """The region's own contact persons who may be mailed, by organisation."""
    if not organisation_ids:
        return {}
    return dict(
        db.session.execute(
            select(OrganisationContact.organisation_id, func.count())
            .where(
                OrganisationContact.organisation_id.in_(organisation_ids),
                OrganisationContact.region_id == region.id,
                OrganisationContact.unsubscribed_at.is_(None),
            )
            .group_by(OrganisationContact.organisation_id)
        )
        .tuples()
        .all()
    )


# Inviting ------------------------------------------------------------------------------------


@dataclass
class InviteReport:
    invited: int = 0
    mails: int = 0
    already_invited: int = 0
    without_contact: int = 0


def may_invite(consultation: Consultation, now: datetime) -> bool:
    """Invitations lead to the form, so the consultation must be open or opening later."""
    return (
        consultation.status == ConsultationStatus.OPEN
        and consultation.closes_at is not None
        and now < consultation.closes_at
    )


def invite(
    consultation: Consultation, search: RegisterSearch, user: User, now: datetime
) -> InviteReport:
    """Invite the organisations of the register that match the search and are not invited yet.

    Each contact person who has not unsubscribed gets a mail with a personal link. An
    organisation without such a contact cannot be reached by mail and is left uninvited.
    """
    if not may_invite(consultation, now):
        raise InvitationError(_l("Invitations can be sent while the consultation is open."))
    matching_ids = matching(consultation.region, search)
    invited = select(Invitation.organisation_id).where(
        Invitation.consultation_id == consultation.id
    )
    mailable = select(OrganisationContact.organisation_id).where(
        OrganisationContact.region_id == consultation.region_id,
        OrganisationContact.unsubscribed_at.is_(None),
    )
    report = InviteReport()
    report.already_invited = _count(matching_ids.where(RegisterEntry.organisation_id.in_(invited)))
    to_invite = matching_ids.where(RegisterEntry.organisation_id.not_in(invited))
    report.without_contact = _count(to_invite.where(RegisterEntry.organisation_id.not_in(mailable)))
    organisation_ids = db.session.scalars(
        to_invite.where(RegisterEntry.organisation_id.in_(mailable))
    ).all()
    if not organisation_ids:
        return report
    invitation_ids = dict(
        db.session.execute(
            insert(Invitation).returning(Invitation.organisation_id, Invitation.id),
            [
                {
                    "consultation_id": consultation.id,
                    "organisation_id": organisation_id,
                    "invited_at": now,
                    "invited_by_id": user.id,
                    "reminders": 0,
                }
                for organisation_id in organisation_ids
            ],
        )
        .tuples()
        .all()
    )
    report.invited = len(invitation_ids)
    for contact, organisation in _contacts_of(consultation.region, list(invitation_ids)):
        link = _invitation_link(invitation_ids[organisation.id], contact.id)
        unsubscribe = _unsubscribe_link(contact.id)
        enqueue_mail(
            contact.email,
            str(_l("Invitation: %(title)s", title=consultation.title)),
            render_template(
                "invitations/mail/invitation.txt",
                consultation=consultation,
                organisation=organisation,
                contact=contact,
                link=link,
                unsubscribe=unsubscribe,
            ),
            now=now,
            unsubscribe_url=unsubscribe,
        )
        report.mails += 1
    return report


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _contacts_of(
    region: Region, organisation_ids: Sequence[int]
) -> list[tuple[OrganisationContact, Organisation]]:
    """The region's contact persons who may be mailed, with their organisations, in pages of
    500."""
    found: list[tuple[OrganisationContact, Organisation]] = []
    for start in range(0, len(organisation_ids), 500):
        found.extend(
            db.session.execute(
                select(OrganisationContact, Organisation)
                .join(Organisation, Organisation.id == OrganisationContact.organisation_id)
                .where(
                    OrganisationContact.organisation_id.in_(organisation_ids[start : start + 500]),
                    OrganisationContact.region_id == region.id,
                    OrganisationContact.unsubscribed_at.is_(None),
                )
                .order_by(OrganisationContact.id)
            )
            .tuples()
            .all()
        )
    return found


def _invitation_link(invitation_id: int, contact_id: int) -> str:
    return public_url_for("responses.invited", token=invitation_token(invitation_id, contact_id))


def _unsubscribe_link(contact_id: int) -> str:
    return public_url_for("invitations.unsubscribe", token=unsubscribe_token(contact_id))


def opened(invitation: Invitation, now: datetime) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = now
        db.session.flush()


# Reminders -----------------------------------------------------------------------------------


def reminder_points(setting: str | Sequence[int]) -> list[int]:
    """Days before closing at which to remind, largest first: "7,1" -> [7, 1]."""
    values = setting.split(",") if isinstance(setting, str) else setting
    days = sorted({int(str(value).strip()) for value in values if str(value).strip()}, reverse=True)
    if not days or any(day < 0 for day in days):
        raise ValueError("Reminder days are whole numbers of days, 0 or more: e.g. 7,1.")
    return days


def _points_passed(consultation: Consultation, points: Sequence[int], now: datetime) -> int:
    assert consultation.closes_at is not None
    return sum(1 for days in points if consultation.closes_at - timedelta(days=days) <= now)


@dataclass
class ReminderReport:
    organisations: int = 0
    mails: int = 0
    already_today: int = 0


def send_reminders(now: datetime, points: Sequence[int]) -> ReminderReport:
    """Remind invited organisations without a submitted answer as closing comes near.

    An invitation is reminded once at each point (e.g. 7 days and 1 day before closing) that
    has passed since it was last reminded; an organisation gets at most one mail a day, listing
    every consultation it has yet to answer; contact persons who unsubscribed get nothing. Safe
    to run as often as you like and on several machines at once: the day is claimed by
    inserting a row that only one transaction can insert.
    """
    if not has_request_context():
        # Links in the mails need the public address; a command has no request to learn it from.
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
            return send_reminders(now, points)
    report = ReminderReport()
    due = _due_invitations(now, points)
    by_organisation: dict[int, list[tuple[Invitation, int]]] = defaultdict(list)
    for invitation, passed in due:
        by_organisation[invitation.organisation_id].append((invitation, passed))
    day = to_local(now).date()
    for organisation_id, invitations in sorted(by_organisation.items()):
        token = sqlite_begin.set("IMMEDIATE")
        try:
            db.session.commit()  # end the read, so the claim starts a transaction of its own
            if not claim(ReminderDay, organisation_id=organisation_id, day=day):
                report.already_today += 1
                db.session.rollback()
                continue
            report.mails += _remind(organisation_id, invitations, now)
            report.organisations += 1
            db.session.commit()
        finally:
            sqlite_begin.reset(token)
    return report


def _due_invitations(now: datetime, points: Sequence[int]) -> list[tuple[Invitation, int]]:
    horizon = now + timedelta(days=max(points))
    consultations = db.session.scalars(
        select(Consultation).where(
            Consultation.status == ConsultationStatus.OPEN,
            Consultation.opens_at <= now,
            Consultation.closes_at > now,
            Consultation.closes_at <= horizon,
        )
    ).all()
    due: list[tuple[Invitation, int]] = []
    for consultation in consultations:
        passed = _points_passed(consultation, points, now)
        query = (
            select(Invitation)
            .join(Organisation, Organisation.id == Invitation.organisation_id)
            .where(
                Invitation.consultation_id == consultation.id,
                Invitation.reminders < passed,
                status_column(consultation.id) != Status.SUBMITTED.value,
            )
        )
        due.extend((invitation, passed) for invitation in db.session.scalars(query))
    return due


def _remind(organisation_id: int, invitations: list[tuple[Invitation, int]], now: datetime) -> int:
    # Read again inside the claiming transaction: another run may have reminded them already.
    fresh = {
        invitation.id: invitation
        for invitation in db.session.scalars(
            select(Invitation)
            .where(Invitation.id.in_([invitation.id for invitation, _ in invitations]))
            .execution_options(populate_existing=True)
        )
    }
    pending = [
        (fresh[invitation.id], passed)
        for invitation, passed in invitations
        if fresh[invitation.id].reminders < passed
    ]
    if not pending:
        return 0
    organisation = db.session.get_one(Organisation, organisation_id)
    for invitation, passed in pending:
        invitation.reminders = passed
        invitation.reminded_at = now
    # Each contact person belongs to one region and hears only of that region's consultations.
    regions = {invitation.consultation.region_id for invitation, _ in pending}
    contacts = [
        contact
        for contact in organisation.all_contacts
        if contact.unsubscribed_at is None and contact.region_id in regions
    ]
    for contact in contacts:
        consultations = [
            invitation.consultation
            for invitation, _ in pending
            if invitation.consultation.region_id == contact.region_id
        ]
        items = [
            (invitation.consultation, _invitation_link(invitation.id, contact.id))
            for invitation, _ in pending
            if invitation.consultation.region_id == contact.region_id
        ]
        subject = (
            _l("Reminder: %(title)s", title=consultations[0].title)
            if len(consultations) == 1
            else _l("Reminder: %(count)d consultations close soon", count=len(consultations))
        )
        unsubscribe = _unsubscribe_link(contact.id)
        enqueue_mail(
            contact.email,
            str(subject),
            render_template(
                "invitations/mail/reminder.txt",
                organisation=organisation,
                contact=contact,
                items=items,
                unsubscribe=unsubscribe,
            ),
            now=now,
            unsubscribe_url=unsubscribe,
        )
    db.session.flush()
    return len(contacts)


# Unsubscribing -------------------------------------------------------------------------------


def unsubscribe(contact: OrganisationContact, now: datetime) -> None:
    if contact.unsubscribed_at is None:
        contact.unsubscribed_at = now
        db.session.flush()
