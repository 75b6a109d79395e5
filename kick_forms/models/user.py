"""Staff accounts and their roles in regions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.models.reference import Region
from kick_forms.timeutil import utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


_ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Two-factor sign-in with an authenticator app (TOTP): the shared secret (base32), set at
    # enrolment and in force once a first code has confirmed it.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None]
    # The 30-second step of the last code accepted: a code works once, and none older after it.
    totp_last_step: Mapped[int | None]

    memberships: Mapped[list[RegionMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def role_in(self, region: Region) -> Role | None:
        """The user's role in a region; platform admins act as admins everywhere. A
        deactivated membership gives no role."""
        if self.is_platform_admin:
            return Role.ADMIN
        for membership in self.memberships:
            if membership.region_id == region.id and membership.deactivated_at is None:
                return Role(membership.role)
        return None

    def has_role(self, region: Region, at_least: Role) -> bool:
        role = self.role_in(region)
        return role is not None and _ROLE_RANK[role] >= _ROLE_RANK[at_least]

    def can_view(self, region: Region) -> bool:
        return self.has_role(region, Role.VIEWER)

    def can_edit(self, region: Region) -> bool:
        return self.has_role(region, Role.EDITOR)

    def can_admin(self, region: Region) -> bool:
        return self.has_role(region, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RegionMembership(db.Model):
    __table_args__ = (
        UniqueConstraint("user_id", "region_id"),
        CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # A region's admin stops a colleague's work in the region without touching their other
    # regions; the account itself is stopped with ``User.active``.
    deactivated_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="memberships")
    region: Mapped[Region] = relationship()


class StaffSession(db.Model):
    """A signed-in staff member's session, so that it can be ended on the server: at logout,
    when the password changes or the account is deactivated. The cookie holds a random id;
    only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # How the person signed in ("password" or "sso") and with what browser, for their list of
    # their own sessions.
    method: Mapped[str] = mapped_column(String(16), default="password", server_default="password")
    user_agent: Mapped[str] = mapped_column(String(200), default="", server_default="")

    user: Mapped[User] = relationship()


class TokenPurpose(enum.StrEnum):
    INVITE = "invite"  # a colleague invited: sets a name and a password
    RESET = "reset"  # a forgotten password


class AccountToken(db.Model):
    """A single-use, expiring link mailed to a member of staff; only its hash is kept."""

    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(db.Model):
    """A one-time code for signing in without the authenticator app; stored hashed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class RegionSignIn(db.Model):
    """How a region's staff sign in: second factor required, and its own identity provider
    (OpenID Connect), kept by a platform admin."""

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), primary_key=True)
    two_factor_for_admins: Mapped[bool] = mapped_column(default=False)
    two_factor_for_all: Mapped[bool] = mapped_column(default=False)
    sso_required: Mapped[bool] = mapped_column(default=False)
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_client_id: Mapped[str | None] = mapped_column(String(200))
    oidc_client_secret: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship()

    @classmethod
    def of(cls, region: Region) -> RegionSignIn:
        """The region's row, made when missing (a region without one has every rule off)."""
        rules = db.session.get(cls, region.id)
        if rules is None:
            rules = cls(region_id=region.id, two_factor_for_admins=False,
                        two_factor_for_all=False, sso_required=False)  # fmt: skip
            db.session.add(rules)
            db.session.flush()
        return rules
