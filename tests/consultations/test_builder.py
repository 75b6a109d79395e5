"""The consultation builder through the HTTP client: full pages and htmx fragments."""

from __future__ import annotations

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    Response,
    Role,
    Section,
)
from tests.conftest import csrf_token, login, make_consultation, make_user

HX = {"HX-Request": "true"}
BASE = "/admin/r/kronoberg"


def editor_client(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    return client


def settings_data(token, **changes):
    data = {
        "csrf_token": token,
        "title": "Kulturplan 2027–2030",
        "slug": "",
        "intro": "Hej",
        "plan_start_year": "2027",
        "plan_end_year": "2030",
        "culture_areas": ["museums", "film"],
        "opens_at": "2030-01-01T08:00",
        "closes_at": "2030-03-31T23:59",
        "code_level": "consultation",
        "code_step": "drafting",
    }
    data.update(changes)
    return data


def fresh(model, id_):
    db.session.rollback()
    return db.session.get(model, id_)


def test_create_a_consultation_stores_local_times_as_utc(client):
    editor_client(client)
    token = csrf_token(client, f"{BASE}/c/new")
    response = client.post(f"{BASE}/c/new", data=settings_data(token))
    assert response.status_code == 303
    consultation = db.session.scalars(select(Consultation)).one()
    assert consultation.slug == "kulturplan-2027-2030"
    assert consultation.status == "draft"
    # 2030-03-31 23:59 in Stockholm is summer time (UTC+2).
    assert consultation.closes_at.isoformat() == "2030-03-31T21:59:00"
    assert consultation.opens_at.isoformat() == "2030-01-01T07:00:00"
    assert [a.key for a in consultation.culture_areas] == ["museums", "film"]
    assert response.headers["Location"].endswith(f"/c/{consultation.id}/")


def test_bad_settings_are_explained_beside_each_field_and_nothing_is_saved(client):
    make_consultation(slug="tagen")
    editor_client(client)
    token = csrf_token(client, f"{BASE}/c/new")
    response = client.post(
        f"{BASE}/c/new",
        data=settings_data(
            token,
            title="x" * 201,
            slug="tagen",
            opens_at="2030-04-01T08:00",
            closes_at="2030-03-01T08:00",
            plan_start_year="2030",
            plan_end_year="2027",
            intro="ok",
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count('class="field-error"') >= 3
    assert "Error:" in html.split("</title>")[0] or "Fel:" in html.split("</title>")[0]
    assert 'href="#title"' in html and 'href="#closes_at"' in html
    assert 'href="#plan_end_year"' in html
    assert 'value="2030-04-01T08:00"' in html  # what was typed is kept
    assert db.session.scalar(select(db.func.count()).select_from(Consultation)) == 1

    # The duplicate slug is caught by the service once the form itself is valid.
    response = client.post(f"{BASE}/c/new", data=settings_data(token, slug="tagen"))
    assert response.status_code == 422
    assert 'href="#slug"' in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Consultation)) == 1


def test_a_malformed_date_keeps_what_was_typed(client):
    editor_client(client)
    token = csrf_token(client, f"{BASE}/c/new")
    response = client.post(f"{BASE}/c/new", data=settings_data(token, closes_at="31/3 nästa år"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="31/3 nästa år"' in html
    assert "2027-03-31 23:59" in html  # the message shows how to write it
    assert 'aria-invalid="true"' in html


def test_edit_settings_form_shows_local_times(client):
    consultation = make_consultation()
    editor_client(client)
    html = client.get(f"{BASE}/c/{consultation.id}/settings").get_data(as_text=True)
    assert 'value="kulturplan"' in html
    assert 'name="closes_at"' in html


def test_builder_page_and_fragment_share_a_url(client):
    consultation = make_consultation()
    editor_client(client)
    url = f"{BASE}/c/{consultation.id}/"
    page = client.get(url)
    fragment = client.get(url, headers=HX)
    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="sections"' in body
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    # Boosted navigation and history restores need the whole page.
    boosted = client.get(url, headers={**HX, "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_add_section_and_question_as_page_and_as_fragment(client):
    consultation = make_consultation(with_questions=False)
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    new_section = client.get(f"{base}/sections/new", headers=HX)
    assert "<html" not in new_section.get_data(as_text=True)
    assert "HX-Request" in new_section.headers["Vary"]
    token = csrf_token(client, f"{base}/sections/new")

    response = client.post(
        f"{base}/sections/new", data={"csrf_token": token, "title": "Om er"}, headers=HX
    )
    assert response.status_code == 200
    assert "Om er" in response.get_data(as_text=True)
    section = db.session.scalars(select(Section)).one()

    page = client.get(f"{base}/sections/{section.id}/questions/new")
    assert "<html" in page.get_data(as_text=True)
    response = client.post(
        f"{base}/sections/{section.id}/questions/new",
        data={
            "csrf_token": token,
            "kind": "single_choice",
            "label": "Hur ofta?",
            "options": "Ofta\n\nSällan\n",
            "required": "y",
        },
    )
    assert response.status_code == 303
    question = db.session.scalars(select(Question)).one()
    assert question.required and [o.label for o in question.options] == ["Ofta", "Sällan"]


def test_question_errors_come_back_in_the_fragment_retargeted_to_the_form(client):
    consultation = make_consultation()
    section = consultation.sections[0]
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/sections/{section.id}/questions/new")
    response = client.post(
        f"{base}/sections/{section.id}/questions/new",
        data={
            "csrf_token": token,
            "kind": "multiple_choice",
            "label": "Vad?",
            "options": "Bara en",
        },
        headers=HX,
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == f"#question-form-new-{section.id}"
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "minst två" in html or "at least two" in html
    assert "Bara en" in html
    assert len(fresh(Section, section.id).questions) == 2


def test_texts_over_their_limits_are_refused(client):
    consultation = make_consultation()
    question = consultation.sections[0].questions[0]
    editor_client(client)
    url = f"{BASE}/c/{consultation.id}/questions/{question.id}/edit"
    token = csrf_token(client, url)
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "kind": "short_text",
            "label": "L" * 501,
            "help_text": "h" * 1001,
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    prefix = f"q{question.id}"  # ids unique per question, as several forms can be open at once
    assert f'href="#{prefix}-label"' in html and f'href="#{prefix}-help_text"' in html
    assert f'<label class="label" for="{prefix}-label">' in html
    assert f'id="{prefix}-label"' in html and 'id="label"' not in html
    assert fresh(Question, question.id).label == "Om er: Fråga A"


def test_move_question_down_across_sections_and_up_again(client):
    consultation = make_consultation()
    first, second = consultation.sections
    moving = first.questions[1]
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")

    response = client.post(
        f"{base}/questions/{moving.id}/move",
        data={"csrf_token": token, "direction": "down"},
        headers=HX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The moved question's button keeps the focus, and the change is announced.
    assert f'id="move-down-question-{moving.id}" class="link-button" autofocus' in html
    assert 'id="builder-status"' in html
    db.session.rollback()
    assert moving.section_id == second.id and moving.position == 0
    assert [q.position for q in second.questions] == [0, 1, 2]

    client.post(f"{base}/questions/{moving.id}/move", data={"csrf_token": token, "direction": "up"})
    db.session.rollback()
    assert moving.section_id == first.id and moving.position == 1


def test_move_section_and_duplicate_and_delete(client):
    consultation = make_consultation()
    first, second = consultation.sections
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")
    client.post(f"{base}/sections/{second.id}/move", data={"csrf_token": token, "direction": "up"})
    db.session.rollback()
    assert [s.id for s in fresh(Consultation, consultation.id).sections] == [second.id, first.id]

    client.post(f"{base}/sections/{first.id}/duplicate", data={"csrf_token": token})
    sections = fresh(Consultation, consultation.id).sections
    assert [s.title for s in sections] == ["Prioriteringar", "Om er", "Om er"]
    assert len(sections[2].questions) == 2

    confirm = client.get(f"{base}/sections/{sections[2].id}/delete", headers=HX)
    assert "<html" not in confirm.get_data(as_text=True)
    client.post(f"{base}/sections/{sections[2].id}/delete", data={"csrf_token": token})
    assert len(fresh(Consultation, consultation.id).sections) == 2


def test_duplicate_and_delete_question(client):
    consultation = make_consultation()
    question = consultation.sections[0].questions[0]
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")
    client.post(f"{base}/questions/{question.id}/duplicate", data={"csrf_token": token})
    labels = [q.label for q in fresh(Section, question.section_id).questions]
    assert labels == ["Om er: Fråga A", "Om er: Fråga A", "Om er: Fråga B"]

    question_id = question.id
    page = client.get(f"{base}/questions/{question_id}/delete")
    assert "<html" in page.get_data(as_text=True)
    client.post(f"{base}/questions/{question_id}/delete", data={"csrf_token": token})
    assert fresh(Question, question_id) is None


def test_once_answered_questions_cannot_be_deleted_or_change_kind(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    question = consultation.sections[0].questions[0]
    db.session.add(Response(consultation_id=consultation.id))
    db.session.commit()
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")

    client.post(f"{base}/questions/{question.id}/delete", data={"csrf_token": token})
    assert fresh(Question, question.id) is not None

    response = client.post(
        f"{base}/questions/{question.id}/edit",
        data={"csrf_token": token, "kind": "long_text", "label": "Ny text"},
    )
    assert response.status_code == 422
    assert fresh(Question, question.id).kind == QuestionKind.SHORT_TEXT
    # The wording may still be corrected.
    response = client.post(
        f"{base}/questions/{question.id}/edit",
        data={"csrf_token": token, "kind": "short_text", "label": "Rättad text"},
    )
    assert response.status_code == 303
    assert fresh(Question, question.id).label == "Rättad text"


def test_opening_is_refused_with_reasons(client):
    consultation = make_consultation(with_questions=False)
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")
    response = client.post(f"{base}/status", data={"csrf_token": token, "status": "open"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "fråga" in html or "question" in html
    assert fresh(Consultation, consultation.id).status == "draft"


def test_opening_is_refused_when_the_closing_time_has_passed(client):
    consultation = make_consultation()
    consultation.closes_at = consultation.created_at.replace(year=2020)
    db.session.commit()
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")
    response = client.post(f"{base}/status", data={"csrf_token": token, "status": "open"})
    assert response.status_code == 422
    assert fresh(Consultation, consultation.id).status == "draft"


def test_status_goes_draft_open_closed_published(client):
    consultation = make_consultation()
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")
    for status in ("open", "closed", "published"):
        response = client.post(f"{base}/status", data={"csrf_token": token, "status": status})
        assert response.status_code == 303
        assert fresh(Consultation, consultation.id).status == status
    response = client.post(f"{base}/status", data={"csrf_token": token, "status": "draft"})
    assert response.status_code == 422


def test_preview_shows_every_kind_of_question(client):
    consultation = make_consultation()
    section = consultation.sections[0]
    from kick_forms.consultations import services as builder
    from tests.conftest import question_data

    for kind in QuestionKind:
        options = ["Ett", "Två"] if kind.has_options else []
        builder.add_question(section, question_data(kind=kind, label=f"Q {kind}", options=options))
    db.session.commit()
    editor_client(client)
    html = client.get(f"{BASE}/c/{consultation.id}/preview").get_data(as_text=True)
    for kind in QuestionKind:
        assert f"Q {kind}" in html
    assert 'type="radio"' in html and 'type="checkbox"' in html and "<textarea" in html
    assert "<fieldset" in html and "<legend" in html


def test_a_closing_date_alone_means_the_end_of_that_day(client):
    editor_client(client)
    token = csrf_token(client, f"{BASE}/c/new")
    response = client.post(
        f"{BASE}/c/new", data=settings_data(token, opens_at="", closes_at="2030-01-31")
    )
    assert response.status_code == 303
    consultation = db.session.scalars(select(Consultation)).one()
    assert consultation.closes_at.isoformat() == "2030-01-31T22:59:00"  # 23:59 CET
    assert consultation.opens_at is None


def test_an_open_consultation_keeps_its_closing_time(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    closes_at = consultation.closes_at
    editor_client(client)
    url = f"{BASE}/c/{consultation.id}/settings"
    token = csrf_token(client, url)
    response = client.post(url, data=settings_data(token, slug="kulturplan", closes_at=""))
    assert response.status_code == 422
    assert 'href="#closes_at"' in response.get_data(as_text=True)
    assert fresh(Consultation, consultation.id).closes_at == closes_at
