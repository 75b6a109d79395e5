"""Questions through the builder and the answering flow: what an answered question may still
change, "Other" on single choice, and a short text's own limit."""

from __future__ import annotations

import re

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import Question, QuestionKind, Role
from tests.conftest import csrf_token, login, make_user
from tests.responses.conftest import nonce_on, start

BASE = "/admin/r/kronoberg"


def _editor(client):  # type: ignore[no-untyped-def]
    staff = client.application.test_client()
    login(staff, make_user("kronoberg", Role.EDITOR))
    return staff


def test_an_answered_question_shows_only_its_kinds_fields_and_no_delete(client, consultation):
    empty = builder.add_section(consultation, "Tom", "")
    db.session.commit()
    staff = _editor(client)
    builder_page = staff.get(f"{BASE}/c/{consultation.id}/").get_data(as_text=True)
    deletes = re.findall(r'href="([^"]+/delete)"', builder_page)
    assert len(deletes) == len(consultation.questions) + 3  # and the three sections

    start(client)  # an organisation has started answering
    builder_page = staff.get(f"{BASE}/c/{consultation.id}/").get_data(as_text=True)
    deletes = re.findall(r'href="([^"]+/delete)"', builder_page)
    assert deletes == [f"{BASE}/c/{consultation.id}/sections/{empty.id}/delete"]

    q = {question.label: question for question in consultation.questions}
    form = staff.get(f"{BASE}/c/{consultation.id}/questions/{q['Ort'].id}/edit")
    html = form.get_data(as_text=True)
    assert 'name="max_length"' in html
    for other in ("options", "allow_other", "scale_min_label", "number_min"):
        assert f'name="{other}"' not in html, other
    html = staff.get(f"{BASE}/c/{consultation.id}/questions/{q['Viktigast'].id}/edit").get_data(
        as_text=True
    )
    assert 'name="options"' in html and 'name="allow_other"' in html
    assert 'name="max_length"' not in html and 'name="number_max"' not in html


def test_single_choice_offers_other_through_answering_board_and_export(client, consultation):
    staff = _editor(client)
    q = {question.label: question for question in consultation.questions}
    edit = f"{BASE}/c/{consultation.id}/questions/{q['Viktigast'].id}/edit"
    token = csrf_token(staff, edit)
    saved = staff.post(edit, data={
        "csrf_token": token, "kind": "single_choice", "label": "Viktigast",
        "options": "A\nB", "allow_other": "y",
    })  # fmt: skip
    assert saved.status_code == 303
    question = db.session.get(Question, q["Viktigast"].id)
    db.session.refresh(question)
    assert question.allow_other is True
    consultation.board_visibility = "while_open"
    db.session.commit()

    link = start(client)
    page = client.get(f"/respond/{link}/s/2").get_data(as_text=True)
    name = f"q-{question.id}"
    assert f'type="radio" id="{name}-other" name="{name}" value="other"' in page
    assert f'for="{name}-other-text"' in page
    refused = client.post(
        f"/respond/{link}/s/2", data={name: "other", f"{name}-other-text": " ", "action": "save"}
    )
    assert "Ange vad ”Annat” avser" in refused.get_data(as_text=True)
    client.post(f"/respond/{link}/s/1", data={f"q-{q['Ort'].id}": "Ljungby", "action": "save"})
    client.post(f"/respond/{link}/s/2", data={
        name: "other", f"{name}-other-text": "Dans", f"q-{q['Hur väl?'].id}": "4",
        "action": "save",
    })  # fmt: skip
    check = client.get(f"/respond/{link}/check").get_data(as_text=True)
    assert "Annat: Dans" in check
    assert (
        client.post(f"/respond/{link}/submit", data={"nonce": nonce_on(check)}).status_code == 303
    )

    board = client.application.test_client().get("/r/kronoberg/c/kulturplan/board")
    chart = board.get_data(as_text=True).split(question.label, 1)[1]
    assert re.search(r"Annat.{0,400}?\b1\b", chart, re.S), chart[:2000]
    export = staff.get(f"{BASE}/c/{consultation.id}/export.csv").data.decode("utf-8-sig")
    assert "Annat: Dans" in export


def test_a_short_text_limit_is_set_in_the_builder_and_shown_when_answering(client, consultation):
    staff = _editor(client)
    q = {question.label: question for question in consultation.questions}
    edit = f"{BASE}/c/{consultation.id}/questions/{q['Ort'].id}/edit"
    token = csrf_token(staff, edit)
    data = {"csrf_token": token, "kind": "short_text", "label": "Ort", "required": "y"}
    too_long = staff.post(edit, data={**data, "max_length": "400"})
    assert too_long.status_code == 422
    assert "Kort text kan ha högst 300 tecken." in too_long.get_data(as_text=True)
    assert staff.post(edit, data={**data, "max_length": "20"}).status_code == 303
    question = db.session.get(Question, q["Ort"].id)
    db.session.refresh(question)
    assert (question.kind, question.max_length, question.text_limit) == (
        QuestionKind.SHORT_TEXT, 20, 20,
    )  # fmt: skip
    builder_page = staff.get(f"{BASE}/c/{consultation.id}/").get_data(as_text=True)
    assert "högst 20 tecken" in builder_page

    link = start(client)
    page = client.get(f"/respond/{link}/s/1").get_data(as_text=True)
    assert "Högst 20 tecken." in page and 'data-limit="20"' in page
    refused = client.post(
        f"/respond/{link}/s/1", data={f"q-{question.id}": "x" * 21, "action": "save"}
    )
    assert "Använd högst 20 tecken" in refused.get_data(as_text=True)
