"""The outbox against a real SMTP server (aiosmtpd) running in the test process."""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.mail.services import LEASE, SendReport, enqueue_mail, retry_delay, send_due
from kick_forms.models import OutboxMessage
from kick_forms.timeutil import utcnow
from tests.conftest import Collector, at_once, free_port

ADDRESS = "kassör@förening.example.se"
SUBJECT = "Tack för ert svar på kulturplanen – Region Kronoberg"
BODY = "Hej!\n\nVi har tagit emot ert svar. Här är länken: https://example.se/respond/x\n\nÅÄÖ åäö"
HTML = "<p>Hej! Vi har tagit emot ert svar. <strong>Åäö</strong></p>"


def queue(to_address: str = ADDRESS, body_html: str | None = None, **kwargs) -> int:  # type: ignore[no-untyped-def]
    message = enqueue_mail(to_address, SUBJECT, BODY, body_html, **kwargs)
    db.session.commit()
    return message.id


def stored(message_id: int) -> OutboxMessage:
    db.session.commit()  # see the worker's commits, not an older snapshot
    return db.session.get_one(OutboxMessage, message_id)


def test_queued_mail_arrives_once_with_swedish_text_intact(app, smtp):
    message_id = queue()

    report = send_due()

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    assert len(smtp.received) == 1
    recipients, received = smtp.received[0]
    assert recipients == [ADDRESS]
    assert received["Subject"] == SUBJECT
    assert received["To"] == ADDRESS
    assert received["From"] == app.config["MAIL_FROM"]
    assert received["Message-ID"].endswith(".outbox@localhost>")
    assert received["Date"]
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    assert received.get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    assert stored(message_id).sent_at is not None

    assert send_due().handled == 0
    assert send_due(now=utcnow() + timedelta(days=2)).handled == 0
    assert len(smtp.received) == 1


def test_html_is_sent_as_an_alternative_to_the_text(app, smtp):
    queue(to_address="ordforande@example.se", body_html=HTML)

    send_due()

    [(_, received)] = smtp.received
    assert received.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in received.iter_parts()}
    assert parts["text/plain"].replace("\r\n", "\n").rstrip("\n") == BODY
    assert parts["text/html"].rstrip("\r\n") == HTML


def test_mail_is_not_sent_before_the_event_commits(app, smtp):
    enqueue_mail(ADDRESS, SUBJECT, BODY)
    db.session.rollback()

    assert send_due().handled == 0
    assert smtp.received == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_line_break_in_the_address_is_refused_when_queued(app):
    with pytest.raises(ValueError):
        enqueue_mail("anna@example.se\r\nBcc: someone@example.se", SUBJECT, BODY)


def test_nothing_is_lost_while_the_mail_server_is_down(app, smtp_down):
    start = utcnow()
    message_id = queue(now=start)

    report = send_due(now=start)

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    message = stored(message_id)
    assert message.attempts == 1
    assert message.sent_at is None and message.failed_at is None
    assert message.locked_until is None
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at == start + timedelta(minutes=1)
    assert send_due(now=start + timedelta(seconds=30)).handled == 0

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=app.config["MAIL_PORT"])
    controller.start()
    try:
        report = send_due(now=message.next_attempt_at + timedelta(seconds=1))
        again = send_due(now=message.next_attempt_at + timedelta(hours=1))
    finally:
        controller.stop()

    assert report.sent == 1
    assert again.handled == 0
    assert len(collector.received) == 1
    assert collector.received[0][1]["Subject"] == SUBJECT
    assert stored(message_id).sent_at is not None


def test_a_run_stops_at_the_first_unreachable_server_and_leaves_the_rest_due(app, smtp_down):
    start = utcnow()
    first, second, third = (queue(now=start) for _ in range(3))

    report = send_due(now=start)

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    assert stored(first).attempts == 1
    for untouched in (second, third):
        message = stored(untouched)
        assert message.attempts == 0
        assert message.locked_until is None
        assert message.next_attempt_at == start
    assert send_due(now=start).retried == 1
    assert stored(second).attempts == 1


def test_back_off_grows_then_the_message_is_marked_failed(app, smtp_down):
    now = utcnow()
    message_id = queue(now=now)
    delays = []

    for _ in range(app.config["MAIL_MAX_ATTEMPTS"] - 1):
        assert send_due(now=now).retried == 1
        message = stored(message_id)
        delays.append(message.next_attempt_at - now)
        now = message.next_attempt_at

    assert delays == [timedelta(minutes=2**n) for n in range(9)]
    report = send_due(now=now)
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    message = stored(message_id)
    assert message.attempts == 10
    assert message.failed_at == now
    assert send_due(now=now + timedelta(days=30)).handled == 0
    assert stored(message_id).attempts == 10


def test_the_attempt_limit_is_configurable_and_the_delay_is_capped(app, smtp_down):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    now = utcnow()
    message_id = queue(now=now)

    send_due(now=now)
    assert send_due(now=now + timedelta(minutes=1)).failed == 1
    assert stored(message_id).failed_at is not None
    assert retry_delay(9) == timedelta(minutes=256)
    assert retry_delay(10) == timedelta(hours=6)
    assert retry_delay(1000) == timedelta(hours=6)


def test_a_message_leased_by_another_worker_is_not_sent(app, smtp):
    now = utcnow()
    message_id = queue(now=now)
    message = stored(message_id)
    message.locked_until = now + timedelta(minutes=3)
    db.session.commit()

    assert send_due(now=now).handled == 0
    assert smtp.received == []

    # A worker that died holding the lease holds it only until the lease ends.
    assert send_due(now=now + LEASE).sent == 1
    assert len(smtp.received) == 1


def test_a_message_another_worker_is_picking_is_skipped_on_postgresql(app, smtp):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks exist on PostgreSQL only; SQLite serialises writers")
    message_id = queue()

    with db.engine.connect() as other_worker:
        other_worker.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == message_id).with_for_update()
        )
        assert send_due().handled == 0
        other_worker.rollback()

    assert send_due().sent == 1
    assert len(smtp.received) == 1


def test_the_cli_sends_due_mail_and_prints_counts(app, smtp):
    queue()
    queue(to_address="sekreterare@example.se", body_html=HTML)

    result = app.test_cli_runner().invoke(args=["kick", "outbox"])

    assert result.exit_code == 0, result.output
    assert "Outbox: 2 sent, 0 to retry, 0 failed." in result.output
    assert len(smtp.received) == 2


def test_the_cli_clears_a_backlog_larger_than_one_batch(app, smtp):
    for _ in range(55):
        enqueue_mail(ADDRESS, SUBJECT, BODY)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["kick", "outbox"])

    assert "Outbox: 55 sent, 0 to retry, 0 failed." in result.output
    assert len(smtp.received) == 55


def test_the_cli_loop_stops_cleanly_on_sigterm(app, smtp):
    queue()
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        result = app.test_cli_runner().invoke(
            args=["kick", "outbox", "--loop", "--interval", "0.2"]
        )
    finally:
        timer.cancel()

    assert result.exit_code == 0, result.output
    assert "Outbox: 1 sent, 0 to retry, 0 failed." in result.output
    assert result.output.rstrip().endswith("Outbox worker stopped.")
    assert len(smtp.received) == 1
    assert signal.getsignal(signal.SIGTERM) is previous


def test_logs_name_no_address_and_no_body(app, smtp, caplog):
    caplog.set_level(logging.DEBUG, logger="kick_forms.mail")
    queue(body_html=HTML)
    send_due()
    app.config["MAIL_PORT"] = free_port()
    queue(to_address="kontakt@example.se")
    send_due()

    records = [r for r in caplog.records if r.name.startswith("kick_forms")]
    assert any("Sent outbox message" in r.getMessage() for r in records)
    assert any("not sent" in r.getMessage() for r in records)
    logged = "\n".join(r.getMessage() for r in records) + repr([r.args for r in records])
    for secret in (ADDRESS, "kontakt@example.se", "förening", BODY, "tagit emot", HTML, SUBJECT):
        assert secret not in logged


def test_workers_running_at_once_send_each_message_once(app, smtp):
    """Three workers (as on three machines, each with its own connection) start together on
    a backlog in small batches: every message arrives exactly once."""
    ids = [queue(to_address=f"forening{n}@example.se") for n in range(40)]

    def worker() -> list[SendReport]:
        reports = []
        while (report := send_due(limit=4)).handled:
            reports.append(report)
        return reports

    reports = [report for per_worker in at_once(app, 3, worker) for report in per_worker]

    received = [message["Message-ID"] for _, message in smtp.received]
    assert len(received) == len(set(received)) == 40
    assert sum(report.sent for report in reports) == 40
    assert all(stored(message_id).sent_at is not None for message_id in ids)
