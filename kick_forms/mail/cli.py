"""``flask kick outbox``: the worker that sends queued mail."""

from __future__ import annotations

import logging
import signal
import threading

import click
from sqlalchemy.exc import SQLAlchemyError

from kick_forms.cli import kick
from kick_forms.extensions import db
from kick_forms.mail.services import SendReport, send_due

logger = logging.getLogger("kick_forms.mail")

BATCH_SIZE = 50


@kick.command("outbox")
@click.option("--loop", is_flag=True, help="Keep running until stopped (SIGTERM or Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait between runs with --loop.",
)
def outbox(loop: bool, interval: float) -> None:
    """Send the mail that is due; with --loop, keep sending as it becomes due."""
    if not loop:
        _echo(_send_all(threading.Event()))
        return
    stop = threading.Event()
    # Finish the message in hand, then stop (the rest of its batch is given back at once): a
    # message is never left half recorded, and a stop is quick whatever the batch.
    previous = {
        signum: signal.signal(signum, lambda *_: stop.set())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    click.echo(f"Sending queued mail every {interval:g} s; stop with Ctrl-C or SIGTERM.")
    try:
        while not stop.is_set():
            try:
                report = _send_all(stop)
            except SQLAlchemyError as exc:
                # A database that is briefly away must not end the worker; the leases of
                # anything picked expire and the next run takes it up again.
                db.session.rollback()
                logger.warning("Outbox run failed (%s); trying again", type(exc).__name__)
            else:
                if report.handled:
                    _echo(report)
            stop.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo("Outbox worker stopped.")


def _send_all(stop: threading.Event) -> SendReport:
    """Send batch after batch while full batches keep coming, so a backlog clears at once."""
    total = SendReport()
    while True:
        report = send_due(limit=BATCH_SIZE, stop=stop)
        total.sent += report.sent
        total.failed += report.failed
        total.retried += report.retried
        if report.handled < BATCH_SIZE or stop.is_set():
            return total


def _echo(report: SendReport) -> None:
    click.echo(f"Outbox: {report.sent} sent, {report.retried} to retry, {report.failed} failed.")
