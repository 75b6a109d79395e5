"""Importing a file into the region's register: upload, map and check, then import."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from kick_forms import audit
from kick_forms.consultations.permissions import staff_region
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import ngettext
from kick_forms.models import Municipality, Region, RegisterImport, Role
from kick_forms.organisations import bp, import_updates, importing
from kick_forms.organisations import services as register
from kick_forms.timeutil import utcnow

PREVIEW_ROWS = 10


def _import(region: Region, import_id: int) -> RegisterImport:
    found = db.session.scalars(
        select(RegisterImport).filter_by(id=import_id, region_id=region.id, imported_at=None)
    ).one_or_none()
    if found is None:
        abort(404)
    return found


@bp.route("/r/<region_slug>/organisations/import", methods=["GET", "POST"])
def import_upload(region_slug: str):
    region = staff_region(region_slug, Role.EDITOR)
    form = ActionForm()
    error = None
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(importing.MAX_BYTES + 1) if upload and upload.filename else b""
        try:
            _table, mapping = importing.read_import(data, {})
        except importing.ImportFileError as refused:
            error = refused.message
        else:
            started = RegisterImport(
                region_id=region.id,
                user_id=current_user.id,
                filename=(upload.filename or "")[-200:],
                data=data,
                mapping=json.dumps(mapping),
            )
            db.session.add(started)
            db.session.commit()
            return redirect(
                url_for(".import_check", region_slug=region.slug, import_id=started.id), code=303
            )
    status = 422 if error else 200
    return render_template(
        "organisations/import_upload.html", region=region, form=form, error=error
    ), status


@bp.route("/r/<region_slug>/organisations/import/<int:import_id>", methods=["GET", "POST"])
def import_check(region_slug: str, import_id: int):
    """The mapping, a preview and the per-row report: a dry run that writes nothing."""
    region = staff_region(region_slug, Role.EDITOR)
    started = _import(region, import_id)
    table, mapping = importing.read_import(started.data, json.loads(started.mapping))
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen = importing.chosen_mapping(table, mapping, request.form)
        table, mapping = importing.read_import(started.data, chosen)
        started.mapping = json.dumps(mapping)
        db.session.commit()
    judgement = importing.judge(region, table, mapping, current_user)
    return render_template(
        "organisations/import_check.html",
        region=region,
        started=started,
        table=table,
        mapping=mapping,
        judgement=judgement,
        preview=judgement.organisations[:PREVIEW_ROWS],
        field_labels=importing.FIELD_LABELS,
        separators=importing.SEPARATORS,
        update_choices=import_updates.CHOICES,
        chosen=import_updates.choices_from(mapping.get("updates")),
        municipality_names=Municipality.names(),
        category_names={key: c.name for key, c in register.category_lookup().items()},
        form=form,
    )


@bp.route("/r/<region_slug>/organisations/import/<int:import_id>/run", methods=["POST"])
def import_run(region_slug: str, import_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    started = _import(region, import_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    table, mapping = importing.read_import(started.data, json.loads(started.mapping))
    judgement = importing.judge(region, table, mapping, current_user)
    try:
        result = importing.import_rows(
            region, judgement, bool(request.form.get("skip")), mapping.get("updates")
        )
    except importing.ImportFileError as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(
            url_for(".import_check", region_slug=region.slug, import_id=started.id), code=303
        )
    started.imported_at = utcnow()
    started.data = b""  # the file may hold personal data; what was imported is in the register
    audit.record(
        "register.import",
        f"import:{started.id}",
        region,
        f"imported={result.imported} updated={result.updated} contacts={result.contacts} "
        f"skipped={result.skipped}",
    )
    db.session.commit()
    imported = ngettext(
        "%(num)d organisation imported.", "%(num)d organisations imported.", result.imported
    )
    said = [imported]
    if result.updated:
        said.append(
            ngettext(
                "%(num)d organisation updated.", "%(num)d organisations updated.", result.updated
            )
        )
    if result.contacts:
        said.append(
            ngettext(
                "%(num)d contact person added.", "%(num)d contact persons added.", result.contacts
            )
        )
    if result.skipped:
        said.append(ngettext("%(num)d row left out.", "%(num)d rows left out.", result.skipped))
    flash(" ".join(said), "success")
    return redirect(url_for(".register_page", region_slug=region.slug), code=303)
