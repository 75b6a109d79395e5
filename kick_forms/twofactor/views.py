"""Two-factor sign-in: a person's own settings, the second step of signing in, a region's rule,
and a platform admin's reset."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kick_forms.auth.services import authenticate
from kick_forms.auth.signin import finish_sign_in, safe_next
from kick_forms.consultations.permissions import staff_region
from kick_forms.errors import unauthorised
from kick_forms.extensions import db, limiter
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import RegionSignIn, Role, User
from kick_forms.twofactor import bp, pending
from kick_forms.twofactor import services as twofactor
from kick_forms.twofactor.forms import ChallengeForm, EnrolForm, ProofForm, RegionSignInForm


def _code_limit() -> str:
    """Codes are guessed like passwords, so they share the login's limit."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _enrolling_person() -> tuple[User | None, bool]:
    """Who sets up two-factor here, and whether they are still signing in: the logged-in
    person, or someone whose region requires it and who has not set it up yet."""
    if current_user.is_authenticated:
        return current_user, False
    person = pending.pending_user()
    if person is not None and not twofactor.has_second_factor(person):
        return person, True
    return None, False


@bp.route("/account/two-factor", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
def settings():
    person, signing_in = _enrolling_person()
    if person is None:
        return unauthorised()
    if twofactor.has_second_factor(person):
        return _settings_page(person)
    twofactor.start_enrolment(person)
    form = EnrolForm()
    status = 200
    if form.validate_on_submit():
        codes = twofactor.confirm_enrolment(person, form.code.data or "")
        if codes is not None:
            target = safe_next(pending.next_target()) if signing_in else None
            if signing_in:
                finish_sign_in(person)
            db.session.commit()
            return render_template("twofactor/recovery_codes.html", codes=codes, target=target)
        form.code.errors.append(
            _("The code is wrong or too old. Enter the code the app shows now.")
        )
    if form.is_submitted():
        status = 422
    db.session.commit()  # the new secret, so that a reload shows the same one
    form.code.data = ""
    return render_template(
        "twofactor/enrol.html",
        form=form,
        person=person,
        signing_in=signing_in,
        required=twofactor.second_factor_required(person),
        secret=twofactor.grouped(person.totp_secret or ""),
        qr_code=twofactor.qr_code_data_uri(twofactor.provisioning_uri(person)),
        issuer=twofactor.ISSUER,
    ), status


def _settings_page(person: User, form: ProofForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "twofactor/settings.html",
        form=form or ProofForm(),
        required=twofactor.second_factor_required(person),
        codes_left=twofactor.recovery_codes_left(person),
    ), status


def _proof_given(form: ProofForm) -> bool:
    """The person proved it is them; else the form carries the error."""
    if not form.validate_on_submit():
        return False
    if form.code.data and twofactor.code_is_valid(current_user, form.code.data):
        return True
    if form.password.data:
        checked = authenticate(current_user.email, form.password.data)
        if checked is not None and checked.id == current_user.id:
            return True
    form.form_errors.append(_("Enter a current code from the app or your password."))
    return False


@bp.route("/account/two-factor/off", methods=["POST"])
@limiter.limit(_code_limit)
@login_required
def disable():
    if not twofactor.has_second_factor(current_user):
        return redirect(url_for("twofactor.settings"), code=303)
    form = ProofForm()
    if not _proof_given(form):
        return _settings_page(current_user, form, status=422)
    twofactor.disable(current_user)
    db.session.commit()
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("twofactor.settings"), code=303)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@limiter.limit(_code_limit)
@login_required
def recovery_codes():
    if not twofactor.has_second_factor(current_user):
        return redirect(url_for("twofactor.settings"), code=303)
    form = ProofForm()
    if not _proof_given(form):
        return _settings_page(current_user, form, status=422)
    codes = twofactor.new_recovery_codes(current_user)
    db.session.commit()
    return render_template("twofactor/recovery_codes.html", codes=codes, target=None)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
def challenge():
    if current_user.is_authenticated:
        return redirect(url_for("consultations.dashboard"), code=303)
    person = pending.pending_user()
    if person is None:
        flash(_("Log in again: the sign-in took too long."), "info")
        return redirect(url_for("auth.login"), code=303)
    if not twofactor.has_second_factor(person):
        return redirect(url_for("twofactor.settings"), code=303)
    form = ChallengeForm()
    status = 200
    if form.validate_on_submit():
        if twofactor.second_step_passes(person, form.code.data or ""):
            target = safe_next(pending.next_target())
            finish_sign_in(person)
            db.session.commit()
            return redirect(target, code=303)
        if pending.count_failure():
            flash(_("Too many wrong codes. Log in again."), "error")
            return redirect(url_for("auth.login"), code=303)
        form.code.errors.append(_("The code is wrong. Try the code the app shows now."))
    if form.is_submitted():
        status = 422
    form.code.data = ""
    return render_template("twofactor/challenge.html", form=form), status


@bp.route("/r/<region_slug>/sign-in", methods=["GET", "POST"])
@login_required
def region_sign_in(region_slug: str):
    """The region's rules: its staff read them, its admins change them."""
    region = staff_region(region_slug, Role.ADMIN if request.method == "POST" else Role.VIEWER)
    rules = db.session.get(RegionSignIn, region.id)
    form = RegionSignInForm(
        for_admins=bool(rules and rules.two_factor_for_admins),
        for_all=bool(rules and rules.two_factor_for_all),
    )
    if form.validate_on_submit():
        twofactor.set_region_rules(region, form.for_admins.data, form.for_all.data)
        db.session.commit()
        flash(_("The sign-in rules are saved."), "success")
        return redirect(url_for("twofactor.region_sign_in", region_slug=region.slug), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "twofactor/region_sign_in.html",
        form=form,
        region=region,
        can_change=current_user.can_admin(region),
    ), status


@bp.route("/staff/<int:user_id>/two-factor/reset", methods=["POST"])
@login_required
def reset(user_id: int):
    if not current_user.is_platform_admin:
        abort(403)
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    twofactor.reset(person)
    db.session.commit()
    flash(
        _("The person's second factor is cleared; they set it up again at their next sign-in."),
        "success",
    )
    return redirect(safe_next(request.form.get("next")), code=303)
