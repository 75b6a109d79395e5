"""The last step of every way of signing in (password, second factor, the region's identity
provider): a server-side session, the cookie that names it, and where to go next."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, session, url_for
from flask_login import login_user

from kick_forms.auth.services import SESSION_KEY, start_session
from kick_forms.models import User
from kick_forms.timeutil import utcnow


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login would help phishing."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("consultations.dashboard")


def finish_sign_in(user: User, method: str = "password") -> None:
    """Sign the person in once every factor is checked; the caller commits.

    The session cookie starts afresh (nothing from before signing in carries over) and names
    a new server-side session, which logout, a new password or deactivation can end.
    """
    token = start_session(user, method=method, user_agent=request.user_agent.string)
    user.last_login_at = utcnow()
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = token
    login_user(user)
