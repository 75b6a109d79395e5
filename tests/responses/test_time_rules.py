"""Before opening and after closing the form is read-only; what is typed too late is shown back,
not saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import Answer, ResponseVersion
from kick_forms.timeutil import utcnow
from tests.responses.conftest import START, nonce_on, start


def test_before_opening_the_start_page_gives_the_date(client, consultation):
    consultation.opens_at = utcnow() + timedelta(days=3)
    db.session.commit()
    page = client.get(START)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "öppnar" in html.lower() or "opens" in html.lower()
    assert 'name="organisation_name"' not in html
    assert client.post(START, data={"organisation_name": "X"}).status_code == 409


def test_after_the_deadline_answers_are_kept_as_a_draft_but_not_sent(client, consultation):
    questions = {q.label: q for q in consultation.questions}
    token = start(client)
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Markaryd"})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "2"})
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))

    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    page = client.get(f"/respond/{token}/s/1").get_data(as_text=True)
    assert "disabled" in page and 'value="Markaryd"' in page
    late = client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Lessebo"})
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    # What was typed is shown back, read-only, and the answer stays as it was.
    assert "sparades inte" in html and 'value="Lessebo"' in html and "disabled" in html
    kept = db.session.scalars(
        select(Answer).filter_by(question_id=questions["Ort"].id, version_id=None)
    ).one()
    assert kept.text_value == "Markaryd"

    refused = client.post(f"/respond/{token}/submit", data={"nonce": nonce})
    assert refused.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(ResponseVersion)) == 0
    assert client.post(START, data={}).status_code == 409
