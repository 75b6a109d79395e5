"""The mail outbox: queue mail with the event that causes it, send it later over SMTP.

A message is written in the same transaction as what it tells about, so mail is never sent for
something that was rolled back, and never lost because the mail server was down when it
happened. ``send_due`` is the worker's half: it may run in several processes on several
machines, and a lease on each message keeps them from sending one message twice.

Each message is recorded as sent in its own transaction the moment the server has accepted it,
so a worker that dies mid-batch leaves exactly the accepted messages marked sent; a worker asked
to stop finishes the message in hand and gives the rest back at once. What remains is the moment
between the server's "250" and that commit: a message accepted then can go out twice, with the
same ``Message-ID``.

A message may carry a file made when it is sent (an answer as PDF), named by the message's
``attachment_source`` as "kind:reference". The area that knows how to make a kind registers it
with ``register_attachment`` at start; this module knows no area. A file that cannot be made
holds the message back like a refusing server would: tried again later, with the error kept.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError

from kick_forms.extensions import db, sqlite_begin
from kick_forms.models import OutboxMessage
from kick_forms.timeutil import to_local, utcnow

logger = logging.getLogger("kick_forms.mail")

# How long a worker owns the messages it picked; a crashed worker's messages are due again after.
LEASE = timedelta(minutes=5)
# Stop sending well before the lease runs out, so another worker never picks a message up
# while this one is still sending it.
SENDING_WINDOW_SECONDS = LEASE.total_seconds() / 2
MAX_RETRY_DELAY = timedelta(hours=6)
ERROR_LENGTH = 500
# A message the server accepted must be recorded as sent, or it goes out again: a busy or
# briefly absent database gets a few more tries, this many seconds apart (growing).
RECORD_ATTEMPTS = 4
RECORD_RETRY_SECONDS = 0.5

# Line breaks of every kind (str.split() knows them all) and the other control characters, and
# the marks that turn text around (a name could make a link read backwards).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# The server refused this one message; the connection is still good for the next.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


# What a registered kind makes of a reference: (file name, media type, content), or None when
# the thing it names is gone.
AttachmentFile = tuple[str, str, bytes]
AttachmentRenderer = Callable[[str], AttachmentFile | None]
_attachment_renderers: dict[str, AttachmentRenderer] = {}


class AttachmentUnavailable(Exception):
    """The file a message should carry could not be made now."""


def register_attachment(kind: str, render: AttachmentRenderer) -> None:
    """Let messages whose ``attachment_source`` is "kind:reference" carry what ``render`` makes
    of the reference when they are sent."""
    _attachment_renderers[kind] = render


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried


@dataclass(frozen=True)
class _Mail:
    """What a leased message needs for sending, read before its lease is committed."""

    id: int
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    created_at: datetime
    attachment_source: str | None = None
    unsubscribe_url: str | None = None


def one_line(value: object) -> str:
    """A value someone typed (a name, a title) as one line of plain text, for a mail's subject
    or body: a line break in it must not start a line of its own in an official message."""
    return _INVISIBLE.sub("", " ".join(str(value if value is not None else "").split()))


def enqueue_mail(
    to_address: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    now: datetime | None = None,
    attachment_source: str | None = None,
    unsubscribe_url: str | None = None,
) -> OutboxMessage:
    """Queue a message in the caller's transaction, so it is sent only if the event commits.

    The subject is folded to one line: it is made of names and titles people typed.
    ``attachment_source`` ("kind:reference", see ``register_attachment``) names a file made
    when the message is sent.
    """
    # A line break in the address would fail at every sending attempt; refuse it while the
    # caller can still tell the user.
    if any(ch in to_address for ch in "\r\n"):
        raise ValueError("The address must be a single line.")
    subject = one_line(subject)
    now = now or utcnow()
    message = OutboxMessage(
        to_address=to_address.strip(),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        created_at=now,
        next_attempt_at=now,
        attachment_source=attachment_source,
        unsubscribe_url=unsubscribe_url,
    )
    db.session.add(message)
    db.session.flush()
    logger.debug("Queued outbox message %d", message.id)
    return message


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after a failed attempt: 1, 2, 4, ... minutes, at most six hours."""
    minutes = 2 ** min(max(attempts - 1, 0), 20)
    return min(timedelta(minutes=minutes), MAX_RETRY_DELAY)


def send_due(
    now: datetime | None = None, limit: int = 50, stop: threading.Event | None = None
) -> SendReport:
    """Send the mail that is due, committing after each message so that a crash loses nothing.

    Unlike other services this one owns its transactions, so call it outside any unit of work
    (the ``flask kick outbox`` command does). It commits whatever the session holds first.
    Once ``stop`` is set, the message in hand is finished and the rest are given back.
    """
    now = now or utcnow()
    report = SendReport()
    # Every transaction here writes; on SQLite take the write lock up front, which also makes
    # picking and leasing atomic between workers.
    token = sqlite_begin.set("IMMEDIATE")
    try:
        # End any read the caller began, so that the lease starts a transaction of its own.
        db.session.commit()
        batch = _lease_due(now, limit)
        if batch:
            _send_batch(batch, now, report, stop or threading.Event())
    finally:
        sqlite_begin.reset(token)
    if report.handled:
        logger.info(
            "Outbox run: %d sent, %d to retry, %d failed",
            report.sent,
            report.retried,
            report.failed,
        )
    return report


def _lease_due(now: datetime, limit: int) -> list[_Mail]:
    due = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        # PostgreSQL: rows another worker is leasing right now are skipped, not waited for.
        # SQLite has no row locks (the clause is left out); its write lock does the same.
        .with_for_update(skip_locked=True)
    )
    messages = db.session.scalars(due).all()
    batch = [
        _Mail(
            m.id, m.to_address, m.subject, m.body_text, m.body_html, m.created_at,
            m.attachment_source, m.unsubscribe_url,
        )
        for m in messages
    ]  # fmt: skip
    for message in messages:
        message.locked_until = now + LEASE
    db.session.commit()
    return batch


def _send_batch(
    batch: Sequence[_Mail], now: datetime, report: SendReport, stop: threading.Event
) -> None:
    config = current_app.config
    started = time.monotonic()
    smtp: smtplib.SMTP | None = None
    try:
        for index, mail in enumerate(batch):
            if stop.is_set():
                # Asked to stop (SIGTERM): the next worker may send these at once.
                _release(batch[index:])
                logger.info("Outbox run stopped; %d messages given back", len(batch) - index)
                return
            if time.monotonic() - started > SENDING_WINDOW_SECONDS:
                _release(batch[index:])
                logger.warning("Outbox run took too long; %d messages left", len(batch) - index)
                return
            try:
                email = _build_email(mail, config, now)
            except ValueError as exc:
                # Building fails the same way every time: no point in trying again.
                _record_failure(mail, exc, now, report, permanent=True)
                continue
            try:
                _attach(email, mail.attachment_source)
            except Exception as exc:
                # Never sent without its file: the next run tries to make it again.
                db.session.rollback()
                logger.warning(
                    "The file of outbox message %d could not be made (%s)",
                    mail.id,
                    type(exc).__name__,
                )
                _record_failure(mail, exc, now, report)
                continue
            try:
                if smtp is None:
                    smtp = _connect(config)
                smtp.send_message(email)
            except MESSAGE_ERRORS as exc:
                _record_failure(mail, exc, now, report)
                continue
            except OSError as exc:
                # Unreachable, timed out, disconnected or refusing our login: the remaining
                # messages would fail the same way. Leave them due for the next run.
                _record_failure(mail, exc, now, report)
                _release(batch[index + 1 :])
                logger.warning(
                    "SMTP server unavailable (%s); %d messages left for the next run",
                    type(exc).__name__,
                    len(batch) - index - 1,
                )
                return
            except Exception as exc:
                # Recorded like any failure, so one odd message cannot stop the worker on
                # every run; it is retried with back-off and eventually marked failed.
                # Only the class is logged: an exception's text may quote an address.
                logger.error("Unexpected %s sending outbox message %d", type(exc).__name__, mail.id)
                _record_failure(mail, exc, now, report)
                continue
            _record_sent(mail, now)
            report.sent += 1
    finally:
        if smtp is not None:
            _close(smtp)


def _build_email(mail: _Mail, config: Mapping[str, Any], now: datetime) -> EmailMessage:
    sender = config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = mail.to_address
    email["Subject"] = mail.subject
    email["Date"] = format_datetime(to_local(now))
    # The same id on every attempt, so a receiver can drop the copy of a message that was sent
    # but not recorded as sent before a crash.
    email["Message-ID"] = f"<{mail.created_at:%Y%m%d%H%M%S}.{mail.id}.outbox@{domain}>"
    if mail.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps the message 7-bit, which every server accepts, and å, ä, ö intact.
    email.set_content(mail.body_text, charset="utf-8", cte="quoted-printable")
    if mail.body_html is not None:
        email.add_alternative(
            mail.body_html, subtype="html", charset="utf-8", cte="quoted-printable"
        )
    return email


def _attach(email: EmailMessage, source: str | None) -> None:
    """Add the file the message's source names, made now; raise if it cannot be made."""
    if not source:
        return
    kind, _sep, reference = source.partition(":")
    render = _attachment_renderers.get(kind)
    if render is None:
        raise AttachmentUnavailable(f"no maker for files of kind {kind!r}")
    made = render(reference)
    if made is None:
        raise AttachmentUnavailable(f"{source} names nothing that exists")
    filename, mimetype, data = made
    maintype, _sep, subtype = mimetype.partition("/")
    email.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    smtp: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except OSError:  # smtplib's errors are OSErrors too
        smtp.close()


def _record_sent(mail: _Mail, now: datetime) -> None:
    """Mark one accepted message as sent, in a transaction of its own, right away."""
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == mail.id)
                .values(sent_at=now, locked_until=None, last_error=None)
            )
            db.session.commit()
            break
        except DBAPIError as exc:
            db.session.rollback()
            if attempt == RECORD_ATTEMPTS:
                logger.error(
                    "Outbox message %d was sent but could not be recorded (%s); it may go out "
                    "again after its lease",
                    mail.id,
                    type(exc).__name__,
                )
                raise
            logger.warning(
                "Recording outbox message %d as sent failed (%s); trying again",
                mail.id,
                type(exc).__name__,
            )
            time.sleep(RECORD_RETRY_SECONDS * attempt)
    logger.info("Sent outbox message %d", mail.id)


def _record_failure(
    mail: _Mail, error: Exception, now: datetime, report: SendReport, permanent: bool = False
) -> None:
    message = db.session.get_one(OutboxMessage, mail.id)
    message.attempts += 1
    # The class and the server's reply help the operator; the message itself is not in it.
    message.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    message.locked_until = None
    if permanent or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.failed_at = now
        report.failed += 1
        logger.error(
            "Outbox message %d failed after %d attempts (%s)",
            mail.id,
            message.attempts,
            type(error).__name__,
        )
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        report.retried += 1
        logger.warning(
            "Outbox message %d not sent, attempt %d (%s); next try at %s UTC",
            mail.id,
            message.attempts,
            type(error).__name__,
            message.next_attempt_at.isoformat(timespec="seconds"),
        )
    db.session.commit()


def _release(batch: Sequence[_Mail]) -> None:
    """Give messages back before their lease ends, so the next run can send them at once."""
    if not batch:
        return
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([mail.id for mail in batch]))
        .values(locked_until=None)
    )
    db.session.commit()
