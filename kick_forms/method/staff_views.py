"""KICK's staff keep the examples of ways of working in each cell of the Code's matrix."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kick_forms import audit
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.method import examples as service
from kick_forms.method import staff_bp
from kick_forms.method.code import examples_by_cell
from kick_forms.method.forms import ExampleForm, MoveForm
from kick_forms.models import CodeExample, CodeLevel, CodeStep


@staff_bp.before_request
@login_required
def _kick_staff_only() -> None:
    """The examples are KICK's, the same for every region: platform administrators keep them."""
    if not current_user.is_platform_admin:
        abort(403)


def _cell(level_key: str, step_key: str) -> tuple[CodeLevel, CodeStep]:
    """The level and the step of a cell, or 404."""
    level = db.session.get(CodeLevel, level_key)
    step = db.session.get(CodeStep, step_key)
    if level is None or step is None:
        abort(404)
    return level, step


def _example(level: CodeLevel, step: CodeStep, example_id: int) -> CodeExample:
    """An example of this cell, or 404."""
    example = db.session.scalars(
        select(CodeExample).filter_by(id=example_id, level_key=level.key, step_key=step.key)
    ).one_or_none()
    if example is None:
        abort(404)
    return example


def _to_cell(level: CodeLevel, step: CodeStep):  # type: ignore[no-untyped-def]
    return redirect(url_for(".cell", level_key=level.key, step_key=step.key), 303)


@staff_bp.route("/")
def index():
    return render_template(
        "method/staff/index.html",
        levels=db.session.scalars(select(CodeLevel).order_by(CodeLevel.position)).all(),
        steps=db.session.scalars(select(CodeStep).order_by(CodeStep.position)).all(),
        examples=examples_by_cell(),
    )


@staff_bp.route("/<level_key>/<step_key>/", methods=["GET", "POST"])
def cell(level_key: str, step_key: str):
    level, step = _cell(level_key, step_key)
    form = ExampleForm()
    if form.validate_on_submit():
        example = service.add_example(level, step, form.name_sv.data, form.name_en.data or "")
        audit.record(
            service.ADDED, service.cell_subject(level, step), detail=f"example={example.id}"
        )
        db.session.commit()
        flash(_("The example was added."), "success")
        return _to_cell(level, step)
    return render_template(
        "method/staff/cell.html",
        level=level,
        step=step,
        examples=service.cell_examples(level, step),
        form=form,
    ), (422 if form.errors else 200)


@staff_bp.route("/<level_key>/<step_key>/<int:example_id>/edit", methods=["GET", "POST"])
def edit(level_key: str, step_key: str, example_id: int):
    level, step = _cell(level_key, step_key)
    example = _example(level, step, example_id)
    form = ExampleForm(obj=example)
    if form.validate_on_submit():
        service.change_example(example, form.name_sv.data, form.name_en.data or "")
        audit.record(
            service.CHANGED, service.cell_subject(level, step), detail=f"example={example.id}"
        )
        db.session.commit()
        flash(_("The example was saved."), "success")
        return _to_cell(level, step)
    return render_template(
        "method/staff/edit.html", level=level, step=step, example=example, form=form
    ), (422 if form.errors else 200)


@staff_bp.route("/<level_key>/<step_key>/<int:example_id>/delete", methods=["GET", "POST"])
def delete(level_key: str, step_key: str, example_id: int):
    level, step = _cell(level_key, step_key)
    example = _example(level, step, example_id)
    form = ActionForm()
    if form.validate_on_submit():
        audit.record(
            service.REMOVED, service.cell_subject(level, step), detail=f"example={example.id}"
        )
        service.remove_example(example, level, step)
        db.session.commit()
        flash(_("The example was removed."), "success")
        return _to_cell(level, step)
    return render_template(
        "method/staff/delete.html", level=level, step=step, example=example, form=form
    )


@staff_bp.route("/<level_key>/<step_key>/<int:example_id>/move", methods=["POST"])
def move(level_key: str, step_key: str, example_id: int):
    level, step = _cell(level_key, step_key)
    example = _example(level, step, example_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    service.move_example(example, level, step, form.direction.data)
    audit.record(service.MOVED, service.cell_subject(level, step), detail=f"example={example.id}")
    db.session.commit()
    examples = service.cell_examples(level, step)
    flash(
        _(
            "“%(name)s” is now number %(position)d of %(count)d.",
            name=example.name,
            position=examples.index(example) + 1,
            count=len(examples),
        ),
        "success",
    )
    return _to_cell(level, step)
