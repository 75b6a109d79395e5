"""The read-only open-data API: regions, public consultations and public summary boards."""

from __future__ import annotations

from flask import abort, jsonify, request

from kick_forms.api import bp, records, services
from kick_forms.api.openapi import document
from kick_forms.board.services import BoardFilter
from kick_forms.timeutil import utcnow


@bp.route("/regions")
def regions():
    return jsonify(regions=[records.region_record(region) for region in services.all_regions()])


@bp.route("/consultations")
def consultations():
    region = None
    if region_slug := request.args.get("region", ""):
        region = services.region_by_slug(region_slug)
        if region is None:
            abort(404, description=f"No region has the slug {region_slug!r}.")
    try:
        status = services.parse_status(request.args.get("status", ""))
    except services.InvalidParameter as error:
        abort(400, description=str(error))
    now = utcnow()
    found = services.public_consultations(region, status)
    return jsonify(consultations=[records.consultation_record(c, now) for c in found])


@bp.route("/consultations/<int:consultation_id>/summary")
def summary(consultation_id: int):
    now = utcnow()
    consultation = services.consultation_with_public_board(consultation_id, now)
    if consultation is None:
        abort(404, description="No consultation with this id has a public summary board.")
    chosen = BoardFilter(
        category=request.args.get("category", ""),
        municipality=request.args.get("municipality", ""),
    )
    try:
        services.check_board_filter(chosen.category, chosen.municipality)
    except services.InvalidParameter as error:
        abort(400, description=str(error))
    return jsonify(records.summary_record(consultation, chosen, now))


@bp.route("/openapi.json")
def openapi():
    return jsonify(document())
