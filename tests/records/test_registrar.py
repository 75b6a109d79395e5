"""The registrar's mailbox is told of each answer as it arrives, with the answer as PDF made
when the mail is sent, through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.mail import services as mail
from kick_forms.mail.services import enqueue_mail, send_due
from kick_forms.models import OutboxMessage
from kick_forms.timeutil import utcnow
from tests.records.conftest import REGISTRY_NUMBER, pdf_text, pdfa_part
from tests.responses.conftest import nonce_on, start

REGISTRAR = "registrator@kronoberg.example.se"


def _send(client, token: str) -> None:  # type: ignore[no-untyped-def]
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    assert client.post(f"/respond/{token}/submit", data={"nonce": nonce}).status_code == 303


def _answer(client, consultation, place: str, token: str | None = None) -> str:  # type: ignore[no-untyped-def]
    questions = {q.label: q for q in consultation.questions}
    token = token or start(client)
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": place})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "4"})
    _send(client, token)
    return token


def _to_registrar(smtp):  # type: ignore[no-untyped-def]
    return [message for recipients, message in smtp.received if recipients == [REGISTRAR]]


def test_each_version_is_mailed_to_the_registrar_with_the_answer_as_pdf(
    app, client, consultation, smtp
):
    consultation.registry_number = REGISTRY_NUMBER
    consultation.registrar_email = REGISTRAR
    db.session.commit()
    token = _answer(client, consultation, "Lessebo")
    queued = db.session.scalars(select(OutboxMessage).filter_by(to_address=REGISTRAR)).one()
    assert queued.attachment_source.startswith("answer-pdf:")

    send_due()
    [message] = _to_registrar(smtp)
    subject = message["Subject"]
    assert subject.startswith("Inkommen handling KF-") and subject.endswith(
        "-1: Svar från Hembygdsföreningen Linnés Råshult på Kulturplan 2027–2030"
    )
    body = message.get_body(("plain",)).get_content()
    assert f"Diarienummer: {REGISTRY_NUMBER}" in body
    assert "Avsändare: Hembygdsföreningen Linnés Råshult (802455-1239)" in body
    assert "Kanal: Webbformulär" in body and "Inkom: " in body
    assert "/admin/r/kronoberg/c/" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().endswith("-1.pdf")
    data = attachment.get_content()
    assert pdfa_part(data) == "2"
    text = " ".join(pdf_text(data).split())
    assert "Svar från Hembygdsföreningen Linnés Råshult" in text and "Lessebo" in text
    assert "Karin Andersson" in text and "karin@example.se" in text  # the records copy

    _answer(client, consultation, "Tingsryd", token)  # the organisation changes its answer
    send_due()
    first, second = _to_registrar(smtp)
    assert second["Subject"].split(":")[0].endswith("-2")
    assert "ersätter version 1" in second.get_body(("plain",)).get_content()
    changed = pdf_text(next(second.iter_attachments()).get_content())
    assert "Tingsryd" in changed and "Lessebo" not in changed


def test_without_a_registrar_mailbox_no_one_else_is_mailed(app, client, consultation, smtp):
    _answer(client, consultation, "Lessebo")
    send_due()
    assert [recipients for recipients, _message in smtp.received] == [
        ["karin@example.se"],
        ["karin@example.se"],
    ]
    assert db.session.scalars(select(OutboxMessage.attachment_source)).all() == [None, None]


def test_a_file_that_cannot_be_made_holds_the_mail_back_with_the_error(
    app, consultation, smtp, monkeypatch
):
    attempts = []

    def flaky(reference: str):  # type: ignore[no-untyped-def]
        attempts.append(reference)
        if len(attempts) == 1:
            raise RuntimeError("the PDF could not be drawn")
        return "svar.pdf", "application/pdf", b"%PDF-1.7 ok"

    monkeypatch.setitem(mail._attachment_renderers, "test-file", flaky)
    flaky_id = enqueue_mail(REGISTRAR, "Inkommen handling", "Se bilagan.",
                            attachment_source="test-file:7").id  # fmt: skip
    gone_id = enqueue_mail(REGISTRAR, "Inkommen handling", "Se bilagan.",
                           attachment_source="answer-pdf:999999").id  # fmt: skip
    db.session.commit()

    report = send_due()
    assert (report.sent, report.retried) == (0, 2)
    assert smtp.received == []
    db.session.expire_all()
    for message_id, error in ((flaky_id, "the PDF could not be drawn"), (gone_id, "999999")):
        message = db.session.get(OutboxMessage, message_id)
        assert message.sent_at is None and message.attempts == 1
        assert error in message.last_error and message.next_attempt_at > utcnow()

    report = send_due(now=utcnow() + timedelta(minutes=5))
    assert (report.sent, report.retried) == (1, 1)
    [(_recipients, message)] = smtp.received
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "svar.pdf" and attachment.get_content() == b"%PDF-1.7 ok"
    assert attempts == ["7", "7"]
