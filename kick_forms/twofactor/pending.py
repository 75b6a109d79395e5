"""A sign-in halfway: the password was right, the second step is still to come.

Kept in the (signed) session cookie: who, since when, and where to go afterwards. It is not a
login: nothing of the staff side opens for it, and it lapses after a few minutes or a few
wrong codes, when the password must be given again.
"""

from __future__ import annotations

from flask import session, url_for

from kick_forms.extensions import db
from kick_forms.models import User
from kick_forms.timeutil import utcnow
from kick_forms.twofactor.services import has_second_factor

_KEY = "twofactor_pending"
LIFETIME_SECONDS = 5 * 60
MAX_TRIES = 5


def begin(user: User, next_target: str | None) -> str:
    """Remember the half-done sign-in; the URL of the step that comes next."""
    session.clear()
    session[_KEY] = {
        "user": user.id,
        "at": int(utcnow().timestamp()),
        "next": next_target or "",
        "tries": 0,
    }
    return url_for("twofactor.challenge" if has_second_factor(user) else "twofactor.settings")


def pending_user() -> User | None:
    """The person halfway through signing in, while that lasts and their account is active."""
    state = session.get(_KEY)
    if not isinstance(state, dict):
        return None
    if int(utcnow().timestamp()) - int(state.get("at", 0)) > LIFETIME_SECONDS:
        session.pop(_KEY, None)
        return None
    user = db.session.get(User, int(state.get("user", 0)))
    return user if user is not None and user.active else None


def next_target() -> str | None:
    state = session.get(_KEY)
    return state.get("next") or None if isinstance(state, dict) else None


def count_failure() -> bool:
    """One more wrong code; true when too many, and the half-done sign-in is dropped."""
    state = dict(session.get(_KEY) or {})
    state["tries"] = int(state.get("tries", 0)) + 1
    if state["tries"] >= MAX_TRIES:
        session.pop(_KEY, None)
        return True
    session[_KEY] = state
    return False


def drop() -> None:
    session.pop(_KEY, None)
