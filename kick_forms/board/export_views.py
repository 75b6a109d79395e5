"""Downloads: the board printable and as PDF for everyone who may see it; responses for staff."""

from __future__ import annotations

import io
from typing import Any

from flask import Response as HttpResponse
from flask import current_app, render_template, send_file
from flask_babel import get_locale
from werkzeug.exceptions import ServiceUnavailable

from kick_forms import pdf, pdf_cache
from kick_forms.board import bp, comment_exports, exports
from kick_forms.board import services as board
from kick_forms.board.views import _visible_consultation, board_context
from kick_forms.consultations import bp as staff_bp
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import limiter
from kick_forms.i18n import gettext as _
from kick_forms.models import Consultation
from kick_forms.privacy.audit_log import record_read

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, mimetype: str, name: str) -> HttpResponse:
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        etag=False,
        last_modified=None,
        conditional=False,
    )
    # Responses are personal to the region and the summary changes while a consultation is open.
    response.headers["Cache-Control"] = "no-store"
    return response


def _staff_consultation(region_slug: str, consultation_id: int) -> Consultation:
    return region_consultation(staff_region(region_slug), consultation_id)


def _record_export(consultation: Consultation, extension: str) -> None:
    """Answers and written statements may name people, so staff downloads are logged."""
    subject = f"consultation:{consultation.id}"
    record_read("responses.export", subject, consultation.region, f"format={extension}")


@staff_bp.route("/r/<region_slug>/c/<int:consultation_id>/export.csv")
def export_csv(region_slug: str, consultation_id: int):
    consultation = _staff_consultation(region_slug, consultation_id)
    data = exports.to_csv(exports.response_table(consultation))
    name = exports.download_name(consultation, _("Responses"), "csv")
    _record_export(consultation, "csv")
    return download(data, "text/csv", name)


@staff_bp.route("/r/<region_slug>/c/<int:consultation_id>/export.xlsx")
def export_xlsx(region_slug: str, consultation_id: int):
    consultation = _staff_consultation(region_slug, consultation_id)
    more = comment_exports.sheets(consultation)
    data = exports.to_xlsx(exports.response_table(consultation), _("Responses"), more)
    name = exports.download_name(consultation, _("Responses"), "xlsx")
    _record_export(consultation, "xlsx")
    return download(data, XLSX_TYPE, name)


@staff_bp.route("/r/<region_slug>/c/<int:consultation_id>/attachments.zip")
def export_attachments(region_slug: str, consultation_id: int):
    consultation = _staff_consultation(region_slug, consultation_id)
    name = exports.download_name(consultation, _("Written statements"), "zip")
    data = exports.attachments_zip(consultation)
    _record_export(consultation, "zip")
    return download(data, "application/zip", name)


def _summary(consultation: Consultation) -> dict[str, Any]:
    """What the printed summary shows: the whole board, unfiltered, never refreshing itself."""
    return {**board_context(consultation, board.BoardFilter()), "live": False}


@bp.route("/r/<region_slug>/c/<consultation_slug>/board/print")
def board_print(region_slug: str, consultation_slug: str):
    consultation = _visible_consultation(region_slug, consultation_slug)
    return render_template("board/print.html", **_summary(consultation))


def _pdf_rate_limit() -> str:
    return current_app.config["PDF_RATE_LIMIT"]


@bp.route("/r/<region_slug>/c/<consultation_slug>/board.pdf")
@limiter.limit(_pdf_rate_limit)
def board_pdf(region_slug: str, consultation_slug: str):
    """The printed summary as PDF: drawn once per state of the board (see pdf_cache)."""
    consultation = _visible_consultation(region_slug, consultation_slug)
    summary = _summary(consultation)
    html = render_template("board/print.html", pdf=True, **summary)
    key = pdf_cache.state_key(f"board:{consultation.id}", str(get_locale()), html)
    try:
        data = pdf_cache.kept_pdf(key, lambda: pdf.app_pdf(html))
    except pdf_cache.RenderBusy:
        raise ServiceUnavailable(retry_after=pdf_cache.RETRY_AFTER_SECONDS) from None
    name = exports.download_name(consultation, _("Summary"), "pdf")
    return download(data, "application/pdf", name)
