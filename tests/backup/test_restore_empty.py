"""A restore into a fresh, empty database: what docs/backups.md recommends for testing backups."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kick_forms.extensions import db
from tests.conftest import make_app, make_consultation, postgresql_server, worker_suffix

SCRATCH = f"kick_ops_restore{worker_suffix()}"


def _backup_of_the_test_database(app, directory: Path) -> Path:  # type: ignore[no-untyped-def]
    make_consultation(slug="i-backupen")
    made = app.test_cli_runner().invoke(args=["kick", "backup", "--to", str(directory)])
    assert made.exit_code == 0, made.output
    [backup] = [p for p in directory.iterdir() if not p.name.startswith(".")]
    return backup


def _slugs(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(text("SELECT slug FROM consultation")))
    finally:
        engine.dispose()


@contextlib.contextmanager
def _scratch_postgresql(url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the same server, dropped afterwards."""
    server_url = postgresql_server(url)
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {SCRATCH}")
    try:
        yield make_url(url).set(database=SCRATCH).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def _restore(url: str, backup: Path, safety: Path):  # type: ignore[no-untyped-def]
    target = make_app(url, BACKUP_DIR=str(safety))
    # Its own app context: the command must not run against the test's database.
    with target.app_context():
        return target.test_cli_runner().invoke(args=["kick", "restore", str(backup), "--yes"])


def test_restore_into_a_fresh_postgresql_database(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("the PostgreSQL case; the SQLite case is the next test")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (postgresql-client)")
    backup = _backup_of_the_test_database(app, tmp_path / "backups")
    db.session.commit()

    with _scratch_postgresql(url) as scratch:
        restored = _restore(scratch, backup, tmp_path / "safety")
        assert restored.exit_code == 0, restored.output
        assert "has no tables" in restored.output, restored.output
        assert f"Restored {backup}" in restored.output
        assert "as the code expects" in restored.output
        assert "i-backupen" in _slugs(scratch)
    # Nothing to keep, so no safety backup was written.
    assert not (tmp_path / "safety").exists()


def test_restore_into_a_fresh_sqlite_file_that_has_no_tables(app, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the SQLite case; the PostgreSQL case is the test above")
    backup = _backup_of_the_test_database(app, tmp_path / "backups")
    db.session.commit()
    # What an app that has only opened its new database leaves: a WAL header, no table.
    fresh = tmp_path / "fresh.sqlite3"
    connection = sqlite3.connect(fresh)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    assert fresh.stat().st_size > 0

    url = f"sqlite:///{fresh}"
    restored = _restore(url, backup, tmp_path / "safety")
    assert restored.exit_code == 0, restored.output
    assert "has no tables" in restored.output, restored.output
    assert "i-backupen" in _slugs(url)
    assert not (tmp_path / "safety").exists()
