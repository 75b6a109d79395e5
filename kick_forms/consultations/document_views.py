"""A consultation's documents: staff attach, reorder and remove them; everyone downloads them.

The staff routes live on the builder's blueprint under /admin. The download has a blueprint
of its own, without a prefix, beside the consultation's public page: anyone may fetch the
documents of a consultation that is no longer a draft; a draft's only its region's staff.
"""

from __future__ import annotations

import io

from flask import Response, abort, current_app, flash, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from kick_forms import audit, filetypes, htmx
from kick_forms.consultations import bp, documents_bp
from kick_forms.consultations import documents as files
from kick_forms.consultations.forms import MoveForm
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation, Region, Role
from kick_forms.models.plan import DOCUMENT_TITLE_MAX, ConsultationDocument
from kick_forms.timeutil import utcnow

# A PDF is shown in the browser's own viewer, which needs its inline styles and cannot run in
# a sandbox (Chromium and Safari then refuse to show it); nothing else may load or frame it.
PDF_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Every other document is a download, never a page.
FILE_POLICY = (
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)
PUBLIC_MAX_AGE = 300  # a removed document may linger in caches for as long


@documents_bp.app_context_processor
def _document_helpers() -> dict[str, object]:
    """What the documents' partials need on any page that includes them (the builder too)."""
    return {
        "document_type": files.type_name,
        "document_max_mb": filetypes.megabytes(current_app.config["MAX_ATTACHMENT_BYTES"]),
        "document_title_max": DOCUMENT_TITLE_MAX,
        "document_accept": files.ACCEPT,
    }


def _context(region: Region, consultation: Consultation, **extra) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "region": region,
        "consultation": consultation,
        "can_edit": current_user.can_edit(region),
        **extra,
    }


def _builder_documents(consultation: Consultation) -> str:
    return url_for(
        "consultations.builder",
        region_slug=consultation.region.slug,
        consultation_id=consultation.id,
        _anchor="documents",
    )


def _document(consultation: Consultation, document_id: int) -> ConsultationDocument:
    document = db.session.scalars(
        select(ConsultationDocument).filter_by(id=document_id, consultation_id=consultation.id)
    ).one_or_none()
    if document is None:
        abort(404)
    return document


@bp.route("/r/<region_slug>/c/<int:consultation_id>/documents", methods=["GET", "POST"])
def documents_page(region_slug: str, consultation_id: int):
    """The documents on a page of their own: where the upload form lands with its errors."""
    region = staff_region(region_slug, Role.EDITOR if request.method == "POST" else Role.VIEWER)
    consultation = region_consultation(region, consultation_id)
    if request.method == "GET":
        return render_template("consultations/documents.html", **_context(region, consultation))
    if not ActionForm().validate_on_submit():
        abort(400)
    title = request.form.get("title", "")
    try:
        document = files.add_document(
            consultation,
            title,
            request.files.get("file"),
            current_app.config["MAX_ATTACHMENT_BYTES"],
            utcnow(),
        )
    except files.DocumentError as error:
        db.session.rollback()
        context = _context(
            region,
            consultation,
            document_errors={error.field: error.message},
            document_title=title[:DOCUMENT_TITLE_MAX],
        )
        return render_template("consultations/documents.html", **context), 422
    db.session.commit()
    flash(_("“%(title)s” was attached.", title=document.title), "success")
    return htmx.redirect(_builder_documents(consultation))


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/documents/<int:document_id>/move",
    methods=["POST"],
)
def document_move(region_slug: str, consultation_id: int, document_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    document = _document(consultation, document_id)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    direction = form.direction.data
    files.move_document(document, direction)
    db.session.commit()
    documents = consultation.documents
    message = _(
        "“%(title)s” is now number %(position)d of %(count)d.",
        title=document.title,
        position=documents.index(document) + 1,
        count=len(documents),
    )
    if not htmx.htmx_request().is_htmx:
        flash(message, "success")
        return htmx.redirect(_builder_documents(consultation))
    # Keep the focus on the button just pressed, or on its twin once the document is at the end.
    if (documents[0] if direction == "up" else documents[-1]) is document:
        direction = "down" if direction == "up" else "up"
    focus = f"move-{direction}-document-{document.id}"
    return htmx.render(
        "consultations/documents.html",
        "consultations/_documents_list.html",
        **_context(region, consultation, focus=focus, documents_message=message),
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/documents/<int:document_id>/delete",
    methods=["GET", "POST"],
)
def document_delete(region_slug: str, consultation_id: int, document_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    document = _document(consultation, document_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template(
            "consultations/document_delete.html",
            **_context(region, consultation, document=document),
        )
    title = document.title
    if consultation.is_public:
        # Organisations may have read it; who took it away, and when, stays on record.
        audit.record(
            "document.remove",
            f"consultation:{consultation.id}",
            region,
            f"document={document.id} sha256={document.sha256}",
        )
    files.remove_document(document)
    db.session.commit()
    flash(_("“%(title)s” was removed.", title=title), "success")
    return htmx.redirect(_builder_documents(consultation))


@documents_bp.route("/r/<region_slug>/c/<consultation_slug>/documents/<int:document_id>")
def download(region_slug: str, consultation_slug: str, document_id: int):
    document = db.session.scalars(
        select(ConsultationDocument)
        .join(Consultation)
        .join(Region)
        .where(
            ConsultationDocument.id == document_id,
            Consultation.slug == consultation_slug,
            Region.slug == region_slug,
        )
    ).one_or_none()
    if document is None:
        abort(404)
    consultation = document.consultation
    if not consultation.is_public and not (
        current_user.is_authenticated and current_user.can_view(consultation.region)
    ):
        abort(404)
    return send_document(document, public=consultation.is_public)


def send_document(document: ConsultationDocument, public: bool) -> Response:
    """A document with headers that keep it a document: its own type, never sniffed, never
    framed; a PDF opens in the browser, anything else is saved."""
    inline = document.content_type == filetypes.PDF
    response = send_file(
        io.BytesIO(document.data),
        mimetype=document.content_type,
        as_attachment=not inline,
        download_name=document.filename,
        etag=document.sha256,
        max_age=PUBLIC_MAX_AGE if public else 0,
    )
    headers = response.headers
    headers["Content-Security-Policy"] = PDF_POLICY if inline else FILE_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if not public:
        headers["Cache-Control"] = "private, no-store"
    return response
