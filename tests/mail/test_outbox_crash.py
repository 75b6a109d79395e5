"""A worker that dies, is stopped, or cannot record: the outbox says exactly what was sent.

Every message the SMTP server accepted is marked sent at once, in its own transaction; the
others stay due, and the next run sends only those.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from kick_forms.extensions import db
from kick_forms.mail import services
from kick_forms.mail.services import LEASE, enqueue_mail, send_due
from kick_forms.models import OutboxMessage
from kick_forms.timeutil import utcnow
from tests.conftest import ROOT, free_port

MESSAGE_ID_ID = re.compile(r"\.(\d+)\.outbox@")

BODY = "Tack för ert svar."


class Sink:
    """An SMTP server's handler that counts accepted messages by their outbox id, and can
    break the connection, or act, at the n-th message."""

    def __init__(self) -> None:
        self.accepted: Counter[int] = Counter()
        self.mails = 0
        self.drop_after: int | None = None
        self.on_mail = None  # called with the number of the MAIL command about to be answered
        self.delay = 0.0

    async def handle_MAIL(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]  # noqa: N802
        self.mails += 1
        if self.on_mail is not None:
            self.on_mail(self.mails)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        if self.drop_after is not None and sum(self.accepted.values()) >= self.drop_after:
            server.transport.close()  # the connection dies before the server answers
            return "421 gone"
        if self.delay:
            await asyncio.sleep(self.delay)
        found = MESSAGE_ID_ID.search(envelope.content.decode("utf-8", "replace"))
        self.accepted[int(found.group(1))] += 1
        return "250 Message accepted"


@pytest.fixture
def sink(app):  # type: ignore[no-untyped-def]
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5)
    yield handler
    controller.stop()


def _queue(count: int) -> list[int]:
    ids = [enqueue_mail(f"forening{n}@example.se", f"Kvitto {n}", BODY).id for n in range(count)]
    db.session.commit()
    return ids


def _rows() -> list[OutboxMessage]:
    db.session.commit()  # see the worker's commits
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_connection_that_dies_after_n_messages_leaves_exactly_n_sent(app, sink):
    ids = _queue(10)
    sink.drop_after = 4
    start = utcnow()

    report = send_due(now=start)

    assert report.sent == 4
    rows = _rows()
    sent = [row.id for row in rows if row.sent_at is not None]
    assert sent == ids[:4] == sorted(sink.accepted)
    # The one in hand when the connection died waits its back-off; the others are due now.
    waiting = [row for row in rows if row.sent_at is None]
    assert all(row.locked_until is None and row.failed_at is None for row in waiting)
    assert [row.attempts for row in waiting] == [1] + [0] * 5

    sink.drop_after = None
    again = send_due(now=start + timedelta(minutes=2))

    assert again.sent == 6
    assert all(row.sent_at is not None for row in _rows())
    assert sink.accepted == Counter(dict.fromkeys(ids, 1))


def test_a_killed_worker_leaves_exactly_the_accepted_messages_sent(app, sink, tmp_path):
    """The worker is killed (SIGKILL) while it starts the fourth message: the three the server
    accepted are marked sent, the rest are due once their lease ends, and none goes twice."""
    ids = _queue(8)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "KICK_MAIL_SERVER": "127.0.0.1",
        "KICK_MAIL_PORT": str(app.config["MAIL_PORT"]),
    }
    worker = subprocess.Popen(  # noqa: S603  a fixed command
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "kick_forms", "kick", "outbox"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def kill_at_fourth(number: int) -> None:
        if number == 4:
            worker.kill()
            worker.wait()

    sink.on_mail = kill_at_fourth
    output = worker.communicate(timeout=60)[0].decode()
    assert worker.returncode == -signal.SIGKILL, output

    rows = _rows()
    assert [row.id for row in rows if row.sent_at is not None] == ids[:3] == sorted(sink.accepted)
    # Still leased by the dead worker: no other run takes them before the lease ends ...
    assert send_due().handled == 0
    # ... and then only they are sent.
    sink.on_mail = None
    after = send_due(now=utcnow() + LEASE + timedelta(seconds=1))
    assert after.sent == 5
    assert sink.accepted == Counter(dict.fromkeys(ids, 1))


def test_sigterm_stops_the_worker_after_the_message_in_hand(app, sink):
    ids = _queue(20)
    sink.delay = 0.2  # a slow server: the batch would take four seconds
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.9, os.kill, (os.getpid(), signal.SIGTERM))
    started = time.monotonic()
    timer.start()
    try:
        result = app.test_cli_runner().invoke(args=["kick", "outbox", "--loop", "--interval", "5"])
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous)
    took = time.monotonic() - started

    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("Outbox worker stopped.")
    rows = _rows()
    sent = [row.id for row in rows if row.sent_at is not None]
    assert 1 <= len(sent) < 20 and took < 3, (len(sent), took)
    assert sent == ids[: len(sent)] == sorted(sink.accepted)
    # The rest are given back at once, not left leased for five minutes.
    assert all(row.locked_until is None for row in rows if row.sent_at is None)
    assert send_due().sent == 20 - len(sent)
    assert sink.accepted == Counter(dict.fromkeys(ids, 1))


def test_a_message_accepted_while_the_database_is_busy_is_still_recorded_once(
    app, sink, monkeypatch
):
    ids = _queue(3)
    monkeypatch.setattr(services, "RECORD_RETRY_SECONDS", 0.01)
    commit = db.session.commit
    busy = {"commits": 0}

    def accepted(number: int) -> None:
        if number == 3:  # the server has accepted the second message; recording it fails twice
            busy["commits"] = 2

    def busy_commit() -> None:
        if busy["commits"]:
            busy["commits"] -= 1
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
        commit()

    sink.on_mail = accepted
    monkeypatch.setattr(db.session, "commit", busy_commit)
    report = send_due()
    monkeypatch.setattr(db.session, "commit", commit)

    assert report.sent == 3
    assert all(row.sent_at is not None for row in _rows())
    assert send_due(now=utcnow() + LEASE + timedelta(seconds=1)).handled == 0
    assert sink.accepted == Counter(dict.fromkeys(ids, 1))
