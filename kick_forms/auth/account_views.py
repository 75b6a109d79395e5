"""A member of staff's own account: password, forgotten password, own sessions."""

from __future__ import annotations

import re
import time

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from kick_forms import audit
from kick_forms.auth import account, bp
from kick_forms.auth.account_forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from kick_forms.auth.services import SESSION_KEY, end_all_sessions
from kick_forms.auth.signin import finish_sign_in
from kick_forms.extensions import db, limiter
from kick_forms.i18n import gettext as _
from kick_forms.tokens import hash_token

# The answer to "Glömt lösenordet?" leaves no sooner than this after the request came, so
# that mailing a link (known address) and doing nothing (unknown one) take the same time.
FORGOT_ANSWER_SECONDS = 0.25


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _typed_address() -> str:
    """Rate limits per address asked about, whoever asks, as well as per client."""
    return "reset:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/account")
@login_required
def account_page():
    return render_template("auth/account.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_reset_limit, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not account.password_matches(user, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            try:
                account.change_password(user, form.new_password.data)
            except ValueError as error:
                form.new_password.errors.append(str(error))
            else:
                finish_sign_in(user)
                db.session.commit()
                flash(_("Your password is changed. You are logged out everywhere else."), "success")
                return redirect(url_for("auth.account_page"), code=303)
    if form.is_submitted():
        status = 422
    for field in (form.current_password, form.new_password, form.repeat_password):
        field.data = ""
    return render_template("auth/password_change.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_typed_address)
def password_forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = time.monotonic()
        account.request_reset(form.email.data, current_app.config["PASSWORD_RESET_MINUTES"])
        db.session.commit()
        time.sleep(max(0.0, FORGOT_ANSWER_SECONDS - (time.monotonic() - started)))
        return render_template("auth/password_forgot_sent.html")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password_forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def password_reset(token: str):
    reset = account.find_reset(token)
    if reset is None:
        return render_template("auth/password_reset_invalid.html"), 404
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            account.reset_password(reset, form.new_password.data)
        except ValueError as error:
            form.new_password.errors.append(str(error))
        else:
            db.session.commit()
            # Whoever was signed in in this browser is signed out too; the person signs in
            # with the new password (and their second factor, if they have one).
            logout_user()
            session.clear()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"), code=303)
    if form.is_submitted():
        status = 422
    form.new_password.data = form.repeat_password.data = ""
    return render_template("auth/password_reset.html", form=form), status


@bp.route("/account/sessions")
@login_required
def sessions_page():
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    current = session.get(SESSION_KEY)
    return render_template(
        "auth/sessions.html",
        sessions=account.live_sessions(current_user._get_current_object(), lifetime),
        current_hash=hash_token(current) if current else None,
        browser_name=account.browser_name,
    )


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def session_end():
    """End one of the person's sessions (CSRF is checked for every POST by the app)."""
    session_id = request.form.get("session_id", "")
    user = current_user._get_current_object()
    ended = (
        account.end_own_session(user, int(session_id))
        if re.fullmatch(r"[0-9]{1,9}", session_id)
        else None
    )
    db.session.commit()
    if ended is None:
        flash(_("That session had already ended."), "info")
    elif session.get(SESSION_KEY) and ended.token_hash == hash_token(session[SESSION_KEY]):
        logout_user()
        session.clear()
        flash(_("You are logged out."), "info")
        return redirect(url_for("auth.login"), code=303)
    else:
        flash(_("The session is ended: that browser is logged out."), "success")
    return redirect(url_for("auth.sessions_page"), code=303)


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required
def sessions_end_all():
    end_all_sessions(current_user._get_current_object())
    audit.record("account.sessions_end_all", f"user:{current_user.id}")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out everywhere."), "info")
    return redirect(url_for("auth.login"), code=303)
