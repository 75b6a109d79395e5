"""A member of staff's own account: changing the password, a forgotten password's reset link,
and the list of their own sessions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import select, update

from kick_forms import audit
from kick_forms.auth.services import _DUMMY_HASH, _verify_password, find_user, set_password
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import AccountToken, StaffSession, TokenPurpose, User
from kick_forms.timeutil import utcnow
from kick_forms.tokens import hash_token, looks_like_token, new_token
from kick_forms.urls import public_url_for


def password_matches(user: User, password: str) -> bool:
    """Whether this is the person's current password (asked before it changes)."""
    return _verify_password(user.password_hash or _DUMMY_HASH, password) is not None


def change_password(user: User, new_password: str) -> None:
    """A new password chosen by its owner (ValueError if the rules refuse it); every session
    ends, the caller starts a fresh one for the browser that asked."""
    set_password(user, new_password)
    audit.record("account.password", f"user:{user.id}")


def request_reset(email: str, minutes: int, now: datetime | None = None) -> None:
    """Mail a single-use reset link to an active account with this address; do nothing
    otherwise. Whichever it is, the caller answers the same."""
    user = find_user(email)
    if user is None or not user.active:
        return
    now = now or utcnow()
    token = new_token()
    reset = AccountToken(user_id=user.id, purpose=TokenPurpose.RESET.value,
                         token_hash=hash_token(token), created_at=now,
                         expires_at=now + timedelta(minutes=minutes))  # fmt: skip
    db.session.add(reset)
    db.session.flush()
    enqueue_mail(
        user.email,
        _("Reset your password for KICK Forms"),
        render_template(
            "auth/mail/reset.txt",
            link=public_url_for("auth.password_reset", token=token),
            expires_at=reset.expires_at,
        ),
        now=now,
    )


def find_reset(token: str, now: datetime | None = None) -> AccountToken | None:
    """The live reset link with this token: unused, unexpired, of an active account."""
    if not looks_like_token(token):
        return None
    reset = db.session.scalars(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(token),
            AccountToken.purpose == TokenPurpose.RESET.value,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > (now or utcnow()),
        )
    ).one_or_none()
    return reset if reset is not None and reset.user.active else None


def reset_password(reset: AccountToken, new_password: str) -> User:
    """Use a reset link: the new password (ValueError if refused), every session of the
    person ended, and every reset link they have spent."""
    user = reset.user
    set_password(user, new_password)
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == TokenPurpose.RESET.value,
               AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )  # fmt: skip
    audit.record("account.password_reset", f"user:{user.id}")
    return user


def live_sessions(user: User, lifetime: timedelta) -> list[StaffSession]:
    """The person's sessions that still sign them in, newest first."""
    return list(
        db.session.scalars(
            select(StaffSession)
            .where(
                StaffSession.user_id == user.id,
                StaffSession.ended_at.is_(None),
                StaffSession.created_at > utcnow() - lifetime,
            )
            .order_by(StaffSession.created_at.desc(), StaffSession.id.desc())
        )
    )


def end_own_session(user: User, session_id: int) -> StaffSession | None:
    """End one of the person's own live sessions; None if they have no such session."""
    found = db.session.scalars(
        select(StaffSession).where(
            StaffSession.id == session_id,
            StaffSession.user_id == user.id,
            StaffSession.ended_at.is_(None),
        )
    ).one_or_none()
    if found is not None:
        found.ended_at = utcnow()
        audit.record("account.session_end", f"session:{found.id}")
        db.session.flush()
    return found


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))  # fmt: skip


def browser_name(user_agent: str) -> str:
    """A short name for a browser ("Firefox på Windows") from its User-Agent header."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or system  # type: ignore[return-value]
    # Anything else (a script, an unknown browser): its first word, no longer than a name.
    first = re.split(r"[\s/;(]", user_agent.strip(), maxsplit=1)[0][:40]
    return first or _("Unknown browser")
