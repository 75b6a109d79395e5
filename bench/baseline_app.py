"""The floor for the submissions benchmark: the least a web app can do to accept a submission.

Flask and SQLAlchemy Core, one table, one POST that inserts one row in its own transaction and
answers 303, like KICK's submit. Nothing of KICK Forms is imported, so the ratio between the two
shows what KICK's own work costs on top of the stack both share. Served by gunicorn with
KICK's ``gunicorn.conf.py``::

    BASELINE_DATABASE_URL=sqlite:////tmp/baseline.sqlite3 \\
        gunicorn -c gunicorn.conf.py --pythonpath bench 'baseline_app:create_app()'
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, abort, redirect, request
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, create_engine
from sqlalchemy import event as sqlalchemy_event

metadata = MetaData()

submissions = Table(
    "bench_baseline_submission",
    metadata,
    Column("id", Integer, primary_key=True),
    # Unique like KICK's submit nonce, so both pay for the same kind of index.
    Column("nonce", String(64), nullable=False, unique=True),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)


# SQLite's synchronous setting: KICK's (FULL) unless the benchmark measures another.
SYNCHRONOUS = os.environ.get("BASELINE_SQLITE_SYNCHRONOUS", "FULL").upper()


def create_database_engine(url: str) -> Engine:
    """An engine with the SQLite settings KICK uses, so that the comparison is of apps, not
    of database settings: WAL, synchronous=FULL (or ``BASELINE_SQLITE_SYNCHRONOUS``), a busy
    timeout and BEGIN IMMEDIATE."""
    if SYNCHRONOUS not in ("FULL", "NORMAL"):
        raise ValueError(f"BASELINE_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not {SYNCHRONOUS}")
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @sqlalchemy_event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", f"synchronous={SYNCHRONOUS}", "busy_timeout=10000"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @sqlalchemy_event.listens_for(engine, "begin")
        def _on_begin(connection):  # type: ignore[no-untyped-def]
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_app(database_url: str | None = None) -> Flask:
    engine = create_database_engine(database_url or os.environ["BASELINE_DATABASE_URL"])
    app = Flask(__name__)

    @app.get("/")
    def index() -> str:
        return "ok"

    @app.post("/submit")
    def submit():  # type: ignore[no-untyped-def]
        nonce = request.form.get("nonce", "")
        if not 16 <= len(nonce) <= 64:
            abort(400)
        with engine.begin() as connection:
            result = connection.execute(
                submissions.insert().values(nonce=nonce, submitted_at=datetime.now(UTC))
            )
        return redirect(f"/submissions/{result.inserted_primary_key[0]}", code=303)

    return app
