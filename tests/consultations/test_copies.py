"""Copying a consultation, starting one from KICK's template, keeping the templates, and
deleting a draft: through the staff pages, as staff use them."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from sqlalchemy import func, select

from kick_forms.consultations import kick_templates
from kick_forms.consultations import services as builder
from kick_forms.consultations.kick_templates import load_shipped_templates
from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    AuditEvent,
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    ConsultationTemplate,
    PlanChapter,
    PlanParagraph,
    QuestionKind,
    Response,
    Role,
    Section,
)
from tests.conftest import (
    csrf_token,
    login,
    make_consultation,
    make_user,
    pdf_document,
    question_data,
)

PDF = b"%PDF-1.4 utkast till kulturplan"


def _full(status: ConsultationStatus = ConsultationStatus.DRAFT) -> Consultation:
    """A consultation with a condition, a document, the plan's text and one answer."""
    consultation = make_consultation(with_questions=False)
    consultation.registry_number = "RK 2026/123"
    consultation.board_live = True
    first = builder.add_section(consultation, "Om er", "Kort om er")
    member = builder.add_question(
        first,
        question_data(
            kind=QuestionKind.SINGLE_CHOICE, label="Är ni medlemmar?", options=["Ja", "Nej"]
        ),
    )
    builder.add_question(
        first, question_data(kind=QuestionKind.NUMBER, label="Hur många?", number_min=1)
    )
    second = builder.add_section(consultation, "Tankar", "")
    areas = builder.add_question(
        second,
        question_data(
            kind=QuestionKind.MULTIPLE_CHOICE,
            label="Områden",
            options=["Museer", "Film", "Slöjd"],
            allow_other=True,
            required=True,
        ),
    )
    why = builder.add_question(
        second, question_data(kind=QuestionKind.LONG_TEXT, label="Varför?", max_length=900)
    )
    builder.add_question(
        second,
        question_data(
            kind=QuestionKind.SCALE,
            label="Hur väl?",
            scale_min_label="Dåligt",
            scale_max_label="Bra",
        ),
    )
    areas.shown_if_question_id = member.id
    areas.shown_if_option_id = member.options[0].id
    why.shown_if_question_id = areas.id
    why.shown_if_option_id = areas.options[2].id
    consultation.documents.append(pdf_document("Utkast", "utkast.pdf", PDF))
    chapter = PlanChapter(title="Inledning")
    chapter.paragraphs = [
        PlanParagraph(kind="heading", number=None, text="Bakgrund"),
        PlanParagraph(kind="paragraph", number=1, text="Regionen vill…"),
        PlanParagraph(kind="paragraph", number=2, text="Civilsamhället…"),
    ]
    consultation.chapters.append(chapter)
    db.session.flush()
    if status != ConsultationStatus.DRAFT:
        builder.change_status(consultation, ConsultationStatus.OPEN, consultation.created_at)
    response = Response(consultation_id=consultation.id, organisation_name="Kören")
    db.session.add(response)
    db.session.flush()
    db.session.add(Answer(response_id=response.id, question_id=why.id, text_value="För att"))
    db.session.commit()
    return consultation


def _builder(consultation: Consultation) -> str:
    return f"/admin/r/{consultation.region.slug}/c/{consultation.id}/"


def _structure(consultation: Consultation) -> list:
    """Everything a copy should repeat, with conditions by position instead of ids."""
    questions = consultation.questions
    place = {question.id: number for number, question in enumerate(questions)}
    options = {o.id: n for question in questions for n, o in enumerate(question.options)}
    return [
        [
            (section.title, section.description)
            for section in consultation.sections
        ],
        [
            (
                q.kind, q.label, q.required, q.max_length, q.allow_other, q.scale_min_label,
                q.scale_max_label, q.number_min, q.number_max, [o.label for o in q.options],
                place.get(q.shown_if_question_id), options.get(q.shown_if_option_id),
                q.shown_if_value,
            )
            for q in questions
        ],
        [(d.title, d.filename, d.content_type, d.size, d.data) for d in consultation.documents],
        [
            (c.title, [(p.kind, p.number, p.text) for p in c.paragraphs])
            for c in consultation.chapters
        ],
        (
            consultation.intro, consultation.plan_start_year, consultation.plan_end_year,
            [a.key for a in consultation.culture_areas], consultation.code_level_key,
            consultation.code_step_key, consultation.board_visibility, consultation.board_live,
            consultation.review_before_publishing,
        ),
    ]  # fmt: skip


def _newest(region_id: int) -> Consultation:
    db.session.expire_all()
    return db.session.scalars(
        select(Consultation).filter_by(region_id=region_id).order_by(Consultation.id.desc())
    ).first()


@pytest.mark.parametrize("status", [ConsultationStatus.DRAFT, ConsultationStatus.OPEN])
def test_a_copy_has_every_question_option_condition_document_and_paragraph_and_no_answers(
    client, status
):
    original = _full(status)
    login(client, make_user("kronoberg", Role.EDITOR))
    url = f"{_builder(original)}copies/new"
    page = client.get(url).get_data(as_text=True)
    assert "Kopia av Kulturplan 2027–2030" in page
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Nästa"})
    copy = _newest(original.region_id)
    assert response.status_code == 303
    assert response.headers["Location"] == _builder(copy)
    assert copy.id != original.id and copy.title == "Nästa"
    assert copy.status == ConsultationStatus.DRAFT
    assert copy.slug != original.slug
    assert copy.opens_at is None and copy.closes_at is None and copy.registry_number is None
    assert _structure(copy) == _structure(original)
    # The conditions point at the copy's own questions and options, not the original's.
    copied_ids = {q.id for q in copy.questions} | {o.id for q in copy.questions for o in q.options}
    conditioned = [q for q in copy.questions if q.shown_if_question_id]
    assert len(conditioned) == 2
    assert all({q.shown_if_question_id, q.shown_if_option_id} <= copied_ids for q in conditioned)
    answers = select(func.count(Response.id)).filter_by(consultation_id=copy.id)
    assert db.session.scalar(answers) == 0
    landing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kopian är gjord" in landing
    event = db.session.scalars(select(AuditEvent).filter_by(action="consultation.copy")).one()
    assert event.subject == f"consultation:{copy.id}"


def test_copying_twice_gives_each_copy_an_address_of_its_own(client):
    original = make_consultation()
    login(client, make_user("kronoberg", Role.EDITOR))
    url = f"{_builder(original)}copies/new"
    for _ in range(2):
        client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Samma titel"})
    slugs = db.session.scalars(
        select(Consultation.slug).filter_by(region_id=original.region_id)
    ).all()
    assert len(slugs) == 3 == len(set(slugs))


def test_a_copy_without_a_title_is_refused_with_the_reason(client):
    original = make_consultation()
    login(client, make_user("kronoberg", Role.EDITOR))
    url = f"{_builder(original)}copies/new"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "title": " "})
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Consultation.id))) == 1


def test_copy_and_delete_need_the_csrf_token(client):
    original = make_consultation()
    login(client, make_user("kronoberg", Role.EDITOR))
    copied = client.post(f"{_builder(original)}copies/new", data={"title": "Utan"})
    deleted = client.post(f"{_builder(original)}delete")
    assert copied.status_code in (400, 422) and deleted.status_code in (400, 200)
    assert db.session.scalar(select(func.count(Consultation.id))) == 1


def test_the_builder_offers_copy_and_delete_to_editors_not_viewers(client):
    draft = make_consultation()
    login(client, make_user("kronoberg", Role.EDITOR))
    page = client.get(_builder(draft)).get_data(as_text=True)
    assert f"{_builder(draft)}copies/new" in page and f"{_builder(draft)}delete" in page
    assert "template/edit" not in page  # platform admins only
    viewer = client.application.test_client()
    login(viewer, make_user("kronoberg", Role.VIEWER))
    page = viewer.get(_builder(draft)).get_data(as_text=True)
    assert "copies/new" not in page and "/delete" not in page


def test_starting_from_the_kick_template_gives_its_questions(client):
    load_shipped_templates()
    db.session.commit()
    shipped = json.loads(
        resources.files("kick_forms.data")
        .joinpath("template_regional_kulturplan.json")
        .read_text("utf-8")
    )
    login(client, make_user("kronoberg", Role.EDITOR))
    listing = client.get("/admin/r/kronoberg/").get_data(as_text=True)
    url = "/admin/r/kronoberg/c/from-template/new"
    assert url in listing
    page = client.get(url).get_data(as_text=True)
    assert "Samråd om regional kulturplan" in page
    template = db.session.scalars(select(ConsultationTemplate)).one()
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "start": str(template.id), "title": ""}
    )
    assert response.status_code == 303
    made = db.session.scalars(select(Consultation)).one()
    assert made.title == "Samråd om regional kulturplan"
    assert made.status == ConsultationStatus.DRAFT
    expected = [
        (q["label"], q["kind"], q["options"])
        for section in shipped["snapshot"]["sections"]
        for q in section["questions"]
    ]
    assert [(q.label, q.kind, [o.label for o in q.options]) for q in made.questions] == expected
    assert [s.title for s in made.sections] == [
        "Om er organisation", "Kulturplanens områden", "Er egen verksamhet",
        "Dialog och samverkan", "Vad regionen bör göra",
    ]  # fmt: skip
    # The seven culture areas, as choices and as the consultation's areas.
    assert len(made.questions[0].options) == 7 == len(made.culture_areas)
    follow_up = next(q for q in made.questions if q.shown_if_question_id)
    assert follow_up.shown_if_question.kind == QuestionKind.YES_NO
    assert follow_up.shown_if_value == "yes"


def test_an_empty_start_goes_to_the_settings_form(client):
    load_shipped_templates()
    db.session.commit()
    login(client, make_user("kronoberg", Role.EDITOR))
    url = "/admin/r/kronoberg/c/from-template/new"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "start": "blank"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/r/kronoberg/c/new"
    assert db.session.scalar(select(func.count(Consultation.id))) == 0


def test_loading_the_templates_twice_changes_nothing_and_keeps_an_admins_edits(client):
    assert load_shipped_templates() == 1
    assert load_shipped_templates() == 0
    db.session.commit()
    template = db.session.scalars(select(ConsultationTemplate)).one()
    admin = make_user(None, None, platform=True)
    login(client, admin)
    url = f"/admin/templates/{template.id}/edit"
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "title": "Vår mall", "description": "Ny"},
    )
    assert response.status_code == 303
    assert load_shipped_templates() == 0
    db.session.commit()
    db.session.expire_all()
    template = db.session.scalars(select(ConsultationTemplate)).one()
    assert (template.title, template.description) == ("Vår mall", "Ny")


def test_only_platform_admins_save_a_consultation_as_the_template(client):
    load_shipped_templates()
    db.session.commit()
    template = db.session.scalars(select(ConsultationTemplate)).one()
    before = template.snapshot
    source = _full()
    url = f"{_builder(source)}template/edit"
    for role in (Role.EDITOR, Role.ADMIN):
        staff = client.application.test_client()
        login(staff, make_user("kronoberg", role))
        assert staff.get(url).status_code == 403
        token = csrf_token(staff, _builder(source))
        refused = staff.post(url, data={"csrf_token": token, "template": str(template.id)})
        assert refused.status_code == 403
        assert "template/edit" not in staff.get(_builder(source)).get_data(as_text=True)
        assert staff.get(f"/admin/templates/{template.id}/edit").status_code == 403
    db.session.expire_all()
    assert db.session.get(ConsultationTemplate, template.id).snapshot == before

    login(client, make_user(None, None, platform=True))
    assert "template/edit" in client.get(_builder(source)).get_data(as_text=True)
    saved = client.post(
        url, data={"csrf_token": csrf_token(client, url), "template": str(template.id)}
    )
    assert saved.status_code == 303
    db.session.expire_all()
    template = db.session.get(ConsultationTemplate, template.id)
    assert [q["label"] for s in template.snapshot["sections"] for q in s["questions"]] == [
        q.label for q in source.questions
    ]
    assert template.snapshot["documents"] == []  # the region's files stay the region's
    assert load_shipped_templates() == 0  # and the next load keeps the admin's questions
    started = client.post(
        "/admin/r/blekinge/c/from-template/new",
        data={
            "csrf_token": csrf_token(client, "/admin/r/blekinge/c/from-template/new"),
            "start": str(template.id),
            "title": "Blekinges samråd",
        },
    )
    assert started.status_code == 303
    made = db.session.scalars(select(Consultation).filter_by(title="Blekinges samråd")).one()
    assert [q.label for q in made.questions] == [q.label for q in source.questions]
    assert made.region.slug == "blekinge"


def test_deleting_a_draft_removes_it_with_its_sections_documents_and_plan_text(client):
    draft = _full()
    section_ids, draft_id, builder_url = [s.id for s in draft.sections], draft.id, _builder(draft)
    login(client, make_user("kronoberg", Role.EDITOR))
    url = f"{builder_url}delete"
    page = client.get(url)
    assert page.status_code == 200 and "Ja, ta bort" in page.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/r/kronoberg/"
    assert client.get(builder_url).status_code == 404
    assert db.session.scalar(select(func.count(Consultation.id))) == 0
    assert db.session.scalar(select(func.count(Section.id)).where(Section.id.in_(section_ids))) == 0
    for model in (ConsultationDocument, PlanChapter, PlanParagraph, Response, Answer):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    event = db.session.scalars(select(AuditEvent).filter_by(action="consultation.delete")).one()
    assert event.subject == f"consultation:{draft_id}"


@pytest.mark.parametrize(
    "status",
    [ConsultationStatus.OPEN, ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED],
)
def test_a_consultation_once_opened_cannot_be_deleted(client, status):
    opened = make_consultation(status=status)
    login(client, make_user("kronoberg", Role.ADMIN))
    assert f"{_builder(opened)}delete" not in client.get(_builder(opened)).get_data(as_text=True)
    url = f"{_builder(opened)}delete"
    assert client.get(url).status_code == 409
    response = client.post(url, data={"csrf_token": csrf_token(client, _builder(opened))})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Ett samråd som har öppnats kan stängas i stället" in page
    assert client.get(_builder(opened)).status_code == 200
    deleted = select(func.count(AuditEvent.id)).filter_by(action="consultation.delete")
    assert db.session.scalar(deleted) == 0


def test_staff_of_another_region_cannot_copy_or_delete(client):
    draft = make_consultation()
    login(client, make_user("blekinge", Role.ADMIN))
    token = csrf_token(client, "/admin/")
    for suffix in ("copies/new", "delete"):
        url = f"{_builder(draft)}{suffix}"
        assert client.get(url).status_code == 404
        assert client.post(url, data={"csrf_token": token, "title": "X"}).status_code == 404
    assert db.session.scalar(select(func.count(Consultation.id))) == 1


def test_a_viewer_can_neither_copy_nor_delete_nor_start(client):
    draft = make_consultation()
    login(client, make_user("kronoberg", Role.VIEWER))
    token = csrf_token(client, "/admin/")
    for url in (
        f"{_builder(draft)}copies/new",
        f"{_builder(draft)}delete",
        "/admin/r/kronoberg/c/from-template/new",
    ):
        assert client.post(url, data={"csrf_token": token, "title": "X"}).status_code == 403
    assert db.session.scalar(select(func.count(Consultation.id))) == 1


def test_load_reference_updates_a_template_nobody_changed(app, monkeypatch):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kick", "load-reference"])
    assert "templates 1" in result.output
    shipped = kick_templates.shipped_templates()
    shipped[0]["description"] = "En bättre beskrivning"
    shipped[0]["snapshot"]["sections"][0]["title"] = "Om er"
    monkeypatch.setattr(kick_templates, "shipped_templates", lambda: shipped)
    result = runner.invoke(args=["kick", "load-reference"])
    assert "templates 1" in result.output
    db.session.expire_all()
    template = db.session.scalars(select(ConsultationTemplate)).one()
    assert template.description == "En bättre beskrivning"
    assert template.snapshot["sections"][0]["title"] == "Om er"
    assert "templates 0" in runner.invoke(args=["kick", "load-reference"]).output
