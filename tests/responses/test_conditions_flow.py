"""Questions shown after a given answer, in the answering flow without JavaScript and with
htmx's in-place check: hidden questions are not shown, required, stored, sent nor counted."""

from __future__ import annotations

from sqlalchemy import select

from kick_forms import tally
from kick_forms.extensions import db
from kick_forms.models import Answer, OutboxMessage, Response
from tests.consultations.conditional import by_label, conditional_consultation
from tests.responses.conftest import nonce_on, start

HX = {"HX-Request": "true"}


def _save(client, token, number, action="next", **answers):
    data = {f"q-{question.id}": value for question, value in answers.values()}
    data["action"] = action
    return client.post(f"/respond/{token}/s/{number}", data=data)


def test_without_javascript_a_saved_choice_shows_its_question_before_going_on(client):
    consultation = conditional_consultation()
    member, areas = by_label(consultation, "Medlem?"), by_label(consultation, "Områden")
    choirs = by_label(consultation, "Körer")
    token = start(client)

    page = client.get(f"/respond/{token}/s/1").get_data(as_text=True)
    assert f'name="q-{member.id}"' in page
    assert f'<div id="shown-q{areas.id}" class="conditional-question"></div>' in page
    assert f'name="q-{choirs.id}"' not in page

    response = _save(client, token, 1, m=(member, "yes"))
    assert response.status_code == 200  # stays, as a new question appeared
    html = response.get_data(as_text=True)
    assert 'role="status" tabindex="-1" aria-labelledby="appeared-title" autofocus' in html
    assert "Ert svar visade en ny fråga" in html and f'href="#q-{areas.id}"' in html
    assert f'name="q-{areas.id}"' in html and f'name="q-{choirs.id}"' not in html

    response = _save(client, token, 1, m=(member, "yes"), a=(areas, str(areas.options[0].id)))
    assert response.status_code == 200
    assert f'name="q-{choirs.id}"' in response.get_data(as_text=True)

    answers = dict(m=(member, "yes"), a=(areas, str(areas.options[0].id)), c=(choirs, "3"))
    response = _save(client, token, 1, **answers)
    assert response.status_code == 303 and response.headers["Location"].endswith("/s/2")
    second = client.get(f"/respond/{token}/s/2").get_data(as_text=True)
    assert "Vad saknas?" not in second  # shown only to those who are not members


def test_a_question_hidden_by_a_later_change_loses_its_answer_and_is_not_sent(client):
    consultation = conditional_consultation()
    member, areas = by_label(consultation, "Medlem?"), by_label(consultation, "Områden")
    choirs, missing = by_label(consultation, "Körer"), by_label(consultation, "Vad saknas?")
    token = start(client)
    musik = str(areas.options[0].id)
    _save(client, token, 1, m=(member, "yes"), a=(areas, musik), c=(choirs, "3"))
    db.session.rollback()
    response = db.session.scalars(select(Response)).one()
    stored = {
        a.question_id for a in db.session.scalars(select(Answer).filter_by(response_id=response.id))
    }
    assert stored == {member.id, areas.id, choirs.id}

    # Posted again with the old values still in the form: they are hidden now, so not kept.
    _save(client, token, 1, action="save", m=(member, "no"), a=(areas, musik), c=(choirs, "3"))
    db.session.rollback()
    stored = {
        a.question_id for a in db.session.scalars(select(Answer).filter_by(response_id=response.id))
    }
    assert stored == {member.id}

    # The question shown across sections is now required; the check page lists shown questions.
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    assert "Vad saknas?" in check and "Körer" not in check and "Områden" not in check
    assert f'href="/respond/{token}/s/2#q-{missing.id}"' in check
    _save(client, token, 2, action="check", v=(missing, "Lokaler"))
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    sent = client.post(f"/respond/{token}/submit", data={"nonce": nonce_on(check)})
    assert sent.status_code == 303, sent.get_data(as_text=True)

    db.session.rollback()
    version = db.session.get(Response, response.id).current_version
    sent_answers = db.session.scalars(select(Answer).filter_by(version_id=version.id))
    assert {a.question_id for a in sent_answers} == {member.id, missing.id}
    receipt = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "Vad saknas?" in receipt.body_text and "Körer" not in receipt.body_text
    counters = tally.counters(db.session.connection(), consultation.id)
    assert not [key for key in counters if key[2] in (areas.id, choirs.id)]
    assert counters[("", "", missing.id, tally.ANSWERED)] == 1


def test_htmx_asks_which_questions_to_show_as_a_choice_changes_and_nothing_is_stored(client):
    consultation = conditional_consultation()
    member, areas = by_label(consultation, "Medlem?"), by_label(consultation, "Områden")
    token = start(client)
    url = f"/respond/{token}/s/1/shown"
    response = client.post(url, data={f"q-{member.id}": "yes"}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<div id="shown-q{areas.id}" data-hx-swap-oob="innerHTML">' in html
    assert f'name="q-{areas.id}"' in html and f'name="shown-question" value="{areas.id}"' in html
    assert "En ny fråga visas: ”Områden”." in html
    assert "<html" not in html

    gone = client.post(
        url, data={f"q-{member.id}": "no", "shown-question": str(areas.id)}, headers=HX
    ).get_data(as_text=True)
    assert "Frågan ”Områden” visas inte längre." in gone
    assert f'name="q-{areas.id}"' not in gone
    unchanged = client.post(
        url, data={f"q-{member.id}": "yes", "shown-question": str(areas.id)}, headers=HX
    ).get_data(as_text=True)
    assert "shown-q" not in unchanged

    assert client.post(url, data={f"q-{member.id}": "yes"}).status_code == 303
    db.session.rollback()
    assert db.session.scalars(select(Answer)).first() is None


def test_the_overview_counts_only_the_questions_the_answers_show(client):
    consultation = conditional_consultation()
    member = by_label(consultation, "Medlem?")
    token = start(client)
    overview = client.get(f"/respond/{token}").get_data(as_text=True)
    assert "0 av 1 besvarade" in overview  # Områden and Körer wait for their answers
    assert "0 av 2 besvarade" in overview  # Vad saknas? and Varför A? too

    _save(client, token, 1, m=(member, "no"))
    overview = client.get(f"/respond/{token}").get_data(as_text=True)
    assert "1 av 1 besvarade" in overview  # the first section is done
    assert "0 av 3 besvarade" in overview  # "no" shows Vad saknas? in the second
