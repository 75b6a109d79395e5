"""The staff side: a region's consultations and the builder for sections and questions."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from kick_forms import audit, htmx
from kick_forms.consultations import bp, conditions, preview
from kick_forms.consultations import services as builder
from kick_forms.consultations.forms import (
    ConsultationForm,
    MoveForm,
    QuestionForm,
    SectionForm,
    StatusForm,
)
from kick_forms.consultations.labels import STATUS_LABELS
from kick_forms.consultations.permissions import (
    consultation_question,
    consultation_section,
    region_consultation,
    staff_region,
)
from kick_forms.dialogue.checklist import progress_of
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.models import (
    CodeLevel,
    CodeStep,
    Consultation,
    ConsultationStatus,
    CultureArea,
    Question,
    QuestionKind,
    Region,
    Role,
    Section,
)
from kick_forms.timeutil import to_local, utcnow


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page of the staff side needs a logged-in user."""


@bp.route("/")
def dashboard():
    if current_user.is_platform_admin:
        regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    else:
        regions = sorted((m.region for m in current_user.memberships), key=lambda r: r.name)
    return render_template("consultations/dashboard.html", regions=regions)


@bp.route("/r/<region_slug>/")
def consultation_list(region_slug: str):
    region = staff_region(region_slug)
    consultations = db.session.scalars(
        select(Consultation)
        .filter_by(region_id=region.id)
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    ).all()
    return render_template(
        "consultations/list.html",
        region=region,
        consultations=consultations,
        method_progress=progress_of([consultation.id for consultation in consultations]),
    )


def _settings_form(consultation: Consultation | None = None) -> ConsultationForm:
    form = ConsultationForm(obj=consultation if request.method == "GET" else None)
    form.culture_areas.choices = [
        SelectChoice(area.key, area.name)
        for area in db.session.scalars(select(CultureArea).order_by(CultureArea.position))
    ]
    form.code_level.choices = [SelectChoice("", _("Not chosen"))] + [
        SelectChoice(level.key, level.name)
        for level in db.session.scalars(select(CodeLevel).order_by(CodeLevel.position))
    ]
    form.code_step.choices = [SelectChoice("", _("Not chosen"))] + [
        SelectChoice(step.key, step.name)
        for step in db.session.scalars(select(CodeStep).order_by(CodeStep.position))
    ]
    if consultation is not None and request.method == "GET":
        form.culture_areas.data = [area.key for area in consultation.culture_areas]
        form.opens_at.data = _local_naive(consultation.opens_at)
        form.closes_at.data = _local_naive(consultation.closes_at)
        form.code_level.data = consultation.code_level_key or ""
        form.code_step.data = consultation.code_step_key or ""
    return form


def _local_naive(moment):  # type: ignore[no-untyped-def]
    local = to_local(moment)
    return local.replace(tzinfo=None) if local else None


def _settings_from(form: ConsultationForm) -> builder.Settings:
    return builder.Settings(
        title=form.title.data,
        slug=(form.slug.data or "").strip() or None,
        intro=form.intro.data or "",
        plan_start_year=form.plan_start_year.data,
        plan_end_year=form.plan_end_year.data,
        culture_area_keys=form.culture_areas.data or [],
        opens_at_local=form.opens_at.data,
        closes_at_local=form.closes_at.data,
        code_level_key=form.code_level.data or None,
        code_step_key=form.code_step.data or None,
        board_visibility=form.board_visibility.data or "when_published",
        board_live=bool(form.board_live.data),
        review_before_publishing=bool(form.review_before_publishing.data),
        registry_number=form.registry_number.data,
        registrar_email=form.registrar_email.data,
    )


def _invalid(page: str, fragment: str, form_id: str, **context):  # type: ignore[no-untyped-def]
    """Answer a form with errors: 422, what was typed kept, swapped over the form itself."""
    db.session.rollback()
    response = htmx.render(page, fragment, status=422, **context)
    return htmx.retarget(response, f"#{form_id}")


@bp.route("/r/<region_slug>/c/new", methods=["GET", "POST"])
def consultation_new(region_slug: str):
    region = staff_region(region_slug, Role.EDITOR)
    form = _settings_form()
    if form.validate_on_submit():
        try:
            consultation = builder.create_consultation(region, _settings_from(form))
        except builder.BuilderError as error:
            getattr(form, error.field or "title").errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The consultation was created. Now add sections and questions."), "success")
            return htmx.redirect(_builder_url(consultation))
    context = {"region": region, "consultation": None, "form": form}
    if form.is_submitted():
        return _invalid(
            "consultations/settings.html",
            "consultations/_settings_form.html",
            "settings-form",
            **context,
        )
    return htmx.render(
        "consultations/settings.html", "consultations/_settings_form.html", **context
    )


@bp.route("/r/<region_slug>/c/<int:consultation_id>/settings", methods=["GET", "POST"])
def consultation_settings(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    form = _settings_form(consultation)
    if form.validate_on_submit():
        try:
            builder.update_settings(consultation, _settings_from(form))
        except builder.BuilderError as error:
            getattr(form, error.field or "title").errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The settings were saved."), "success")
            return htmx.redirect(_builder_url(consultation))
    context = {"region": region, "consultation": consultation, "form": form}
    if form.is_submitted():
        return _invalid(
            "consultations/settings.html",
            "consultations/_settings_form.html",
            "settings-form",
            **context,
        )
    return htmx.render(
        "consultations/settings.html", "consultations/_settings_form.html", **context
    )


def _builder_url(consultation: Consultation, anchor: str | None = None) -> str:
    return url_for(
        "consultations.builder",
        region_slug=consultation.region.slug,
        consultation_id=consultation.id,
        _anchor=anchor,
    )


def _builder_context(region: Region, consultation: Consultation, **extra):  # type: ignore[no-untyped-def]
    return {
        "region": region,
        "consultation": consultation,
        "can_edit": current_user.can_edit(region),
        "next_statuses": builder.TRANSITIONS[ConsultationStatus(consultation.status)],
        "now": utcnow(),
        # Deleting questions is refused once anyone has answered, so it is not offered either.
        "answered": consultation.has_responses,
        **extra,
    }


@bp.route("/r/<region_slug>/c/<int:consultation_id>/", endpoint="builder")
def builder_page(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    return htmx.render(
        "consultations/builder.html",
        "consultations/_sections.html",
        **_builder_context(region, consultation),
    )


def _structure_changed(
    region: Region, consultation: Consultation, message: str, focus: str | None, anchor: str | None
):  # type: ignore[no-untyped-def]
    """After a change to sections or questions: the new list for htmx, a redirect otherwise."""
    db.session.commit()
    if htmx.htmx_request().is_htmx:
        return htmx.render(
            "consultations/builder.html",
            "consultations/_sections.html",
            **_builder_context(region, consultation, focus=focus, status_message=message),
        )
    flash(message, "success")
    return htmx.redirect(_builder_url(consultation, anchor))


def _refused(region: Region, consultation: Consultation, error: builder.BuilderError):  # type: ignore[no-untyped-def]
    db.session.rollback()
    flash(str(error.message), "error")
    if htmx.htmx_request().is_htmx:
        response = htmx.render(
            "consultations/builder.html",
            "consultations/_sections.html",
            status=409,
            **_builder_context(region, consultation, status_message=str(error.message)),
        )
        return htmx.retarget(response, "#sections")
    return htmx.redirect(_builder_url(consultation))


@bp.route("/r/<region_slug>/c/<int:consultation_id>/status", methods=["POST"])
def consultation_status(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    form = StatusForm()
    if not form.validate_on_submit() or form.status.data not in set(ConsultationStatus):
        abort(400)
    try:
        builder.change_status(consultation, ConsultationStatus(form.status.data), utcnow())
        subject = f"consultation:{consultation.id}"
        audit.record("consultation.status", subject, region, f"status={form.status.data}")
    except builder.BuilderError as error:
        db.session.rollback()
        problems = error.message if isinstance(error.message, list) else [error.message]
        return htmx.render(
            "consultations/builder.html",
            **_builder_context(region, consultation, status_problems=problems),
            status=422,
        )
    db.session.commit()
    flash(_("The status is now: %(status)s.", status=_status_label(consultation.status)), "success")
    return htmx.redirect(_builder_url(consultation))


def _status_label(status: str) -> str:
    return str(STATUS_LABELS[ConsultationStatus(status)])


@bp.route("/r/<region_slug>/c/<int:consultation_id>/preview")
def consultation_preview(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    return render_template(
        "consultations/preview.html",
        region=region,
        consultation=consultation,
        form=preview.respondent_form(region),
        now=utcnow(),
    )


# Sections ------------------------------------------------------------------------------------


def _unique_ids(form, prefix: str):  # type: ignore[no-untyped-def]
    """The form's field ids prefixed, so several builder forms can be open on one page: each
    label, hint, error and error summary link then points into its own form."""
    for item in form:
        item.id = f"{prefix}-{item.name}"
        item.label.field_id = item.id
    return form


def _form_page(fragment: str, form_id: str, status: int, **context):  # type: ignore[no-untyped-def]
    """A builder form: alone for htmx, on a page of its own otherwise; 422 when it has errors."""
    if status != 200:
        return _invalid(
            "consultations/form_page.html", fragment, form_id, form_fragment=fragment, **context
        )
    return htmx.render("consultations/form_page.html", fragment, form_fragment=fragment, **context)


def _section_page(region, consultation, form, section=None, status=200):  # type: ignore[no-untyped-def]
    return _form_page(
        "consultations/_section_form.html",
        f"section-form-{section.id}" if section else "section-form-new",
        status,
        region=region,
        consultation=consultation,
        form=_unique_ids(form, f"s{section.id}" if section else "new-section"),
        id_prefix=f"s{section.id}" if section else "new-section",
        section=section,
        page_title=_("Edit section") if section else _("New section"),
    )


@bp.route("/r/<region_slug>/c/<int:consultation_id>/sections/new", methods=["GET", "POST"])
def section_new(region_slug: str, consultation_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    form = SectionForm()
    if form.validate_on_submit():
        section = builder.add_section(consultation, form.title.data, form.description.data)
        return _structure_changed(
            region,
            consultation,
            _("The section was added."),
            focus=f"add-question-{section.id}",
            anchor=f"section-{section.id}",
        )
    return _section_page(region, consultation, form, status=422 if form.is_submitted() else 200)


@bp.route("/r/<region_slug>/c/<int:consultation_id>/sections/<int:section_id>")
def section_show(region_slug: str, consultation_id: int, section_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    section = consultation_section(consultation, section_id)
    return htmx.render(
        "consultations/builder.html",
        "consultations/_section.html",
        **_builder_context(region, consultation, section=section),
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/sections/<int:section_id>/edit",
    methods=["GET", "POST"],
)
def section_edit(region_slug: str, consultation_id: int, section_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    section = consultation_section(consultation, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        builder.update_section(section, form.title.data, form.description.data)
        return _structure_changed(
            region,
            consultation,
            _("The section was saved."),
            focus=f"edit-section-{section.id}",
            anchor=f"section-{section.id}",
        )
    return _section_page(
        region, consultation, form, section, status=422 if form.is_submitted() else 200
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/sections/<int:section_id>/move", methods=["POST"]
)
def section_move(region_slug: str, consultation_id: int, section_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    section = consultation_section(consultation, section_id)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    try:
        builder.move_section(section, form.direction.data)
        conditions.refuse_forward(consultation)
    except builder.BuilderError as error:
        return _refused(region, consultation, error)
    position = consultation.sections.index(section) + 1
    message = _(
        "The section is now number %(position)d of %(count)d.",
        position=position,
        count=len(consultation.sections),
    )
    focus = _move_focus("section", section.id, form.direction.data, consultation.sections, section)
    return _structure_changed(region, consultation, message, focus, f"section-{section.id}")


def _move_focus(kind: str, item_id: int, direction: str, items: list, item) -> str:  # type: ignore[no-untyped-def]
    """Keep the focus on the button just pressed, or on its twin when the item reached the end."""
    at_end = items[0] is item if direction == "up" else items[-1] is item
    if at_end:
        direction = "down" if direction == "up" else "up"
    return f"move-{direction}-{kind}-{item_id}"


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/sections/<int:section_id>/duplicate",
    methods=["POST"],
)
def section_duplicate(region_slug: str, consultation_id: int, section_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    section = consultation_section(consultation, section_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    copy = builder.duplicate_section(section)
    return _structure_changed(
        region,
        consultation,
        _("The section was copied."),
        focus=f"edit-section-{copy.id}",
        anchor=f"section-{copy.id}",
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/sections/<int:section_id>/delete",
    methods=["GET", "POST"],
)
def section_delete(region_slug: str, consultation_id: int, section_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    section = consultation_section(consultation, section_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            cleared = conditions.clear_broken(consultation, removed=section.questions)
            builder.delete_section(section)
        except builder.BuilderError as error:
            return _refused(region, consultation, error)
        return _structure_changed(
            region,
            consultation,
            _join(_("The section was deleted."), conditions.cleared_message(cleared)),
            focus="add-section",
            anchor="sections",
        )
    return _form_page(
        "consultations/_confirm_delete.html",
        "",
        200,
        page_title=_("Delete section"),
        region=region,
        consultation=consultation,
        form=form,
        thing=section,
        cancel_url=url_for(
            ".section_show",
            region_slug=region.slug,
            consultation_id=consultation.id,
            section_id=section.id,
        ),
        action_url=request.path,
        target=f"section-{section.id}",
    )


# Questions -----------------------------------------------------------------------------------


def _question_data(form: QuestionForm) -> builder.QuestionData:
    return builder.QuestionData(
        kind=QuestionKind(form.kind.data),
        label=form.label.data,
        help_text=form.help_text.data or "",
        required=bool(form.required.data),
        options=form.option_lines(),
        allow_other=bool(form.allow_other.data),
        max_length=form.max_length.data,
        scale_min_label=form.scale_min_label.data or "",
        scale_max_label=form.scale_max_label.data or "",
        number_min=form.number_min.data,
        number_max=form.number_max.data,
    )


def _join(message: str, more: str) -> str:
    return f"{message} {more}" if more else message


def _question_page(region, consultation, section, form, question=None, status=200):  # type: ignore[no-untyped-def]
    return _form_page(
        "consultations/_question_form.html",
        f"question-form-{question.id}" if question else f"question-form-new-{section.id}",
        status,
        region=region,
        consultation=consultation,
        section=section,
        question=question,
        form=_unique_ids(form, f"q{question.id}" if question else f"new-{section.id}"),
        id_prefix=f"q{question.id}" if question else f"new-{section.id}",
        kind_locked=question is not None and consultation.has_responses,
        condition_choices=conditions.earlier_choices(consultation, section, question),
        condition_words=conditions.describe(question) if question else None,
        page_title=_("Edit question") if question else _("New question"),
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/sections/<int:section_id>/questions/new",
    methods=["GET", "POST"],
)
def question_new(region_slug: str, consultation_id: int, section_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    section = consultation_section(consultation, section_id)
    form = QuestionForm()
    if form.validate_on_submit():
        allowed = conditions.earlier_choices(consultation, section, None)
        question = builder.add_question(section, _question_data(form))
        try:
            conditions.set_condition(question, form.shown_if.data, allowed, is_new=True)
        except builder.BuilderError as error:
            db.session.rollback()
            form.shown_if.errors.append(error.message)
        else:
            return _structure_changed(
                region,
                consultation,
                _("The question was added."),
                focus=f"edit-question-{question.id}",
                anchor=f"question-{question.id}",
            )
    return _question_page(
        region, consultation, section, form, status=422 if form.is_submitted() else 200
    )


@bp.route("/r/<region_slug>/c/<int:consultation_id>/questions/<int:question_id>")
def question_show(region_slug: str, consultation_id: int, question_id: int):
    region = staff_region(region_slug)
    consultation = region_consultation(region, consultation_id)
    question = consultation_question(consultation, question_id)
    return htmx.render(
        "consultations/builder.html",
        "consultations/_question.html",
        **_builder_context(
            region, consultation, question=question, focus=f"edit-question-{question.id}"
        ),
    )


def _question_form_for(question: Question) -> QuestionForm:
    form = QuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.options.data = "\n".join(option.label for option in question.options)
        form.shown_if.data = conditions.condition_value(question)
    return form


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/questions/<int:question_id>/edit",
    methods=["GET", "POST"],
)
def question_edit(region_slug: str, consultation_id: int, question_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    question = consultation_question(consultation, question_id)
    form = _question_form_for(question)
    if form.validate_on_submit():
        allowed = conditions.earlier_choices(consultation, question.section, question)
        try:
            builder.update_question(question, _question_data(form))
            conditions.set_condition(question, form.shown_if.data, allowed)
            cleared = conditions.clear_broken(consultation)
        except builder.BuilderError as error:
            db.session.rollback()
            getattr(form, error.field or "kind").errors.append(error.message)
        else:
            return _structure_changed(
                region,
                consultation,
                _join(_("The question was saved."), conditions.cleared_message(cleared)),
                focus=f"edit-question-{question.id}",
                anchor=f"question-{question.id}",
            )
    return _question_page(
        region,
        consultation,
        question.section,
        form,
        question,
        status=422 if form.is_submitted() else 200,
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/questions/<int:question_id>/move", methods=["POST"]
)
def question_move(region_slug: str, consultation_id: int, question_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    question = consultation_question(consultation, question_id)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    try:
        builder.move_question(question, form.direction.data)
        conditions.refuse_forward(consultation)
    except builder.BuilderError as error:
        return _refused(region, consultation, error)
    questions = consultation.questions
    message = _(
        "The question is now number %(position)d of %(count)d.",
        position=questions.index(question) + 1,
        count=len(questions),
    )
    focus = _move_focus("question", question.id, form.direction.data, questions, question)
    return _structure_changed(region, consultation, message, focus, f"question-{question.id}")


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/questions/<int:question_id>/duplicate",
    methods=["POST"],
)
def question_duplicate(region_slug: str, consultation_id: int, question_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    question = consultation_question(consultation, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    copy = builder.duplicate_question(question)
    return _structure_changed(
        region,
        consultation,
        _("The question was copied."),
        focus=f"edit-question-{copy.id}",
        anchor=f"question-{copy.id}",
    )


@bp.route(
    "/r/<region_slug>/c/<int:consultation_id>/questions/<int:question_id>/delete",
    methods=["GET", "POST"],
)
def question_delete(region_slug: str, consultation_id: int, question_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    question = consultation_question(consultation, question_id)
    section: Section = question.section
    form = ActionForm()
    if form.validate_on_submit():
        try:
            cleared = conditions.clear_broken(consultation, removed=[question])
            builder.delete_question(question)
        except builder.BuilderError as error:
            return _refused(region, consultation, error)
        return _structure_changed(
            region,
            consultation,
            _join(_("The question was deleted."), conditions.cleared_message(cleared)),
            focus=f"add-question-{section.id}",
            anchor=f"section-{section.id}",
        )
    return _form_page(
        "consultations/_confirm_delete.html",
        "",
        200,
        page_title=_("Delete question"),
        region=region,
        consultation=consultation,
        form=form,
        thing=question,
        cancel_url=url_for(
            ".question_show",
            region_slug=region.slug,
            consultation_id=consultation.id,
            question_id=question.id,
        ),
        action_url=request.path,
        target=f"question-{question.id}",
    )
