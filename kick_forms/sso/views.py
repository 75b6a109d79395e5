from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kick_forms.auth.signin import finish_sign_in, safe_next
from kick_forms.consultations.permissions import staff_region
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import Region, RegionSignIn, Role
from kick_forms.sso import bp, services
from kick_forms.sso.forms import SsoSettingsForm
from kick_forms.urls import public_url_for

# What the browser carries from the start of the flow to the callback.
FLOW_KEY = "sso_flow"


@bp.app_template_global()
def sso_regions() -> list[Region]:
    return services.sso_regions()


@bp.route("/r/<region_slug>/sso", methods=["GET", "POST"])
@login_required
def settings(region_slug: str):
    region = staff_region(region_slug, Role.ADMIN)
    stored = services.region_sign_in(region)
    editable = current_user.is_platform_admin
    if request.method == "POST" and not editable:
        abort(403)
    form = SsoSettingsForm(obj=None)
    if request.method == "GET" and stored is not None:
        form.issuer.data = stored.oidc_issuer
        form.client_id.data = stored.oidc_client_id
        form.sso_required.data = stored.sso_required
    status = 200
    if form.validate_on_submit():
        if _check(form, stored):
            try:
                services.configure(
                    region,
                    issuer=form.issuer.data,
                    client_id=form.client_id.data,
                    client_secret=form.client_secret.data,
                    sso_required=form.sso_required.data,
                )
            except services.SsoError as error:
                form.issuer.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The region's sign-in settings are saved."), "success")
                return redirect(url_for(".settings", region_slug=region.slug), code=303)
        status = 422
    elif form.is_submitted():
        status = 422
    form.client_secret.data = ""
    return render_template(
        "sso/settings.html",
        region=region,
        form=form,
        stored=stored,
        configured=services.is_configured(stored),
        editable=editable,
        redirect_uri=public_url_for("sso.callback", region_slug=region.slug),
    ), status


def _check(form: SsoSettingsForm, stored: RegionSignIn | None) -> bool:
    """The fields that belong together: all of a provider, or nothing."""
    issuer, client_id, secret = form.issuer.data, form.client_id.data, form.client_secret.data
    if not issuer and not client_id:
        if form.sso_required.data:
            form.sso_required.errors.append(
                _("A region can require its own sign-in only once a provider is configured.")
            )
        return not form.errors
    if not issuer:
        form.issuer.errors.append(_("Enter the issuer's address."))
    elif problem := services.issuer_error(issuer):
        form.issuer.errors.append(problem)
    if not client_id:
        form.client_id.errors.append(_("Enter the client id the provider gave the region."))
    if not secret and not (stored and stored.oidc_client_secret):
        form.client_secret.errors.append(_("Enter the client secret the provider gave the region."))
    return not form.errors


def _configured_region(region_slug: str) -> tuple[Region, RegionSignIn]:
    region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
    settings = services.region_sign_in(region) if region is not None else None
    if region is None or settings is None or not services.is_configured(settings):
        abort(404)
    return region, settings


@bp.get("/sso/<region_slug>/login")
def start(region_slug: str):
    region, settings = _configured_region(region_slug)
    redirect_uri = public_url_for("sso.callback", region_slug=region.slug)
    try:
        flow = services.start_authorization(settings, redirect_uri)
    except services.SsoError as error:
        return _refused(region, str(error), 502)
    session[FLOW_KEY] = {
        "region": region.slug,
        "state": flow.state,
        "nonce": flow.nonce,
        "verifier": flow.code_verifier,
        "next": request.args.get("next", ""),
    }
    return redirect(flow.url, code=303)


@bp.get("/sso/<region_slug>/callback")
def callback(region_slug: str):
    region, settings = _configured_region(region_slug)
    flow = session.pop(FLOW_KEY, None)
    state = request.args.get("state", "")
    if not flow or flow.get("region") != region.slug or state != flow.get("state"):
        return _refused(region, _("The sign-in was not started here, or it is too old."), 400)
    if request.args.get("error") or not request.args.get("code"):
        return _refused(region, _("The region's sign-in service did not sign you in."), 403)
    redirect_uri = public_url_for("sso.callback", region_slug=region.slug)
    try:
        claims = services.finish_authorization(
            settings, redirect_uri, request.args["code"], flow["verifier"], flow["nonce"]
        )
        user = services.matching_user(region, claims)
    except services.SsoError as error:
        return _refused(region, str(error), 403)
    finish_sign_in(user, method="sso")
    db.session.commit()
    return redirect(safe_next(flow.get("next")), code=303)


def _refused(region: Region, reason: str, status: int):  # type: ignore[no-untyped-def]
    return render_template("sso/refused.html", region=region, reason=reason), status
