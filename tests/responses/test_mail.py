"""The mail an organisation gets: the private link when it starts, a receipt when it sends."""

from __future__ import annotations

from datetime import timedelta

from aiosmtpd.controller import Controller

from kick_forms.mail.services import send_due
from kick_forms.timeutil import utcnow
from tests.conftest import Collector
from tests.responses.conftest import nonce_on, start


def _answer_everything(client, consultation) -> str:
    questions = {q.label: q for q in consultation.questions}
    token = start(client)
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Uppvidinge"})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "4"})
    return token


def test_the_receipt_arrives_once_with_the_answers_and_the_link(app, client, consultation, smtp):
    token = _answer_everything(client, consultation)
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    client.post(f"/respond/{token}/submit", data={"nonce": nonce})
    client.post(f"/respond/{token}/submit", data={"nonce": nonce})  # a retry

    send_due()
    send_due()
    subjects = [message["Subject"] for _, message in smtp.received]
    assert len(subjects) == 2  # the private link, then one receipt
    assert subjects[1].startswith("Kvitto")
    recipients, receipt = smtp.received[1]
    assert recipients == ["karin@example.se"]
    text = receipt.get_body(("plain",)).get_content()
    assert text.startswith("Hej Karin Andersson!")
    assert "Uppvidinge" in text and "4 av 5" in text
    assert f"/respond/{token}" in text
    assert "KF-" in text


def test_when_the_mail_server_is_down_the_receipt_waits(app, client, consultation, smtp_down):
    token = _answer_everything(client, consultation)
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    assert client.post(f"/respond/{token}/submit", data={"nonce": nonce}).status_code == 303
    report = send_due()
    assert report.sent == 0

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=app.config["MAIL_PORT"])
    controller.start()
    try:
        later = utcnow() + timedelta(hours=7)
        while send_due(now=later).handled:
            pass
    finally:
        controller.stop()
    subjects = [message["Subject"] for _, message in collector.received]
    assert sum(subject.startswith("Kvitto") for subject in subjects) == 1
