"""Health (the process runs), readiness (the database answers, on the code's schema), metrics.

None of these sets a cookie, none is cached, none is rate limited: load balancers and
Prometheus ask often.
"""

from __future__ import annotations

import functools

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, abort, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kick_forms.config import PROJECT_ROOT
from kick_forms.extensions import db
from kick_forms.ops import metrics

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
