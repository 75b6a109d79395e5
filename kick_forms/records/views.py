"""Staff downloads of the records: one answer as PDF, every answer as a ZIP, the list of
incoming documents, and the archive package. Every download is written to the audit log."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from kick_forms.board import exports
from kick_forms.board.export_views import XLSX_TYPE, download
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db
from kick_forms.mail.services import register_attachment
from kick_forms.models import Consultation, Region, Response, ResponseVersion, Role
from kick_forms.privacy.audit_log import record_read
from kick_forms.records import archive, documents, packages
from kick_forms.records.services import ANSWER_PDF
from kick_forms.timeutil import utcnow

bp = Blueprint("records", __name__, url_prefix="/admin")

CONSULTATION = "/r/<region_slug>/c/<int:consultation_id>"


def init_app(app: Flask) -> None:
    """The routes, and the outbox's maker of answers as PDF for the registrar's mail."""
    app.register_blueprint(bp)
    register_attachment(ANSWER_PDF, documents.answer_pdf_attachment)


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every record is the region's: staff only."""


def _record_download(region: Region, subject: str, detail: str) -> None:
    """Records name people (organisations' contact persons, people in statements)."""
    record_read("responses.export", subject, region, detail)


def _consultation(region_slug: str, consultation_id: int, at_least: Role = Role.VIEWER):  # type: ignore[no-untyped-def]
    region = staff_region(region_slug, at_least)
    return region, region_consultation(region, consultation_id)


def _version(consultation: Consultation, response_id: int) -> ResponseVersion:
    """The version asked for (``?version=2``), by default the latest; 404 if it was never sent."""
    response = db.session.scalars(
        select(Response).filter_by(id=response_id, consultation_id=consultation.id)
    ).one_or_none()
    if response is None or not response.versions:
        abort(404)
    wanted = request.args.get("version", "")
    if not wanted:
        return response.versions[-1]
    version = next((v for v in response.versions if str(v.number) == wanted), None)
    if version is None:
        abort(404)
    return version


@bp.route(f"{CONSULTATION}/responses/<int:response_id>/answer.pdf")
def answer_pdf(region_slug: str, consultation_id: int, response_id: int):
    region, consultation = _consultation(region_slug, consultation_id)
    version = _version(consultation, response_id)
    with_contact = current_user.can_edit(region)
    data = documents.answer_pdf(version, with_contact)
    _record_download(
        region,
        f"response:{version.response_id}",
        f"format=pdf version={version.number} contact={'yes' if with_contact else 'no'}",
    )
    return download(data, "application/pdf", documents.pdf_name(version))


@bp.route(f"{CONSULTATION}/records/answers.zip")
def answers_zip(region_slug: str, consultation_id: int):
    region, consultation = _consultation(region_slug, consultation_id)
    with_contact = current_user.can_edit(region)
    data = packages.answers_zip(consultation, with_contact)
    _record_download(
        region,
        f"consultation:{consultation.id}",
        f"format=answers-zip contact={'yes' if with_contact else 'no'}",
    )
    name = exports.download_name(consultation, _("Answers as PDF"), "zip")
    return download(data, "application/zip", name)


@bp.route(f"{CONSULTATION}/records/incoming.<any(csv, xlsx):extension>")
def incoming_list(region_slug: str, consultation_id: int, extension: str):
    region, consultation = _consultation(region_slug, consultation_id)
    table = packages.incoming_table(consultation)
    name = exports.download_name(consultation, _("Incoming documents"), extension)
    _record_download(region, f"consultation:{consultation.id}", f"format=incoming-{extension}")
    if extension == "csv":
        return download(exports.to_csv(table), "text/csv", name)
    return download(exports.to_xlsx(table, _("Incoming documents")), XLSX_TYPE, name)


@bp.route(f"{CONSULTATION}/records/archive.zip")
def archive_package(region_slug: str, consultation_id: int):
    # The package names every contact person: for those who see contact persons.
    region, consultation = _consultation(region_slug, consultation_id, Role.EDITOR)
    now = utcnow()
    try:
        data = archive.archive_package(consultation, now)
    except archive.ArchiveNotReady as refusal:
        title = _("Not ready for the archive")
        body = render_template(
            "errors/error.html", status=409, title=title, message=refusal.message
        )
        return body, 409
    _record_download(region, f"consultation:{consultation.id}", "format=archive")
    name = exports.download_name(consultation, _("Archive package"), "zip")
    return download(data, "application/zip", name)
