"""Staff reading every sent version of an answer and what changed between versions."""

from __future__ import annotations

from flask import abort, render_template, request

from kick_forms.consultations import bp, versions
from kick_forms.consultations import responses as staff_responses
from kick_forms.consultations.permissions import region_consultation, staff_region


@bp.route("/r/<region_slug>/c/<int:consultation_id>/responses/<int:response_id>/versions")
def response_versions(region_slug: str, consultation_id: int, response_id: int):
    """One version (?number=, the latest by default) beside the one before it."""
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    response = staff_responses.consultation_response(consultation, response_id)
    if response is None:
        abort(404)
    number = request.args.get("number", type=int)
    version = versions.response_version(response, number)
    if version is None and number is not None:
        abort(404)
    return render_template(
        "consultations/versions.html",
        region=region,
        consultation=consultation,
        response=response,
        all_versions=sorted(response.versions, key=lambda item: item.number),
        comparison=versions.compare(response, version) if version else None,
    )
