"""Back up and restore the whole database (answers, attachments and minutes live in it).

SQLite is copied with its online backup API, which takes a consistent snapshot while the app
keeps writing; PostgreSQL with ``pg_dump``. A backup is written under a temporary name and
renamed once complete and checked, so a file with a final name is always a whole backup.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

PREFIX = "kick-forms-"
SQLITE_SUFFIX = ".sqlite3.gz"
POSTGRESQL_SUFFIX = ".dump"
# Only files this command names are ever pruned.
BACKUP_NAME = re.compile(r"^kick-forms-\d{8}-\d{6}(-before-restore)?(\.sqlite3\.gz|\.dump)$")
BEFORE_RESTORE = "-before-restore"


class BackupError(Exception):
    """A backup or restore that failed, with a message for the operator."""


@dataclass
class BackupResult:
    path: Path
    size: int
    check: str


def database_kind(url: str) -> str:
    """``sqlite`` or ``postgresql``; other databases are not backed up by this command."""
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend


def backup_name(url: str, now: datetime, label: str = "") -> str:
    suffix = SQLITE_SUFFIX if database_kind(url) == "sqlite" else POSTGRESQL_SUFFIX
    return f"{PREFIX}{now:%Y%m%d-%H%M%S}{label}{suffix}"


def make_backup(url: str, directory: Path, now: datetime, label: str = "") -> BackupResult:
    """Write a checked backup of the database to ``directory``; raise BackupError on failure."""
    # Backups hold personal data: only the account that runs the command may read them.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = directory / backup_name(url, now, label)
    if final.exists():
        raise BackupError(f"{final} already exists; wait a second and run the backup again.")
    partial = directory / f".{final.name}.partial"
    try:
        if database_kind(url) == "sqlite":
            check = _backup_sqlite(_sqlite_path(url), partial)
        else:
            check = _backup_postgresql(url, partial)
        partial.chmod(0o600)
        _sync(partial)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=final, size=final.stat().st_size, check=check)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete the oldest of this command's backups beyond the newest ``keep``; return them."""
    # Oldest first by the timestamp in the name, whatever follows it.
    names = sorted(
        (p for p in directory.iterdir() if BACKUP_NAME.match(p.name)),
        key=lambda p: p.name[len(PREFIX) : len(PREFIX) + 15],
    )
    removed = names[: max(len(names) - keep, 0)]
    for path in removed:
        path.unlink()
    return removed


def verify_backup(url: str, backup: Path) -> str:
    """Check a backup file without touching the database; return what the check found."""
    if not backup.is_file():
        raise BackupError(f"No backup file {backup}.")
    if database_kind(url) == "sqlite":
        with _unpacked(backup) as copy:
            return _check_sqlite(copy)
    return _check_dump(url, backup)


def restore_backup(url: str, backup: Path) -> None:
    """Replace the whole database with the backup's contents."""
    if not backup.is_file():
        raise BackupError(f"No backup file {backup}.")
    if database_kind(url) == "sqlite":
        _restore_sqlite(backup, _sqlite_path(url))
    else:
        _restore_postgresql(url, backup)


def has_data(url: str) -> bool:
    """Whether there is a database to keep before a restore replaces it: one with tables.

    A fresh database (an empty PostgreSQL database, a SQLite file an app has only opened) has
    nothing to keep, and ``pg_dump`` of it would be refused as a backup without table data.
    """
    if database_kind(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.is_file() or path.stat().st_size == 0:
            return False
        return bool(_sqlite_tables(path))
    return bool(_postgresql_tables(url))


def database_revision(url: str) -> str | None:
    """The migration the database is at (``flask db current``), None without one."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def code_revisions(migrations_directory: str) -> tuple[str, ...]:
    """The newest migration(s) the code knows (``flask db heads``)."""
    return tuple(ScriptDirectory(migrations_directory).get_heads())


def redact(text: str, url: str) -> str:
    """The text without the database password, whatever a tool printed."""
    password = make_url(url).password
    return text.replace(password, "***") if password else text


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("The SQLite database must be a file to be backed up.")
    return Path(database)


def _sqlite_tables(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.execute("PRAGMA busy_timeout=10000")
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [name for (name,) in rows]
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot read the SQLite database {path}: {exc}") from exc
    finally:
        connection.close()


def _postgresql_tables(url: str) -> list[str]:
    """The tables of every schema but PostgreSQL's own, as ``pg_dump`` would see them."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(
                connection.scalars(
                    text(
                        "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                        " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                        " AND table_schema NOT LIKE 'pg_toast%'"
                    )
                )
            )
    except SQLAlchemyError as exc:
        raise BackupError(f"Cannot read the database: {exc.orig or exc}") from exc
    finally:
        engine.dispose()


def _backup_sqlite(source_path: Path, partial: Path) -> str:
    if not source_path.is_file():
        raise BackupError(f"No database file {source_path}.")
    with tempfile.TemporaryDirectory(dir=partial.parent, prefix=".kick-backup-") as work:
        copy = Path(work) / "copy.sqlite3"
        # mode=rw: never create an empty database where the real one was expected.
        source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=rw", uri=True)
        target = sqlite3.connect(copy)
        try:
            source.execute("PRAGMA busy_timeout=10000")
            # One step (pages=-1) copies a single snapshot while writers go on in WAL mode.
            source.backup(target)
            # A self-contained file: no -wal beside it when it is opened later.
            target.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as exc:
            raise BackupError(f"The SQLite backup failed: {exc}") from exc
        finally:
            target.close()
            source.close()
        check = _check_sqlite(copy)
        with copy.open("rb") as plain, gzip.open(partial, "wb", compresslevel=6) as packed:
            shutil.copyfileobj(plain, packed)
    return check


def _check_sqlite(path: Path) -> str:
    """``integrity_check ok`` for a whole KICK Forms database; BackupError otherwise."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchall()
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"Not a usable KICK Forms database: {exc}") from exc
    finally:
        connection.close()
    if result != [("ok",)]:
        found = "; ".join(row[0] for row in result[:5])
        raise BackupError(f"PRAGMA integrity_check failed: {found}")
    return f"integrity_check ok, migration {revision[0] if revision else 'none'}"


class _unpacked:
    """A temporary plain copy of a gzipped SQLite backup, removed afterwards."""

    def __init__(self, backup: Path) -> None:
        self.backup = backup
        self.work: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        self.work = tempfile.TemporaryDirectory(prefix="kick-restore-")
        copy = Path(self.work.name) / "backup.sqlite3"
        try:
            with gzip.open(self.backup, "rb") as packed, copy.open("wb") as plain:
                shutil.copyfileobj(packed, plain)
        except (OSError, EOFError) as exc:
            self.work.cleanup()
            raise BackupError(f"{self.backup} is not a gzipped SQLite backup: {exc}") from exc
        return copy

    def __exit__(self, *_: object) -> None:
        if self.work is not None:
            self.work.cleanup()


def _restore_sqlite(backup: Path, database: Path) -> None:
    with _unpacked(backup) as copy:
        _check_sqlite(copy)
        database.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(copy)
        target = sqlite3.connect(database)
        try:
            target.execute("PRAGMA busy_timeout=10000")
            # Through the backup API, not a file copy: the target's -wal and -shm stay coherent.
            source.backup(target)
        except sqlite3.Error as exc:
            raise BackupError(f"The SQLite restore failed: {exc}") from exc
        finally:
            target.close()
            source.close()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment that carries the password."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = parsed.password
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return plain.render_as_string(hide_password=False), env


def _run(url: str, command: list[str], what: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    libpq_url, env = _libpq(url)
    command = [libpq_url if part == "{url}" else part for part in command]  # never the password
    # A fixed program and arguments, no shell; the password travels in the environment only.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        message = redact(done.stderr.strip() or f"exit code {done.returncode}", url)
        raise BackupError(f"{what} failed: {message}")
    return done


def _backup_postgresql(url: str, partial: Path) -> str:
    _run(
        url,
        ["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", "--dbname", "{url}"],
        "pg_dump",
    )
    return _check_dump(url, partial)


def _check_dump(url: str, dump: Path) -> str:
    listing = _run(url, ["pg_restore", "--list", str(dump)], "pg_restore --list").stdout
    tables = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
    if not tables:
        raise BackupError(f"{dump} holds no table data.")
    return f"pg_restore --list ok, {tables} tables with data"


def _restore_postgresql(url: str, backup: Path) -> None:
    _check_dump(url, backup)
    _run(
        url,
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            "{url}",
            str(backup),
        ],
        "pg_restore",
    )


def _sync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
