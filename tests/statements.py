"""Counting the SQL statements a piece of work sends, for tests that keep them from growing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from kick_forms.extensions import db


class Statements:
    def __init__(self) -> None:
        self.count = 0
        self.seen: list[str] = []

    def __call__(self, _connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        self.count += 1
        self.seen.append(" ".join(statement.split())[:120])

    def starting(self, prefix: str) -> list[str]:
        """The statements that begin with ``prefix`` ("INSERT INTO organisation ")."""
        return [seen for seen in self.seen if seen.startswith(prefix)]


@contextmanager
def counted() -> Iterator[Statements]:
    statements = Statements()
    event.listen(db.engine, "before_cursor_execute", statements)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", statements)
