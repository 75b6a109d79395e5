"""Inviting the register to a consultation (staff), and unsubscribing from the mails (public)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kick_forms import audit, htmx
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import csrf, db, limiter, public_write_limit
from kick_forms.forms import ActionForm
from kick_forms.i18n import ngettext
from kick_forms.invitations import bp
from kick_forms.invitations import services as invitations
from kick_forms.models import Municipality, OrganisationCategory, OrganisationContact, Role
from kick_forms.organisations import services as register
from kick_forms.timeutil import utcnow

PAGE_RULE = "/admin/r/<region_slug>/c/<int:consultation_id>/invitations"


def _status() -> invitations.Status | None:
    value = request.args.get("status", "")
    return invitations.Status(value) if value in set(invitations.Status) else None


@bp.route(PAGE_RULE)
@login_required
def invitations_page(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    search = register.search_from(request.args)
    status = _status()
    return htmx.render(
        "invitations/page.html",
        "invitations/_results.html",
        region=region,
        consultation=consultation,
        search=search,
        chosen_status=status,
        found=invitations.overview(consultation, search, status),
        labels=invitations.STATUS_LABELS,
        categories=db.session.scalars(
            select(OrganisationCategory).order_by(OrganisationCategory.position)
        ).all(),
        municipalities=db.session.scalars(
            select(Municipality).filter_by(region_id=region.id).order_by(Municipality.name)
        ).all(),
        can_edit=current_user.can_edit(region),
        may_invite=invitations.may_invite(consultation, utcnow()),
        invite_form=ActionForm(),
    )


@bp.route(f"{PAGE_RULE}/send", methods=["POST"])
@login_required
def invite(region_slug: str, consultation_id: int):
    """Invite the organisations that match the filters the form carries."""
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    search = register.search_from(request.form)
    try:
        report = invitations.invite(consultation, search, current_user, utcnow())
    except invitations.InvitationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        audit.record(
            "invitations.send",
            f"consultation:{consultation.id}",
            region,
            f"invited={report.invited} mails={report.mails}",
        )
        db.session.commit()
        flash(_message(report), "success" if report.invited else "info")
    filters = {key: request.form.get(key) or None for key in ("q", "category", "municipality")}
    return redirect(
        url_for(".invitations_page", region_slug=region.slug, consultation_id=consultation.id,
                **filters),
        code=303,
    )  # fmt: skip


def _message(report: invitations.InviteReport) -> str:
    parts = [
        ngettext(
            "%(num)d organisation invited (%(mails)d emails).",
            "%(num)d organisations invited (%(mails)d emails).",
            report.invited,
            mails=report.mails,
        )
    ]
    if report.already_invited:
        parts.append(
            ngettext(
                "%(num)d was already invited.", "%(num)d were already invited.",
                report.already_invited,
            )
        )  # fmt: skip
    if report.without_contact:
        parts.append(
            ngettext(
                "%(num)d has no contact person to mail and was not invited.",
                "%(num)d have no contact person to mail and were not invited.",
                report.without_contact,
            )
        )
    return " ".join(parts)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail programs post without a session
@limiter.limit(public_write_limit, methods=["POST"])
def unsubscribe(token: str):
    """A GET only asks: mail scanners follow links, and must not unsubscribe anyone. A POST
    unsubscribes, from the page's button or as the one-click POST mail programs send for the
    List-Unsubscribe header (RFC 8058)."""
    contact_id = invitations.read_unsubscribe_token(token)
    contact = db.session.get(OrganisationContact, contact_id) if contact_id else None
    if contact is None:
        return render_template("invitations/unsubscribe.html", contact=None), 404
    form = ActionForm()
    if request.method == "POST":
        invitations.unsubscribe(contact, utcnow())
        db.session.commit()
    return render_template("invitations/unsubscribe.html", contact=contact, form=form)
