"""Mail waiting to be sent, written in the same transaction as what it tells about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kick_forms.extensions import db
from kick_forms.timeutil import utcnow


class OutboxMessage(db.Model):
    __table_args__ = (Index("ix_outbox_message_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker leases a message until this time, so that two workers never send it both.
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A file made when the message is sent, named "kind:reference" (see mail.attachments).
    attachment_source: Mapped[str | None] = mapped_column(String(120))
    # Mail someone may stop getting (a digest): sent with List-Unsubscribe (RFC 2369) naming
    # this address, which unsubscribes with one POST (List-Unsubscribe-Post, RFC 8058).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
