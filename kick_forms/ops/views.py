"""Health (the process runs), readiness (the database answers, on the code's schema, and what
the app writes can be written), metrics.

None of these sets a cookie, none is cached, none is rate limited: load balancers and
Prometheus ask often.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, abort, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kick_forms.config import PROJECT_ROOT
from kick_forms.extensions import db
from kick_forms.ops import faults, metrics

bp = Blueprint("ops", __name__)


@functools.cache
def head_revision() -> str | None:
    """The newest migration in the code, read once per process."""
    return ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()


def _no_store(response: Response, status: int = 200) -> tuple[Response, int]:
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _database_revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _write_fault() -> str | None:
    """Why nothing could be saved now, or None: a small file written and synced where the app
    writes (the instance folder, SQLite's folder), then a write in the database, rolled back.

    A full disk lets every read through, so ``SELECT 1`` alone would call the app ready.
    """
    folders = {Path(current_app.instance_path)}
    if db.engine.dialect.name == "sqlite" and db.engine.url.database:
        folders.add(Path(db.engine.url.database).resolve().parent)
    for folder in sorted(folders):
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".kick-readyz-") as probe:
                probe.write(b"\0" * 4096)
                probe.flush()
                os.fsync(probe.fileno())
        except OSError as error:
            return str(faults.unavailable(error) or faults.Unavailable.DISK)
    if db.engine.dialect.name == "sqlite":
        # A temporary table: no wait for SQLite's one write lock (the file was tried above).
        probe = ["CREATE TEMPORARY TABLE kick_readyz_probe (n INTEGER)",
                 "INSERT INTO kick_readyz_probe (n) VALUES (1)"]  # fmt: skip
    else:
        # A row of our own, unchanged: refused by a read-only or failing server.
        probe = ["UPDATE alembic_version SET version_num = version_num"]
    try:
        with db.engine.connect() as connection, connection.begin() as transaction:
            for statement in probe:
                connection.execute(text(statement))
            transaction.rollback()
    except SQLAlchemyError as error:
        reason = faults.unavailable(error)
        return str(reason) if reason else "database not writable"
    return None


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return _no_store(jsonify(status="unavailable", reason="database unreachable"), 503)
    current, head = _database_revision(), head_revision()
    if current != head:
        body = jsonify(
            status="unavailable", reason="migrations not current", database=current, code=head
        )
        return _no_store(body, 503)
    fault = _write_fault()
    if fault is not None:
        return _no_store(jsonify(status="unavailable", reason=fault), 503)
    return _no_store(jsonify(status="ok", revision=head))


@bp.get("/metrics")
def prometheus():  # type: ignore[no-untyped-def]
    if not current_app.config["METRICS_ENABLED"]:
        abort(404)
    if not metrics.client_allowed():
        abort(403)
    response = Response(metrics.exposition(), mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
    return _no_store(response)
