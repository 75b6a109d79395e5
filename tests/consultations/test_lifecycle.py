"""A consultation's lifecycle through HTTP: closing early ("Stäng nu") and what shows it."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from kick_forms.consultations.labels import STATUS_ACTIONS, STATUS_LABELS
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Consultation, ConsultationStatus, Role
from kick_forms.templating import local_datetime
from kick_forms.timeutil import utcnow
from tests.conftest import csrf_token, login, make_consultation, make_user

BASE = "/admin/r/kronoberg"
PUBLIC = "/r/kronoberg/c/kulturplan"


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _close(client, consultation):  # type: ignore[no-untyped-def]
    url = f"{BASE}/c/{consultation.id}/close"
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token})


def test_close_now_shows_the_real_closing_time_on_the_page_the_pdf_and_the_api(app, client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    consultation.board_visibility = "after_closing"
    db.session.commit()
    planned = consultation.closes_at
    with app.test_request_context():
        planned_text = local_datetime(planned, "long")
    login(client, make_user("kronoberg", Role.EDITOR))

    # The builder offers "Stäng nu" as a link to the confirmation, which names the planned time.
    builder_page = client.get(f"{BASE}/c/{consultation.id}/").get_data(as_text=True)
    assert f'href="{BASE}/c/{consultation.id}/close"' in builder_page
    page = client.get(f"{BASE}/c/{consultation.id}/close")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stäng samrådet nu?" in html and planned_text in html
    assert db.session.get(Consultation, consultation.id).status == "open"  # GET changes nothing

    before = utcnow().replace(microsecond=0)
    response = _close(client, consultation)
    assert response.status_code == 303
    db.session.rollback()
    closed = db.session.get(Consultation, consultation.id)
    assert closed.status == "closed"
    assert before <= closed.closes_at <= utcnow() < planned
    with app.test_request_context():
        actual_text = local_datetime(closed.closes_at, "long")
    assert actual_text != planned_text

    event = db.session.scalars(select(AuditEvent).filter_by(action="consultation.close")).one()
    assert event.subject == f"consultation:{consultation.id}"
    assert f"planned={planned.isoformat(timespec='seconds')}" in event.detail

    client = app.test_client()  # a visitor, not signed in
    public_page = client.get(f"{PUBLIC}/").get_data(as_text=True)
    assert actual_text in public_page and planned_text not in public_page
    board_page = client.get(f"{PUBLIC}/board").get_data(as_text=True)
    assert planned_text not in board_page
    pdf = client.get(f"{PUBLIC}/board.pdf")
    assert pdf.status_code == 200
    pdf_text = _pdf_text(pdf.data)
    assert actual_text in pdf_text and planned_text not in pdf_text
    listed = client.get("/api/v1/consultations?region=kronoberg").get_json()
    record = next(item for item in listed["consultations"] if item["id"] == consultation.id)
    assert record["status"] == "closed"
    assert record["closes_at"] == closed.closes_at.isoformat(timespec="seconds") + "+00:00"
    summary = client.get(f"/api/v1/consultations/{consultation.id}/summary").get_json()
    assert summary["consultation"]["closes_at"] == record["closes_at"]


def test_closing_after_the_deadline_keeps_the_deadline(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    deadline = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    consultation.closes_at = deadline
    db.session.commit()
    login(client, make_user("kronoberg", Role.EDITOR))
    html = client.get(f"{BASE}/c/{consultation.id}/close").get_data(as_text=True)
    assert "Den nya stängningstiden" not in html and "Ny stängningstid" not in html
    assert _close(client, consultation).status_code == 303
    db.session.rollback()
    closed = db.session.get(Consultation, consultation.id)
    assert (closed.status, closed.closes_at) == ("closed", deadline)


def test_only_editors_close_and_only_open_consultations(app, client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    login(client, make_user("kronoberg", Role.VIEWER))
    assert client.get(f"{BASE}/c/{consultation.id}/close").status_code == 403
    builder_page = client.get(f"{BASE}/c/{consultation.id}/").get_data(as_text=True)
    assert "/close" not in builder_page
    client = app.test_client()

    login(client, make_user("kronoberg", Role.EDITOR))
    # Without the CSRF token nothing happens.
    response = client.post(f"{BASE}/c/{consultation.id}/close", data={})
    assert response.status_code == 400
    assert db.session.get(Consultation, consultation.id).status == "open"

    draft = make_consultation(slug="utkast")
    assert client.get(f"{BASE}/c/{draft.id}/close").status_code == 409
    token = csrf_token(client, f"{BASE}/c/{consultation.id}/close")
    response = client.post(f"{BASE}/c/{draft.id}/close", data={"csrf_token": token})
    assert response.status_code == 409
    db.session.rollback()
    assert db.session.get(Consultation, draft.id).status == "draft"
    assert db.session.scalars(select(AuditEvent).filter_by(action="consultation.close")).all() == []


def test_each_state_has_one_name_and_each_publish_names_what_it_publishes(app, client):
    """The consultation's four states have four names; the summary's publication, the
    feedback's and the status badge never share a word, in Swedish or in English."""
    closed = make_consultation(status=ConsultationStatus.CLOSED)
    published = make_consultation(slug="publicerad", status=ConsultationStatus.PUBLISHED)
    login(client, make_user("kronoberg", Role.EDITOR))
    for language in ("sv", "en"):
        with app.test_request_context(f"/?lang={language}"):
            labels = [str(label) for label in STATUS_LABELS.values()]
            actions = [str(action) for action in STATUS_ACTIONS.values()]
        assert len(set(labels)) == len(labels) == 4
        assert len(set(actions)) == len(actions)

        builder_page = client.get(f"{BASE}/c/{closed.id}/?lang={language}").get_data(as_text=True)
        feedback_page = client.get(f"{BASE}/c/{closed.id}/feedback?lang={language}")
        feedback_html = feedback_page.get_data(as_text=True)
        badge = client.get(f"{BASE}/c/{published.id}/?lang={language}").get_data(as_text=True)
        summary_words, feedback_words, badge_words = {
            "sv": (
                "Publicera sammanställningen",
                "Publicera återkopplingen",
                "Sammanställningen publicerad",
            ),
            "en": ("Publish the summary", "Publish the feedback", "Summary published"),
        }[language]
        assert summary_words in builder_page and feedback_words not in builder_page
        assert feedback_words in feedback_html and summary_words not in feedback_html
        assert f'status--published">{badge_words}</span>' in badge
