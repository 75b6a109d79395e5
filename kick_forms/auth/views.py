from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import logout_user

from kick_forms.auth import bp
from kick_forms.auth.forms import LoginForm
from kick_forms.auth.services import SESSION_KEY, authenticate, end_session
from kick_forms.auth.signin import finish_sign_in, safe_next
from kick_forms.extensions import db, limiter
from kick_forms.i18n import gettext as _
from kick_forms.sso.services import password_sign_in_refused
from kick_forms.twofactor import pending
from kick_forms.twofactor.services import second_factor_needed


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None and (refusal := password_sign_in_refused(user)) is not None:
            form.email.errors.append(refusal)  # the region requires its own sign-in service
            form.password.data = ""
            return render_template("auth/login.html", form=form), 403
        if user is not None:
            if second_factor_needed(user):
                db.session.commit()  # keep a rehashed password; the second step signs in
                return redirect(pending.begin(user, request.args.get("next")), code=303)
            finish_sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")), code=303)
        form.password.errors.append(_("The email address or password is wrong."))
        status = 422
    elif form.is_submitted():
        status = 422
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    end_session(session.get(SESSION_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("regions.home"), code=303)
