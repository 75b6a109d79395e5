"""The region's feedback: written per section or question, published once, mailed once."""

from __future__ import annotations

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from kick_forms.models import ConsultationStatus, OutboxMessage, Outcome, Role
from tests.conftest import csrf_token, login, make_user
from tests.responses.conftest import nonce_on, start


def _submit(client, consultation, **who) -> str:
    questions = {q.label: q for q in consultation.questions}
    token = start(client, **who)
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Alvesta"})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "3"})
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    assert client.post(f"/respond/{token}/submit", data={"nonce": nonce}).status_code == 303
    return token


def _staff(client):
    staff = client.application.test_client()
    login(staff, make_user("kronoberg", Role.EDITOR))
    return staff


def test_feedback_is_saved_inline_and_errors_keep_what_was_typed(client, consultation):
    staff = _staff(client)
    section = consultation.sections[0]
    base = f"/admin/r/kronoberg/c/{consultation.id}/feedback"
    token = csrf_token(staff, base)
    bad = staff.post(
        f"{base}/{section.id}",
        data={
            "csrf_token": token,
            f"s{section.id}-status": "partly",
            f"s{section.id}-explanation": "",
        },
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422
    assert "<html" not in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0

    good = staff.post(
        f"{base}/{section.id}",
        data={
            "csrf_token": token,
            f"s{section.id}-status": "partly",
            f"s{section.id}-explanation": "Vi har skrivit in landsbygden i planens mål 3.",
            f"s{section.id}-plan_url": "https://www.kronoberg.se/kulturplan",
        },
        headers={"HX-Request": "true"},
    )
    assert good.status_code == 200 and "Sparat" in good.get_data(as_text=True)
    outcome = db.session.scalars(select(Outcome)).one()
    assert (outcome.status, outcome.question_id) == ("partly", None)


def test_publishing_mails_each_answering_organisation_exactly_once(client, consultation, smtp):
    _submit(client, consultation)
    _submit(
        client, consultation, organisation_name="Alvesta kammarkör", contact_email="kor@example.se"
    )
    start(client, organisation_name="Bara ett utkast", contact_email="utkast@example.se")
    send_due()
    smtp.received.clear()

    staff = _staff(client)
    base = f"/admin/r/kronoberg/c/{consultation.id}/feedback"
    token = csrf_token(staff, base)
    section = consultation.sections[0]
    staff.post(f"{base}/{section.id}", data={
        "csrf_token": token, f"s{section.id}-status": "incorporated",
        f"s{section.id}-explanation": "Allt kom med.",
    })  # fmt: skip

    refused = staff.post(f"{base}/publish", data={"csrf_token": token})
    assert refused.status_code == 422  # still open for answers
    consultation.status = ConsultationStatus.PUBLISHED
    db.session.commit()

    published = staff.post(f"{base}/publish", data={"csrf_token": token})
    assert published.status_code == 303
    told = staff.get(published.headers["Location"]).get_data(as_text=True)
    assert "Återkopplingen är publicerad. 2 organisationer får besked med e-post." in told
    assert staff.post(f"{base}/publish", data={"csrf_token": token}).status_code == 422
    while send_due().handled:
        pass
    recipients = sorted(rcpt for rcpts, _ in smtp.received for rcpt in rcpts)
    assert recipients == ["karin@example.se", "kor@example.se"]
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
        == 0
    )

    board = client.get("/r/kronoberg/c/kulturplan/board").get_data(as_text=True)
    assert "Allt kom med." in board and "Infört" in board
