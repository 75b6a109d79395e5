"""The mail outbox: queued with the event, sent by a worker, never lost when SMTP is down."""
