"""Staff accounts: password hashing, authentication and account creation."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update

from kick_forms.auth.passwords import PASSWORD_MIN_LENGTH as PASSWORD_MIN_LENGTH
from kick_forms.auth.passwords import (
    context_words,
    normalise_password,
    password_problem,
)
from kick_forms.extensions import db
from kick_forms.models import Region, RegionMembership, Role, StaffSession, User
from kick_forms.timeutil import utcnow
from kick_forms.tokens import hash_token, new_token

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(normalise_password(password))


def check_new_password(email: str, password: str) -> None:
    """Refuse a password NIST's rules refuse, with a message saying what to do (ValueError)."""
    regions = db.session.execute(select(Region.name, Region.slug)).all()
    words = context_words(email, [text for row in regions for text in row])
    problem = password_problem(password, words)
    if problem is not None:
        raise ValueError(problem)


def _verify_password(stored: str, password: str) -> str | None:
    """The form of the password that matches the stored hash, or None.

    Hashes made before passwords were normalised (NFKC) hold the password as typed; both
    forms are tried, whoever the account is, so the work does not tell whether it exists.
    """
    normalised = normalise_password(password)
    matched = None
    for candidate in dict.fromkeys([normalised, password]):
        try:
            _hasher.verify(stored, candidate)
        except (VerificationError, InvalidHashError):
            continue
        matched = matched or candidate
    return matched


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; upgrades old hashes."""
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()
    matched = _verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if matched is None or user is None or not user.active:
        return None
    if matched != normalise_password(password) or _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def create_user(email: str, password: str, name: str = "", platform_admin: bool = False) -> User:
    """A new staff account; the caller grants regions with ``grant_role``."""
    check_new_password(email, password)
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=hash_password(password),
        is_platform_admin=platform_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(user: User, region: Region, role: Role) -> RegionMembership:
    """Give the user a role in a region, replacing any role they had there; audited."""
    from kick_forms import audit

    audit.record("role.grant", f"user:{user.id}", region, f"role={role.value}")
    for membership in user.memberships:
        if membership.region_id == region.id:
            membership.role = role.value
            return membership
    membership = RegionMembership(user=user, region=region, role=role.value)
    db.session.add(membership)
    db.session.flush()
    return membership


def find_user(email: str) -> User | None:
    return db.session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()


# Sessions ------------------------------------------------------------------------------------
# The session cookie is signed, so it cannot be forged, but a signed cookie alone cannot be
# taken back: a copy would work until it expires. Each login therefore gets a row here, and a
# request counts as logged in only while its row is live.


# Where the session's id is kept in the (signed) session cookie.
SESSION_KEY = "sid"


def start_session(user: User, method: str = "password", user_agent: str = "") -> str:
    """A new server-side session for the user; the returned id goes into the cookie."""
    token = new_token()
    now = utcnow()
    db.session.add(
        StaffSession(user_id=user.id, token_hash=hash_token(token), created_at=now,
                     last_seen_at=now, method=method, user_agent=user_agent[:200])
    )  # fmt: skip
    db.session.flush()
    return token


def session_user(user_id: int, token: str | None, lifetime: timedelta) -> User | None:
    """The active user whose live session has this id, or None."""
    if not token:
        return None
    found = db.session.scalars(
        select(StaffSession).where(
            StaffSession.token_hash == hash_token(token),
            StaffSession.user_id == user_id,
            StaffSession.ended_at.is_(None),
            StaffSession.created_at > utcnow() - lifetime,
        )
    ).one_or_none()
    return found.user if found is not None and found.user.active else None


def end_session(token: str | None) -> None:
    """End one session (at logout): its cookie, wherever copied, stops working."""
    if token:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == hash_token(token), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all_sessions(user: User) -> None:
    """End every session of the user, e.g. when the password changes or the account stops."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def set_password(user: User, password: str) -> None:
    """A new password (refused with a ValueError unless NIST's rules allow it); every
    session that used the old one ends."""
    check_new_password(user.email, password)
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    user.active = active
    if not active:
        end_all_sessions(user)
    db.session.flush()
