"""Conditions on questions in the builder: only earlier choice questions, kept right when
questions move, options go or questions are deleted."""

from __future__ import annotations

from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, Question, Response
from tests.conftest import csrf_token
from tests.consultations.conditional import by_label, conditional_consultation
from tests.consultations.test_builder import BASE, HX, editor_client, fresh


def _edit(client, consultation, question, token, **changes):
    data = {
        "csrf_token": token,
        "kind": question.kind,
        "label": question.label,
        "options": "\n".join(option.label for option in question.options),
        "shown_if": "",
        **changes,
    }
    url = f"{BASE}/c/{consultation.id}/questions/{question.id}/edit"
    return client.post(url, data=data, headers=HX)


def test_the_form_offers_only_earlier_choice_questions_with_ids_of_its_own(client):
    consultation = conditional_consultation(ConsultationStatus.DRAFT)
    choirs, member = by_label(consultation, "Körer"), by_label(consultation, "Medlem?")
    editor_client(client)
    html = client.get(
        f"{BASE}/c/{consultation.id}/questions/{choirs.id}/edit", headers=HX
    ).get_data(as_text=True)
    assert f'<select class="input" id="q{choirs.id}-shown_if" name="shown_if"' in html
    assert '<optgroup label="Medlem?">' in html and '<optgroup label="Områden">' in html
    assert "Viktigast" not in html  # a later question
    assert f'value="{member.id}:dont_know"' in html
    musik = by_label(consultation, "Områden").options[0]
    assert f'<option value="{by_label(consultation, "Områden").id}:o{musik.id}" selected>' in html


def test_a_condition_on_a_later_question_or_itself_is_refused(client):
    consultation = conditional_consultation(ConsultationStatus.DRAFT)
    member, most = by_label(consultation, "Medlem?"), by_label(consultation, "Viktigast")
    editor_client(client)
    token = csrf_token(client, f"{BASE}/c/{consultation.id}/")
    for value in (f"{most.id}:o{most.options[0].id}", f"{member.id}:yes", "nonsense"):
        response = _edit(client, consultation, member, token, shown_if=value)
        assert response.status_code == 422
        assert "Välj ett svar på en valfråga som kommer före den här frågan." in response.get_data(
            as_text=True
        )
        assert fresh(Question, member.id).shown_if_question_id is None


def test_a_condition_is_set_and_shown_in_words(client):
    consultation = conditional_consultation(ConsultationStatus.DRAFT)
    most, why = by_label(consultation, "Viktigast"), by_label(consultation, "Hur väl?")
    editor_client(client)
    token = csrf_token(client, f"{BASE}/c/{consultation.id}/")
    response = _edit(client, consultation, why, token, shown_if=f"{most.id}:o{most.options[1].id}")
    assert response.status_code == 422  # Viktigast comes after Hur väl?
    member = by_label(consultation, "Medlem?")
    response = _edit(client, consultation, why, token, shown_if=f"{member.id}:dont_know")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="q{why.id}-condition">Visas bara om ”Medlem?” är ”Vet inte”.' in html
    assert fresh(Question, why.id).shown_if_value == "dont_know"
    assert "Visas bara om ”Områden” är ”Musik”." in html  # Körer, set up before


def test_a_move_that_would_put_a_condition_before_its_question_is_refused(client):
    consultation = conditional_consultation(ConsultationStatus.DRAFT)
    member = by_label(consultation, "Medlem?")
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")
    response = client.post(
        f"{base}/questions/{member.id}/move", data={"csrf_token": token, "direction": "down"}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "”Områden” visas bara efter ett svar på ”Medlem?”" in page
    assert fresh(Question, member.id).position == 0
    sections = fresh(Question, member.id).section.consultation.sections
    response = client.post(
        f"{base}/sections/{sections[1].id}/move",
        data={"csrf_token": token, "direction": "up"},
        headers=HX,
    )
    assert response.status_code == 409
    assert [s.title for s in fresh(Question, member.id).section.consultation.sections] == [
        "Om er",
        "Tankar",
    ]
    # A move that keeps every condition after its question is fine.
    most = by_label(consultation, "Viktigast")
    response = client.post(
        f"{base}/questions/{most.id}/move", data={"csrf_token": token, "direction": "up"}
    )
    assert fresh(Question, most.id).position == 1


def test_removing_the_option_or_the_question_a_condition_names_clears_it_and_says_so(client):
    consultation = conditional_consultation(ConsultationStatus.DRAFT)
    areas, choirs = by_label(consultation, "Områden"), by_label(consultation, "Körer")
    editor_client(client)
    base = f"{BASE}/c/{consultation.id}"
    token = csrf_token(client, f"{base}/")
    response = _edit(
        client,
        consultation,
        areas,
        token,
        options="Dans\nTeater",
        shown_if=f"{by_label(consultation, 'Medlem?').id}:yes",
    )
    assert response.status_code == 200
    assert "Frågan ”Körer” visas nu alltid: svaret som visade den finns inte längre." in (
        response.get_data(as_text=True)
    )
    assert fresh(Question, choirs.id).shown_if_question_id is None
    assert fresh(Question, areas.id).shown_if_value == "yes"  # its own condition kept

    member_id = by_label(consultation, "Medlem?").id
    client.post(f"{base}/questions/{member_id}/delete", data={"csrf_token": token})
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "Frågan ”Områden” visas nu alltid" in page
    assert "Frågan ”Vad saknas?” visas nu alltid" in page
    db.session.rollback()
    assert fresh(Question, member_id) is None
    assert fresh(Question, areas.id).shown_if_question_id is None


def test_once_answered_a_condition_stays_as_it_is(client):
    consultation = conditional_consultation()
    why, member = by_label(consultation, "Varför A?"), by_label(consultation, "Medlem?")
    db.session.add(Response(consultation_id=consultation.id))
    db.session.commit()
    editor_client(client)
    token = csrf_token(client, f"{BASE}/c/{consultation.id}/")
    response = _edit(client, consultation, why, token, shown_if=f"{member.id}:yes")
    assert response.status_code == 422
    assert "Det går inte att ändra villkoret när organisationer har börjat svara." in (
        response.get_data(as_text=True)
    )
    form = client.get(f"{BASE}/c/{consultation.id}/questions/{why.id}/edit").get_data(as_text=True)
    assert "Visas bara om ”Viktigast” är ”A”." in form
    most = by_label(consultation, "Viktigast")
    unchanged = _edit(
        client, consultation, why, token, shown_if=f"{most.id}:o{most.options[0].id}",
        label="Varför just A?",
    )  # fmt: skip
    assert unchanged.status_code == 200
    assert fresh(Question, why.id).label == "Varför just A?"
