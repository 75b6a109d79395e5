"""KICK Forms as ``wsgi.py`` serves it, but with SQLite's ``synchronous=NORMAL``.

Only for measuring what ``synchronous=FULL`` (KICK's setting) costs: ``bench/submissions.py
--sqlite-synchronous both`` serves the app both ways in one run. NORMAL in WAL mode may lose
the last acknowledged commits on a power cut, so nothing else may use it::

    gunicorn -c gunicorn.conf.py --pythonpath bench 'sqlite_normal_app:create_app()'
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from kick_forms import create_app as create_kick_app
from kick_forms.extensions import db


def create_app() -> Flask:
    app = create_kick_app()
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            raise RuntimeError("sqlite_normal_app is for SQLite only")

        # Runs after KICK's own connect listener (registered first), so NORMAL wins.
        @event.listens_for(db.engine, "connect")
        def _normal(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    return app
