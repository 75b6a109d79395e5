"""The register of cultural organisations, for the region's staff."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_babel import format_date
from flask_login import current_user, login_required
from sqlalchemy import select

from kick_forms import audit, htmx
from kick_forms.board import charts, exports
from kick_forms.board.export_views import XLSX_TYPE, download
from kick_forms.consultations.permissions import staff_region
from kick_forms.extensions import db
from kick_forms.forms import ActionForm, organisation_choices
from kick_forms.i18n import gettext as _
from kick_forms.models import Municipality, OrganisationCategory, Region, Role
from kick_forms.models.organisation import Organisation
from kick_forms.organisations import bp
from kick_forms.organisations import services as register
from kick_forms.organisations.forms import SIZE_LABELS, ContactForm, NotesForm, OrganisationForm
from kick_forms.privacy.audit_log import record_read
from kick_forms.timeutil import utcnow


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page of the register needs a logged-in user."""


def _categories() -> list[OrganisationCategory]:
    return list(
        db.session.scalars(select(OrganisationCategory).order_by(OrganisationCategory.position))
    )


def _municipalities(region: Region) -> list[Municipality]:
    return list(
        db.session.scalars(
            select(Municipality).filter_by(region_id=region.id).order_by(Municipality.name)
        )
    )


@bp.route("/r/<region_slug>/organisations")
def register_page(region_slug: str):
    region = staff_region(region_slug)
    search = register.search_from(request.args)
    return htmx.render(
        "organisations/register.html",
        "organisations/_results.html",
        region=region,
        search=search,
        found=register.find(region, search),
        categories=_categories(),
        municipalities=_municipalities(region),
        can_edit=current_user.can_edit(region),
    )


def _form(region: Region, organisation: Organisation | None = None) -> OrganisationForm:
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    organisation_choices(form, region, _("Not known"))
    if organisation is not None and request.method == "GET":
        form.municipality.data = organisation.municipality_code or ""
        form.categories.data = [category.key for category in organisation.categories]
        form.size_band.data = organisation.size_band or ""
    return form


def _data(form: OrganisationForm) -> register.OrganisationData:
    return register.OrganisationData(
        name=form.name.data or "",
        organisation_number=form.organisation_number.data,
        municipality_code=form.municipality.data or None,
        category_keys=form.categories.data or [],
        website=form.website.data,
        description=form.description.data or "",
        size_band=form.size_band.data or None,
    )


def _organisation_url(region: Region, organisation: Organisation) -> str:
    return url_for(".organisation_page", region_slug=region.slug, organisation_id=organisation.id)


@bp.route("/r/<region_slug>/organisations/new", methods=["GET", "POST"])
def organisation_new(region_slug: str):
    region = staff_region(region_slug, Role.EDITOR)
    form = _form(region)
    if form.validate_on_submit():
        try:
            organisation = register.register_organisation(region, _data(form))
        except register.RegisterError as error:
            db.session.rollback()
            form.organisation_number.errors = [error.message]
        else:
            db.session.commit()
            if organisation.owner_region_id == region.id:
                flash(_("%(name)s is in the register.", name=organisation.name), "success")
            else:
                flash(
                    _("%(name)s was already registered by another region and is now in your "
                      "register too. Its details are kept by the region that registered it "
                      "first; your notes and contact persons are yours alone.",
                      name=organisation.name),
                    "success",
                )  # fmt: skip
            return redirect(_organisation_url(region, organisation), code=303)
    status = 422 if form.is_submitted() else 200
    return htmx.render(
        "organisations/form.html", status=status, region=region, form=form, organisation=None
    )


def _organisation(region: Region, organisation_id: int) -> Organisation:
    organisation = register.region_organisation(region, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _organisation_page(region: Region, organisation: Organisation, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    can_edit = current_user.can_edit(region)
    entry = register.entry_of(region, organisation)
    notes_form = forms.get("notes_form") or NotesForm(formdata=None, notes=entry.notes)
    return htmx.render(
        "organisations/organisation.html",
        status=status,
        region=region,
        organisation=organisation,
        entry=entry,
        size_labels=SIZE_LABELS,
        can_edit=can_edit,
        can_change_facts=organisation.facts_changeable_by(current_user, region),
        # Contact persons are personal data: only those who may change the register see them,
        # and only the ones their region collected.
        contacts=organisation.contacts_of(region) if can_edit else [],
        contact_form=forms.get("contact_form") or ContactForm(formdata=None),
        notes_form=notes_form,
        remove_form=ActionForm(),
    )


@bp.route("/r/<region_slug>/organisations/<int:organisation_id>")
def organisation_page(region_slug: str, organisation_id: int):
    region = staff_region(region_slug)
    organisation = _organisation(region, organisation_id)
    if current_user.can_edit(region) and organisation.contacts_of(region):
        record_read("contacts.view", f"organisation:{organisation.id}", region)
    return _organisation_page(region, organisation)


@bp.route("/r/<region_slug>/organisations/<int:organisation_id>/contacts", methods=["POST"])
def contact_add(region_slug: str, organisation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    organisation = _organisation(region, organisation_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _organisation_page(region, organisation, status=422, contact_form=form)
    contact = register.add_contact(
        region,
        organisation,
        form.contact_name.data,
        form.contact_email.data,
        phone=form.contact_phone.data,
        role=form.contact_role.data,
    )
    audit.record("contact.add", f"contact:{contact.id}", region, f"organisation={organisation.id}")
    db.session.commit()
    flash(_("The contact person is added."), "success")
    return redirect(_organisation_url(region, organisation) + "#contacts", code=303)


@bp.route(
    "/r/<region_slug>/organisations/<int:organisation_id>/contacts/<int:contact_id>/delete",
    methods=["POST"],
)
def contact_erase(region_slug: str, organisation_id: int, contact_id: int):
    """Erase a contact person's data, e.g. on their request: the row itself is deleted."""
    region = staff_region(region_slug, Role.EDITOR)
    organisation = _organisation(region, organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    contact = register.region_contact(region, organisation, contact_id)
    if contact is None:
        abort(404)
    organisation.all_contacts.remove(contact)
    detail = f"organisation={organisation.id}"
    audit.record("contact.erase", f"contact:{contact_id}", region, detail)
    db.session.commit()
    flash(_("The contact person's data is erased."), "success")
    return redirect(_organisation_url(region, organisation) + "#contacts", code=303)


@bp.route("/r/<region_slug>/organisations/<int:organisation_id>/notes", methods=["POST"])
def notes_save(region_slug: str, organisation_id: int):
    """The region's own notes on an organisation it lists."""
    region = staff_region(region_slug, Role.EDITOR)
    organisation = _organisation(region, organisation_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return _organisation_page(region, organisation, status=422, notes_form=form)
    register.update_notes(region, organisation, form.notes.data or "")
    db.session.commit()
    flash(_("Your notes are saved."), "success")
    return redirect(_organisation_url(region, organisation) + "#region-notes", code=303)


@bp.route("/r/<region_slug>/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def organisation_edit(region_slug: str, organisation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    organisation = _organisation(region, organisation_id)
    if not organisation.facts_changeable_by(current_user, region):
        abort(403)
    form = _form(region, organisation)
    if form.validate_on_submit():
        try:
            register.update_organisation(region, organisation, _data(form))
        except register.RegisterError as error:
            db.session.rollback()
            form.organisation_number.errors = [error.message]
        else:
            db.session.commit()
            flash(_("The changes are saved."), "success")
            return redirect(_organisation_url(region, organisation), code=303)
    status = 422 if form.is_submitted() else 200
    return htmx.render(
        "organisations/form.html",
        status=status,
        region=region,
        form=form,
        organisation=organisation,
    )


@bp.route("/r/<region_slug>/organisations/export.<any(csv, xlsx):extension>")
def register_export(region_slug: str, extension: str):
    """The whole register as a spreadsheet, in the columns the import reads; no contacts."""
    region = staff_region(region_slug)
    table = register.register_table(region)
    name = f"{region.slug}-{_('register')}-{utcnow():%Y-%m-%d}.{extension}"
    record_read("register.export", "register", region, f"format={extension}")
    if extension == "csv":
        return download(exports.to_csv(table), "text/csv; charset=utf-8", name)
    return download(exports.to_xlsx(table, _("Register")), XLSX_TYPE, name)


@bp.route("/r/<region_slug>/organisations/report")
def mapping_report(region_slug: str):
    """Who is registered where: kinds of organisation by municipality, the gaps, the growth."""
    region = staff_region(region_slug)
    report = register.mapping_report(region)
    return htmx.render(
        "organisations/report.html",
        region=region,
        report=report,
        kinds_chart=charts.bar_chart(
            "chart-kinds",
            _("Organisations by kind"),
            [
                (category.name, report.by_category.get(category.key, 0))
                for category in report.categories
            ],
            report.total,
        ),
        growth_chart=charts.bar_chart(
            "chart-growth",
            _("Organisations in the register at the end of each month"),
            [(_month_name(month), count) for month, count in report.growth],
            report.total,
        ),
    )


def _month_name(month: str) -> str:
    """A year-month key ("2025-03") as the reader says it ("mars 2025")."""
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "LLLL y")
