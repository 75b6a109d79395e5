"""Outgoing mail: an outbox table written with the event, and a worker that sends it."""
