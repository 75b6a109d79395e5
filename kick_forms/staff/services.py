"""Colleagues: invitations, roles, stopping and restarting a person's work in a region.

Every function flushes and leaves the commit to the view. A region keeps at least one active
admin, and KICK at least one active platform admin, whatever order the changes come in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select, update

from kick_forms import audit
from kick_forms.auth.services import (
    end_all_sessions,
    find_user,
    normalise_email,
    set_active,
    set_password,
)
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import AccountToken, Region, RegionMembership, Role, TokenPurpose, User
from kick_forms.tokens import hash_token, looks_like_token, new_token

PAGE_SIZE = 50


class StaffError(Exception):
    """A change refused, with a message for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int


def _paged(query, page: int) -> Page:  # type: ignore[no-untyped-def]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = list(db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return Page(items, page, pages, total)


def region_staff(region: Region, page: int = 1) -> Page:
    """The region's colleagues with their memberships, deactivated ones too, by name."""
    query = (
        select(User, RegionMembership)
        .join(RegionMembership, RegionMembership.user_id == User.id)
        .where(RegionMembership.region_id == region.id)
        .order_by(func.lower(User.name), User.email, User.id)
    )
    return _paged(query, page)


def all_accounts(page: int = 1) -> Page:
    """Every staff account on the platform, by name."""
    return _paged(select(User).order_by(func.lower(User.name), User.email, User.id), page)


def membership(region: Region, user_id: int) -> RegionMembership | None:
    """The person's membership of this region (active or not), or None."""
    return db.session.scalars(
        select(RegionMembership).filter_by(region_id=region.id, user_id=user_id)
    ).one_or_none()


def invited_not_signed_up(user: User) -> bool:
    return user.password_hash == ""


# Invitations ---------------------------------------------------------------------------------


def invite(
    region: Region, email: str, role: Role, invited_by: User, now: datetime,
    link_for: Callable[[str], str], login_link: str,
) -> User:  # fmt: skip
    """Give the address a role in the region: a new account gets a welcome link by mail, an
    existing one (of another region) the news and the login page; one login for every region."""
    user = find_user(email)
    existing = membership(region, user.id) if user is not None else None
    if existing is not None and existing.deactivated_at is not None:
        raise StaffError(
            _("That person is deactivated in %(region)s: reactivate them in the list of "
              "colleagues.", region=region.name)
        )  # fmt: skip
    if existing is not None:
        raise StaffError(_("That person is already a colleague in %(region)s.", region=region.name))
    if user is not None and not user.active:
        raise StaffError(_("The account of that address is deactivated; a platform admin can "
                           "reactivate it."))  # fmt: skip
    if user is None:
        user = User(email=normalise_email(email), name="", password_hash="")
        db.session.add(user)
        db.session.flush()
    db.session.add(RegionMembership(user_id=user.id, region_id=region.id, role=role.value))
    db.session.flush()
    if invited_not_signed_up(user):
        token = new_token()
        expires = now + timedelta(days=current_app.config["STAFF_INVITATION_DAYS"])
        db.session.add(
            AccountToken(user_id=user.id, purpose=TokenPurpose.INVITE.value,
                         token_hash=hash_token(token), created_at=now, expires_at=expires,
                         created_by_id=invited_by.id)
        )  # fmt: skip
        body = render_template("staff/mail/invite.txt", region=region, inviter=invited_by,
                               link=link_for(token), expires_at=expires)  # fmt: skip
        subject = _("Invitation to KICK Forms from %(region)s", region=region.name)
    else:
        body = render_template("staff/mail/access.txt", region=region, inviter=invited_by,
                               link=login_link)  # fmt: skip
        subject = _("You now work with %(region)s in KICK Forms", region=region.name)
    enqueue_mail(user.email, subject, body, now=now)
    audit.record("staff.invite", f"user:{user.id}", region, f"role={role.value}")
    db.session.flush()
    return user


def find_invitation(token: str) -> AccountToken | None:
    """The invitation this link names, used or not, expired or not; None for any other link."""
    if not looks_like_token(token):
        return None
    return db.session.scalars(
        select(AccountToken).filter_by(
            token_hash=hash_token(token), purpose=TokenPurpose.INVITE.value
        )
    ).one_or_none()


def accept_invitation(invitation: AccountToken, name: str, password: str, now: datetime) -> User:
    """The invited person's name and password; every invitation link they hold stops working,
    so an old one can never set the password again. Raises ValueError for a weak password."""
    user = invitation.user
    set_password(user, password)
    user.name = name.strip()
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == TokenPurpose.INVITE.value,
               AccountToken.used_at.is_(None))
        .values(used_at=now)
    )  # fmt: skip
    db.session.flush()
    return user


# Roles and deactivation ----------------------------------------------------------------------


def _active_admins(region: Region) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RegionMembership)
        .join(User, User.id == RegionMembership.user_id)
        .where(
            RegionMembership.region_id == region.id,
            RegionMembership.role == Role.ADMIN.value,
            RegionMembership.deactivated_at.is_(None),
            User.active.is_(True),
        )
    )


def _is_active_admin(member: RegionMembership) -> bool:
    return member.role == Role.ADMIN.value and member.deactivated_at is None and member.user.active


def _keep_an_admin(member: RegionMembership) -> None:
    if _is_active_admin(member) and _active_admins(member.region) <= 1:
        raise StaffError(
            _("%(region)s must keep at least one active admin: make someone else admin first.",
              region=member.region.name)
        )  # fmt: skip


def change_role(member: RegionMembership, role: Role) -> None:
    if member.role == role.value:
        return
    if role != Role.ADMIN:
        _keep_an_admin(member)
    member.role = role.value
    audit.record("staff.role", f"user:{member.user_id}", member.region, f"role={role.value}")
    db.session.flush()


def deactivate(member: RegionMembership, now: datetime) -> None:
    """Stop the person's work in the region; someone left with no region signs out at once."""
    if member.deactivated_at is not None:
        return
    _keep_an_admin(member)
    member.deactivated_at = now
    user = member.user
    still_staff = any(m.deactivated_at is None for m in user.memberships)
    if not still_staff and not user.is_platform_admin:
        end_all_sessions(user)
    audit.record("staff.deactivate", f"user:{user.id}", member.region)
    db.session.flush()


def reactivate(member: RegionMembership) -> None:
    if member.deactivated_at is None:
        return
    member.deactivated_at = None
    audit.record("staff.reactivate", f"user:{member.user_id}", member.region)
    db.session.flush()


def sign_out_everywhere(user: User, region: Region | None) -> None:
    """An admin ends every session of a colleague, e.g. after a lost laptop."""
    end_all_sessions(user)
    audit.record("staff.sign_out", f"user:{user.id}", region)
    db.session.flush()


# The platform --------------------------------------------------------------------------------


def _active_platform_admins() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.is_platform_admin.is_(True), User.active.is_(True))
    )


def _keep_a_platform_admin(user: User) -> None:
    if user.is_platform_admin and user.active and _active_platform_admins() <= 1:
        raise StaffError(_("KICK Forms must keep at least one active platform admin."))


def set_platform_admin(user: User, on: bool) -> None:
    if user.is_platform_admin == on:
        return
    if not on:
        _keep_a_platform_admin(user)
    user.is_platform_admin = on
    audit.record("staff.platform_admin", f"user:{user.id}", None, "on" if on else "off")
    db.session.flush()


def set_account_active(user: User, active: bool) -> None:
    """Stop or restart a whole account; neither a region nor KICK is left without an admin."""
    if user.active == active:
        return
    if not active:
        _keep_a_platform_admin(user)
        for member in user.memberships:
            _keep_an_admin(member)
    set_active(user, active)
    action = "staff.reactivate" if active else "staff.deactivate"
    audit.record(action, f"user:{user.id}", None, "account")
    db.session.flush()
