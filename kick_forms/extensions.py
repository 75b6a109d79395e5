"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

import fcntl
import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def public_write_limit() -> str:
    """The rate limit of a form anyone may send (``KICK_PUBLIC_WRITE_RATE_LIMIT``), for
    ``@limiter.limit(public_write_limit, methods=["POST"])``."""
    return current_app.config["PUBLIC_WRITE_RATE_LIMIT"]


P = ParamSpec("P")
R = TypeVar("R")

# How the next SQLite transaction begins. Requests that only read use DEFERRED so readers never
# queue behind writers; everything else takes the write lock up front with IMMEDIATE, because a
# deferred read-then-write transaction fails with "database is locked" under concurrent load.
sqlite_begin = ContextVar("sqlite_begin", default="IMMEDIATE")


def reading_first(view: Callable[P, R]) -> Callable[P, R]:
    """For a view that reads what it needs before it writes: its transactions begin DEFERRED
    until it calls ``start_writing``, so on SQLite the write lock is held for the writes only,
    not for loading the consultation and the answer."""

    @functools.wraps(view)
    def reading(*args: P.args, **kwargs: P.kwargs) -> R:
        sqlite_begin.set("DEFERRED")
        return view(*args, **kwargs)

    return reading


def start_writing() -> None:
    """End the view's reads, keeping what they loaded, and begin what follows with the write
    lock (IMMEDIATE on SQLite). What the writes depend on and another request may have changed
    meanwhile must be read again after this, under the lock."""
    _commit_then_begin("IMMEDIATE")


def commit_keeping_loaded() -> None:
    """Commit the request's last write and keep what the session has loaded, unexpired: the page
    that follows (a section just saved) renders from it without reading it all again, and what
    it still reads begins DEFERRED on SQLite, so no page renders while holding the write lock.
    The request's own way of beginning is restored when it ends."""
    _commit_then_begin("DEFERRED")


def _commit_then_begin(mode: str) -> None:
    """Commit without expiring what the session has loaded; the next transaction begins so."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    sqlite_begin.set(mode)


def configure_sqlite(engine: Engine) -> None:
    """Tune SQLite for several workers: WAL, a busy timeout, foreign keys, explicit BEGIN, and
    writers that queue for the write lock in turn.

    ``synchronous=FULL``: in WAL mode NORMAL may lose the last commits on a power cut, and an
    answer we acknowledged must not vanish.

    Writers queue on an advisory lock on a file beside the database (``flock``, one open file
    per connection) before ``BEGIN IMMEDIATE``, and let go when the connection goes back to
    the pool, after the transaction ended. Without
    it, SQLite's busy handler polls with sleeps of up to 100 ms, so under load a writer that
    keeps missing the lock waits for seconds while others get it; in the queue each waits only
    for the writers before it, across threads and gunicorn workers alike. SQLite's own lock
    still guards the data; the queue only orders the writers.
    """
    database = engine.url.database
    lock_path = f"{database}.writers" if database and database != ":memory:" else None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        if lock_path is not None:
            record.info["kick_writer_lock"] = _WriterLock(lock_path)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        lock = record.info.pop("kick_writer_lock", None)
        if lock is not None:
            lock.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        mode = sqlite_begin.get()
        lock = connection.info.get("kick_writer_lock")
        if mode == "IMMEDIATE" and lock is not None:
            lock.acquire()
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        # After the transaction's commit or rollback (the "commit" event comes before the
        # commit itself, which would let the next writer in while this one still writes).
        lock = record.info.get("kick_writer_lock")
        if lock is not None:
            lock.release()


class _WriterLock:
    """One connection's place in the writers' queue: an exclusive ``flock`` on a shared file."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "a+b")  # noqa: SIM115  held as long as the connection lives
        self.held = False

    def acquire(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_EX)
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        self._file.close()
