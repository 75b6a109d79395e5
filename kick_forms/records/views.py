"""Staff downloads of the records: one answer as PDF, every answer as a ZIP, the list of
incoming documents, and the archive package. Every download is written to the audit log.

The two ZIPs are streamed: their PDFs are drawn while the ZIP is sent (see
``records.packages``), after the view has returned and its audit record is committed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from urllib.parse import quote

from flask import Blueprint, Flask, abort, render_template, request, stream_with_context
from flask import Response as HttpResponse
from flask_login import current_user, login_required
from sqlalchemy import select

from kick_forms.board import exports
from kick_forms.board.export_views import XLSX_TYPE, download
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db, sqlite_begin
from kick_forms.i18n import gettext as _
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
    _record_download(
        region,
        f"consultation:{consultation.id}",
        f"format=answers-zip contact={'yes' if with_contact else 'no'}",
    )
    name = exports.download_name(consultation, _("Answers as PDF"), "zip")
    return _streamed_zip(
        consultation.id, partial(packages.answers_zip, with_contact=with_contact), name
    )


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
    try:
        archive.check_ready(consultation)
    except archive.ArchiveNotReady as refusal:
        title = _("Not ready for the archive")
        body = render_template(
            "errors/error.html", status=409, title=title, message=refusal.message
        )
        return body, 409
    _record_download(region, f"consultation:{consultation.id}", "format=archive")
    name = exports.download_name(consultation, _("Archive package"), "zip")
    return _streamed_zip(consultation.id, partial(archive.archive_package, now=utcnow()), name)


def _streamed_zip(
    consultation_id: int, write: Callable[[Consultation], Iterator[bytes]], name: str
) -> HttpResponse:
    """A ZIP download sent while it is written, with the headers of ``download``.

    The body starts with an empty chunk, so that nothing is written, and no context pushed, by
    a client that takes the first chunk at once while the request's contexts are still pushed
    (the test client does): the writing begins when the body is read after the request.
    """
    body = chain([b""], stream_with_context(_written(consultation_id, write)))
    response = HttpResponse(body, mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", **_file_name(name))
    response.headers["Cache-Control"] = "no-store"
    return response


def _written(
    consultation_id: int, write: Callable[[Consultation], Iterator[bytes]]
) -> Iterator[bytes]:
    """The ZIP's bytes, made after the view has returned.

    The request's database session ends with the request, before the body is sent, so the
    writing loads the consultation again in a session of its own, which ``stream_with_context``
    keeps open until the last byte, and the signed-in user joins it (templates, and the board's
    summary in the archive package, ask who is looking). It only reads: on SQLite it must not
    hold the write lock for the minutes a package can take (the request's choice has ended too).
    """
    previous = sqlite_begin.get()
    sqlite_begin.set("DEFERRED")
    try:
        db.session.add(current_user._get_current_object())
        yield from write(db.session.get_one(Consultation, consultation_id))
    finally:
        sqlite_begin.set(previous)


def _file_name(name: str) -> dict[str, str]:
    """A download's name for Content-Disposition, as ``send_file`` writes it."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {"filename": plain, "filename*": f"UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"}
    return {"filename": name}
