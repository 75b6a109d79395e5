"""Staff accounts: password hashing, authentication and account creation."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import Region, RegionMembership, Role, User
from kick_forms.timeutil import utcnow

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")

PASSWORD_MIN_LENGTH = 12


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; upgrades old hashes."""
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def create_user(email: str, password: str, name: str = "", platform_admin: bool = False) -> User:
    """A new staff account; the caller grants regions with ``grant_role``."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValueError(f"The password must be at least {PASSWORD_MIN_LENGTH} characters.")
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
