"""SQLite keeps what it acknowledged: a committed answer survives a power cut."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kick_forms.extensions import db

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_a_request_writes_with_synchronous_full(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL syncs every commit by its own default (synchronous_commit=on)")

    @app.get("/_test/synchronous")
    def _synchronous():  # type: ignore[no-untyped-def]
        journal = db.session.execute(text("PRAGMA journal_mode")).scalar()
        return {
            "synchronous": db.session.execute(text("PRAGMA synchronous")).scalar(),
            "journal": journal,
        }

    body = app.test_client().get("/_test/synchronous").get_json()
    assert body == {"synchronous": FULL, "journal": "wal"}
