"""The databases a benchmark run writes to: preparing them, and checking them afterwards."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from baseline_app import create_database_engine, metadata, submissions
from server import ServerError, child_environment, run_flask
from sqlalchemy import Engine, bindparam, create_engine, func, make_url, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from kick_forms import tally

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/kick_bench"
# Every run wipes the database's schema, so only a database named for benchmarking is accepted:
# a mistyped URL must not empty the test suite's database or a real one.
_REQUIRED_IN_NAME = "bench"


@dataclass(frozen=True)
class Target:
    """Where one run writes: KICK's database and the baseline's."""

    kind: str
    kick_url: str
    baseline_url: str
    sqlite_file: Path | None = None


@dataclass(frozen=True)
class Findings:
    missing: int
    duplicates: int
    integrity: str
    baseline_rows: int
    # Board counters that differ from a fresh count of the answers: kept wrong under load.
    counters_off: int


def sqlite_target(directory: Path) -> Target:
    kick_file = directory / "kick.sqlite3"
    return Target(
        kind="sqlite",
        kick_url=f"sqlite:///{kick_file}",
        baseline_url=f"sqlite:///{directory / 'baseline.sqlite3'}",
        sqlite_file=kick_file,
    )


def postgresql_target(url: str, setting: str = "KICK_BENCH_DATABASE_URL") -> Target:
    """The benchmark database on PostgreSQL (from ``setting``); the baseline gets its own
    table in it."""
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    if _REQUIRED_IN_NAME not in (parsed.database or ""):
        raise ServerError(
            f"refusing to wipe database {parsed.database!r}: its name must contain "
            f"{_REQUIRED_IN_NAME!r} (set {setting})"
        )
    rendered = parsed.render_as_string(hide_password=False)
    return Target(kind="postgresql", kick_url=rendered, baseline_url=rendered)


def prepare(target: Target) -> None:
    """An empty database with KICK's schema, its reference and demo data, and the baseline's
    table, made the way an operator makes them."""
    if target.kind == "postgresql":
        _recreate_postgresql_schema(make_url(target.kick_url))
    env = child_environment(DATABASE_URL=target.kick_url)
    run_flask(["db", "upgrade"], env)
    run_flask(["kick", "load-reference"], env)
    run_flask(["kick", "load-demo"], env)
    engine = create_database_engine(target.baseline_url)
    metadata.create_all(engine)
    engine.dispose()


def _recreate_postgresql_schema(url: URL) -> None:
    maintenance = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if not exists:
                name = maintenance.dialect.identifier_preparer.quote(url.database or "")
                connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except OperationalError as error:
        raise ServerError(f"cannot reach PostgreSQL at {url.host}:{url.port}: {error}") from None
    finally:
        maintenance.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def check(target: Target, acknowledged_tokens: Iterable[str]) -> Findings:
    """Count what the acknowledgements promised but the database does not hold."""
    hashes = [hashlib.sha256(token.encode()).hexdigest() for token in acknowledged_tokens]
    engine = create_engine(target.kick_url)
    with engine.connect() as connection:
        kept = connection.execute(
            text(
                "SELECT r.token_hash FROM response AS r"
                " JOIN response_version AS v ON v.response_id = r.id"
                " WHERE r.token_hash IN :hashes AND r.status = 'submitted'"
                " GROUP BY r.token_hash"
            ).bindparams(bindparam("hashes", expanding=True)),
            {"hashes": hashes},
        ).scalars()
        missing = len(set(hashes) - set(kept))
        # One submit nonce per response in this benchmark, so a second version is a duplicate.
        duplicates = connection.scalar(
            text(
                "SELECT COUNT(*) FROM (SELECT response_id FROM response_version"
                " GROUP BY response_id HAVING COUNT(*) > 1) AS repeated"
            )
        )
    off = counters_off(engine)
    engine.dispose()
    return Findings(
        missing=missing,
        duplicates=duplicates or 0,
        integrity=sqlite_integrity(target.sqlite_file) if target.sqlite_file else "-",
        baseline_rows=_baseline_rows(target.baseline_url),
        counters_off=off,
    )


def counters_off(engine: Engine) -> int:
    """How many board counters the concurrent submits left different from a recount (which
    is rolled back, so the database stays as the run left it)."""
    off = 0
    with engine.connect() as connection:
        consultations = connection.scalars(text("SELECT DISTINCT consultation_id FROM response"))
        for consultation_id in consultations.all():
            kept = tally.counters(connection, consultation_id)
            tally.recount(connection, consultation_id)
            fresh = tally.counters(connection, consultation_id)
            off += sum(kept.get(key) != fresh.get(key) for key in kept.keys() | fresh.keys())
        connection.rollback()
    return off


def sqlite_integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    connection.close()
    return "ok" if rows == ["ok"] else rows[0]


def _baseline_rows(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.scalar(select(func.count()).select_from(submissions)) or 0
    engine.dispose()
    return rows
