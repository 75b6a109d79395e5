"""Staff pages for the responses to a consultation: a filterable list, and one response."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from kick_forms import htmx
from kick_forms.consultations import bp
from kick_forms.consultations import responses as staff_responses
from kick_forms.consultations.permissions import region_consultation, staff_region
from kick_forms.extensions import db
from kick_forms.models import Answer, Attachment, Municipality, OrganisationCategory
from kick_forms.privacy.audit_log import record_read
from kick_forms.responses.answers import typed_from
from kick_forms.responses.views import send_attachment


@bp.route("/r/<region_slug>/c/<int:consultation_id>/responses")
def response_list(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    chosen = staff_responses.ResponseFilter(
        status=request.args.get("status", ""),
        category=request.args.get("category", ""),
        municipality=request.args.get("municipality", ""),
        search=request.args.get("q", "")[:100],
        channel=request.args.get("channel", ""),
    )
    return htmx.render(
        "consultations/responses.html",
        "consultations/_response_rows.html",
        region=region,
        consultation=consultation,
        chosen=chosen,
        responses=staff_responses.list_responses(consultation, chosen),
        counts=staff_responses.status_counts(consultation),
        categories=db.session.scalars(
            select(OrganisationCategory).order_by(OrganisationCategory.position)
        ).all(),
        municipalities=db.session.scalars(select(Municipality).order_by(Municipality.name)).all(),
    )


def _response(region_slug: str, consultation_id: int, response_id: int):  # type: ignore[no-untyped-def]
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    response = staff_responses.consultation_response(consultation, response_id)
    if response is None:
        abort(404)
    return region, consultation, response


@bp.route("/r/<region_slug>/c/<int:consultation_id>/responses/<int:response_id>")
def response_detail(region_slug: str, consultation_id: int, response_id: int):
    region, consultation, response = _response(region_slug, consultation_id, response_id)
    if current_user.can_edit(region) and response.contact is not None:
        record_read("response.view", f"response:{response.id}", region)
    version = response.current_version
    rows = db.session.scalars(
        select(Answer).where(
            Answer.response_id == response.id,
            Answer.version_id == version.id if version else Answer.version_id.is_(None),
        )
    )
    answers = {answer.question_id: typed_from(answer) for answer in rows}
    return htmx.render(
        "consultations/response.html",
        region=region,
        consultation=consultation,
        response=response,
        version=version,
        answers=answers,
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/responses/<int:response_id>/files/<int:attachment_id>"
)
def response_attachment(
    region_slug: str, consultation_id: int, response_id: int, attachment_id: int
):
    _region, _consultation, response = _response(region_slug, consultation_id, response_id)
    attachment = db.session.scalars(
        select(Attachment).filter_by(id=attachment_id, response_id=response.id)
    ).one_or_none()
    if attachment is None:
        abort(404)
    return send_attachment(attachment)
