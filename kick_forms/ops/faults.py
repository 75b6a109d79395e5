"""Faults of what the app stands on (the database, the disk), told apart from bugs.

While the database is down or a disk is full, a request cannot succeed, however it is made:
the visitor gets 503 with ``Retry-After`` and a page that says so, not "something went wrong".
Everything else unexpected is a bug: 500, and logged with its traceback.

Exception messages from the database can quote what was stored (PostgreSQL's ``DETAIL: Key
(email)=(...)`` or ``Failing row contains (...)``), so ``safe_message`` is what logs show of
them: the SQLSTATE, constraint, table and column, never the values.
"""

from __future__ import annotations

import enum
import errno
import re
import sqlite3
import traceback
from collections.abc import Iterator

from sqlalchemy import exc as sa_exc

from kick_forms.accesslog import redact

# What a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30

_EMAIL = re.compile(r"[^\s@<>\"'()=,]+@[^\s@<>\"'()=,]+\.[A-Za-z]{2,}")
_STATEMENT_CHARS = 2000


class Unavailable(enum.StrEnum):
    DATABASE = "database unreachable"
    DISK_FULL = "disk full"
    DISK = "storage not writable"


_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_DISK_ERRNOS = {errno.EIO, errno.EROFS}

# SQLite says what went wrong in its message (the driver keeps no error code before 3.11's
# sqlite_errorcode, which is not always set).
_SQLITE_DISK_FULL = ("database or disk is full",)
_SQLITE_UNAVAILABLE = (
    "disk i/o error",
    "unable to open database file",
    "database is locked",
    "attempt to write a readonly database",
    "locking protocol",
)

# PostgreSQL's SQLSTATE classes that are about the server, not the statement: connection
# exceptions, insufficient resources (53100 is disk full), operator intervention (shutdown),
# system errors (I/O).
_PG_UNAVAILABLE_CLASSES = ("08", "53", "57", "58")
_PG_DISK_FULL = "53100"


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (SQLAlchemy's ``orig``), and what caused it."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]


def _sqlstate(error: BaseException) -> str | None:
    return getattr(error, "sqlstate", None)


def _is_psycopg(error: BaseException) -> bool:
    return type(error).__module__.startswith("psycopg")


def unavailable(error: BaseException) -> Unavailable | None:
    """Which fault of the platform the error is, or None for anything else."""
    for cause in _chain(error):
        if isinstance(cause, OSError) and not isinstance(cause, sa_exc.SQLAlchemyError):
            if cause.errno in _DISK_FULL_ERRNOS:
                return Unavailable.DISK_FULL
            if cause.errno in _DISK_ERRNOS:
                return Unavailable.DISK
        if isinstance(cause, (sa_exc.TimeoutError, sa_exc.DisconnectionError)):
            return Unavailable.DATABASE
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return Unavailable.DATABASE
        if isinstance(cause, sqlite3.Error):
            text = str(cause).lower()
            if any(phrase in text for phrase in _SQLITE_DISK_FULL):
                return Unavailable.DISK_FULL
            if any(phrase in text for phrase in _SQLITE_UNAVAILABLE):
                return Unavailable.DATABASE
        if _is_psycopg(cause) and type(cause).__name__ in ("OperationalError", "InterfaceError"):
            return Unavailable.DATABASE  # the client's own: no connection, connection lost
        state = _sqlstate(cause)
        if state == _PG_DISK_FULL:
            return Unavailable.DISK_FULL
        if state and state.startswith(_PG_UNAVAILABLE_CLASSES):
            return Unavailable.DATABASE
    return None


def safe_message(error: BaseException) -> str:
    """What a log may show of an exception's message: no stored values, no e-mail address, no
    private link."""
    if isinstance(error, sa_exc.StatementError):
        orig = error.orig
        inner = f"({type(orig).__module__}.{type(orig).__name__}) {safe_message(orig)}"
        statement = (error.statement or "")[:_STATEMENT_CHARS]
        return f"{inner}\n[SQL: {_scrub(statement)}]"
    if _is_psycopg(error):
        state = _sqlstate(error)
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        if state is None or state.startswith(_PG_UNAVAILABLE_CLASSES):
            return _scrub(first)  # about the server or the connection, not about any data
        diag = getattr(error, "diag", None)
        names = [
            f"{label} {value}"
            for label, value in (
                ("table", getattr(diag, "table_name", None)),
                ("column", getattr(diag, "column_name", None)),
                ("constraint", getattr(diag, "constraint_name", None)),
            )
            if value
        ]
        return f"SQLSTATE {state}" + (f" ({', '.join(names)})" if names else "")
    return _scrub(str(error))


def _scrub(text: str) -> str:
    return _EMAIL.sub("[email]", redact(text))


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def safe_traceback(error: BaseException) -> str:
    """The traceback as Python prints it, with each message replaced by ``safe_message``."""
    # Outermost first; each with the words that lead from it to the exception before it.
    chain: list[tuple[BaseException, str]] = []
    current: BaseException | None = error
    link = ""
    while current is not None and all(current is not seen for seen, _ in chain):
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    parts: list[str] = []
    for exception, link in reversed(chain):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exception.__traceback__))
        name = type(exception).__qualname__
        if type(exception).__module__ not in ("builtins", "__main__"):
            name = f"{type(exception).__module__}.{name}"
        message = safe_message(exception)
        parts.append(f"{name}: {message}\n" if message else f"{name}\n")
        parts.append(link)
    return "".join(parts).rstrip("\n")
