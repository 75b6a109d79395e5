"""The colleagues' pages: a region's staff for its admins, every account for platform admins,
and the welcome page an invited person's link opens."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from kick_forms.auth.signin import finish_sign_in
from kick_forms.consultations.permissions import staff_region
from kick_forms.extensions import db, limiter, public_write_limit
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import Region, RegionMembership, Role, User
from kick_forms.security import private_page
from kick_forms.staff import bp
from kick_forms.staff import services as colleagues
from kick_forms.staff.forms import InviteForm, RoleForm, WelcomeForm
from kick_forms.staff.services import StaffError
from kick_forms.timeutil import utcnow
from kick_forms.urls import public_url_for


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and len(page) < 7 else 1


def _platform_only() -> None:
    if not current_user.is_platform_admin:
        abort(403)


def _member(region: Region, user_id: int) -> RegionMembership:
    """The person's membership of this region, or 404."""
    found = colleagues.membership(region, user_id)
    if found is None:
        abort(404)
    return found


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _checked() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _staff_page(region: Region, status: int = 200, role_forms: dict | None = None):  # type: ignore[no-untyped-def]
    listing = colleagues.region_staff(region, _page_number())
    forms = {user.id: RoleForm(prefix=f"user-{user.id}", role=member.role)
             for user, member in listing.items}  # fmt: skip
    forms.update(role_forms or {})
    return render_template(
        "staff/region.html", region=region, listing=listing, role_forms=forms,
        action_form=ActionForm(), failed=next(iter((role_forms or {}).values()), None),
    ), status  # fmt: skip


def _back(region: Region):  # type: ignore[no-untyped-def]
    return redirect(url_for(".region_staff", region_slug=region.slug), code=303)


def _refused(message: str, back):  # type: ignore[no-untyped-def]
    db.session.rollback()
    flash(message, "error")
    return back


@bp.route("/r/<region_slug>/staff")
@login_required
def region_staff(region_slug: str):
    return _staff_page(staff_region(region_slug, Role.ADMIN))


@bp.route("/r/<region_slug>/staff/invite", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])  # each invitation sends a mail
@login_required
def invite(region_slug: str):
    region = staff_region(region_slug, Role.ADMIN)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            colleagues.invite(
                region, form.email.data, Role(form.role.data), current_user, utcnow(),
                lambda token: public_url_for("staff.welcome", token=token),
                public_url_for("auth.login"),
            )  # fmt: skip
        except StaffError as error:
            db.session.rollback()
            form.email.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
            return _back(region)
    status = 422 if form.is_submitted() else 200
    return render_template("staff/invite.html", region=region, form=form), status


@bp.route("/r/<region_slug>/staff/<int:user_id>/role", methods=["POST"])
@login_required
def role(region_slug: str, user_id: int):
    region = staff_region(region_slug, Role.ADMIN)
    member = _member(region, user_id)
    form = RoleForm(prefix=f"user-{user_id}")
    if not form.validate_on_submit():
        return _staff_page(region, 422, {user_id: form})
    try:
        colleagues.change_role(member, Role(form.role.data))
    except StaffError as error:
        return _refused(error.message, _back(region))
    db.session.commit()
    flash(_("The role of %(name)s is changed.", name=member.user.name or member.user.email),
          "success")  # fmt: skip
    return _back(region)


@bp.route("/r/<region_slug>/staff/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(region_slug: str, user_id: int):
    region = staff_region(region_slug, Role.ADMIN)
    member = _member(region, user_id)
    _checked()
    try:
        colleagues.deactivate(member, utcnow())
    except StaffError as error:
        return _refused(error.message, _back(region))
    db.session.commit()
    flash(_("%(name)s no longer works in %(region)s.", name=member.user.name or member.user.email,
            region=region.name), "success")  # fmt: skip
    return _back(region)


@bp.route("/r/<region_slug>/staff/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(region_slug: str, user_id: int):
    region = staff_region(region_slug, Role.ADMIN)
    member = _member(region, user_id)
    _checked()
    colleagues.reactivate(member)
    db.session.commit()
    flash(_("%(name)s works in %(region)s again.", name=member.user.name or member.user.email,
            region=region.name), "success")  # fmt: skip
    return _back(region)


@bp.route("/r/<region_slug>/staff/<int:user_id>/sign-out", methods=["POST"])
@login_required
def sign_out(region_slug: str, user_id: int):
    region = staff_region(region_slug, Role.ADMIN)
    member = _member(region, user_id)
    _checked()
    colleagues.sign_out_everywhere(member.user, region)
    db.session.commit()
    flash(_("%(name)s is signed out everywhere.", name=member.user.name or member.user.email),
          "success")  # fmt: skip
    return _back(region)


# The platform --------------------------------------------------------------------------------


def _back_to_accounts():  # type: ignore[no-untyped-def]
    return redirect(url_for(".accounts"), code=303)


@bp.route("/staff")
@login_required
def accounts():
    _platform_only()
    listing = colleagues.all_accounts(_page_number())
    return render_template("staff/accounts.html", listing=listing, action_form=ActionForm())


def _platform_change(user_id: int, change, message: str):  # type: ignore[no-untyped-def]
    _platform_only()
    user = _account(user_id)
    _checked()
    try:
        change(user)
    except StaffError as error:
        return _refused(error.message, _back_to_accounts())
    db.session.commit()
    flash(message % {"name": user.name or user.email}, "success")
    return _back_to_accounts()


@bp.route("/staff/<int:user_id>/platform-admin", methods=["POST"])
@login_required
def platform_grant(user_id: int):
    return _platform_change(user_id, lambda user: colleagues.set_platform_admin(user, True),
                            _("%(name)s is a platform admin."))  # fmt: skip


@bp.route("/staff/<int:user_id>/platform-admin/revoke", methods=["POST"])
@login_required
def platform_revoke(user_id: int):
    return _platform_change(user_id, lambda user: colleagues.set_platform_admin(user, False),
                            _("%(name)s is no longer a platform admin."))  # fmt: skip


@bp.route("/staff/<int:user_id>/deactivate", methods=["POST"])
@login_required
def account_deactivate(user_id: int):
    return _platform_change(user_id, lambda user: colleagues.set_account_active(user, False),
                            _("The account of %(name)s is deactivated."))  # fmt: skip


@bp.route("/staff/<int:user_id>/reactivate", methods=["POST"])
@login_required
def account_reactivate(user_id: int):
    return _platform_change(user_id, lambda user: colleagues.set_account_active(user, True),
                            _("The account of %(name)s is active again."))  # fmt: skip


@bp.route("/staff/<int:user_id>/sign-out", methods=["POST"])
@login_required
def account_sign_out(user_id: int):
    return _platform_change(user_id, lambda user: colleagues.sign_out_everywhere(user, None),
                            _("%(name)s is signed out everywhere."))  # fmt: skip


# The invited person --------------------------------------------------------------------------


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def welcome(token: str):
    """The invited person names themself and chooses a password, then is signed in."""
    invitation = colleagues.find_invitation(token)
    if invitation is None or not invitation.user.active:
        return private_page(render_template("staff/link_invalid.html"), 404)
    now = utcnow()
    if invitation.used_at is not None:
        return private_page(render_template("staff/link_used.html"), 410)
    if invitation.expires_at <= now:
        return private_page(render_template("staff/link_expired.html"), 410)
    form = WelcomeForm()
    if form.validate_on_submit():
        try:
            user = colleagues.accept_invitation(invitation, form.name.data, form.password.data, now)
        except ValueError as error:  # the password rules' reason, e.g. too short
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            finish_sign_in(user)
            db.session.commit()
            flash(_("Welcome to KICK Forms, %(name)s.", name=user.name), "success")
            return redirect(url_for("consultations.dashboard"), code=303)
    status = 422 if form.is_submitted() else 200
    page = render_template("staff/welcome.html", form=form, email=invitation.user.email)
    return private_page(page, status)
