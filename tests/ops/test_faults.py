"""Faults: every unexpected error is logged (with its request id, its traceback and no personal
data); a database that is down or a disk that is full gives 503 with Retry-After, not 500."""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import sqlite3
from collections.abc import Iterator

import psycopg
import psycopg.errors
import pytest
from flask import Flask
from flask.logging import default_handler
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from kick_forms.api import services as api_services
from kick_forms.extensions import db
from kick_forms.models import Attachment, ConsultationStatus, Role
from kick_forms.ops import faults, views
from tests.conftest import (
    _delete_test_rows,
    free_port,
    login,
    make_app,
    make_consultation,
    make_user,
    migrate_with_reference_data,
)
from tests.ops.conftest import captured_json, json_logging_app, records
from tests.responses.conftest import ORGANISATION, START, start

EMAIL = "lisa.fel@forening.example.se"
NAME = "Lisa Felsson"
SWEDISH_503 = "Tjänsten går inte att använda just nu"
# A written statement of 100 kB: more than the database file has room for in its pages.
STATEMENT = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 400 + b"\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def production_like(database_url: str) -> Iterator[Flask]:
    """The app as it runs for visitors: errors go to the error handlers, not to the test."""
    with json_logging_app(database_url, TESTING=False) as app:
        yield app
        db.session.remove()
        _delete_test_rows()
        db.engine.dispose()


@pytest.fixture
def json_log(production_like) -> Iterator[io.StringIO]:
    with captured_json() as stream:
        yield stream


def _errors(stream: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [r for r in records(stream) if r["logger"] == "kick_forms.errors"]


def _start_form(client) -> dict[str, object]:  # type: ignore[no-untyped-def]
    page = client.get(START).get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    return {**ORGANISATION, "contact_name": NAME, "contact_email": EMAIL, "nonce": nonce}


# Unexpected errors --------------------------------------------------------------------------


def test_an_unexpected_error_is_logged_with_its_request_id_and_traceback(
    production_like, json_log, caplog
):
    @production_like.get("/_test/bug")
    def _bug():  # type: ignore[no-untyped-def]
        raise KeyError(f"no form field for {EMAIL}")

    with caplog.at_level(logging.ERROR):
        response = production_like.test_client().get(
            "/_test/bug", headers={"X-Request-ID": "req-bug-1"}
        )

    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "kick_forms.errors"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "req-bug-1" in record.getMessage() and "KeyError" in record.getMessage()
    (line,) = _errors(json_log)
    assert line["request_id"] == "req-bug-1" == response.headers["X-Request-ID"]
    assert line["path"] == "/_test/bug" and line["level"] == "ERROR"
    assert "Traceback (most recent call last)" in line["exception"]
    assert "in _bug" in line["exception"] and "KeyError" in line["exception"]
    assert EMAIL not in json_log.getvalue()


def test_an_unexpected_error_in_the_api_is_logged_and_answered_in_json(
    production_like, json_log, monkeypatch
):
    def broken():  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(api_services, "all_regions", broken)
    response = production_like.test_client().get("/api/v1/regions")

    assert response.status_code == 500 and "error" in response.get_json()
    (line,) = _errors(json_log)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert "RuntimeError: a bug" in line["exception"]


def test_a_text_log_shows_the_traceback_without_personal_data(database_url):
    app = make_app(database_url, TESTING=False)
    stream = io.StringIO()

    @app.get("/_test/bug")
    def _bug():  # type: ignore[no-untyped-def]
        raise ValueError(f"cannot mail {EMAIL}")

    # Under gunicorn no other handler is set up, so Flask gives its logger this one (pytest's
    # own handlers keep Flask from doing so here).
    app.logger.addHandler(default_handler)
    try:
        response = app.test_client().get("/_test/bug", errors_stream=stream)
    finally:
        app.logger.removeHandler(default_handler)
    with app.app_context():
        db.engine.dispose()

    assert response.status_code == 500
    written = stream.getvalue()
    assert "Traceback (most recent call last)" in written and "ValueError" in written
    assert response.headers["X-Request-ID"] in written
    assert EMAIL not in written and "cannot mail [email]" in written


# A database error names no contact person ---------------------------------------------------


@pytest.fixture
def refused_contacts(production_like) -> Iterator[None]:
    """The database refuses every contact person, as a constraint would, quoting the row."""
    postgresql = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as connection:
        if postgresql:
            connection.execute(
                text(
                    "ALTER TABLE response_contact ADD CONSTRAINT kick_test_refuse "
                    "CHECK (email NOT LIKE '%@%')"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER kick_test_refuse BEFORE INSERT ON response_contact "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            )
    yield
    with db.engine.begin() as connection:
        if postgresql:
            connection.execute(
                text("ALTER TABLE response_contact DROP CONSTRAINT kick_test_refuse")
            )
        else:
            connection.execute(text("DROP TRIGGER kick_test_refuse"))


def test_a_database_error_logs_no_name_nor_email(
    production_like, json_log, refused_contacts, consultation_in, caplog
):
    client = production_like.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.post(START, data=_start_form(client))

    assert response.status_code == 500
    (line,) = _errors(json_log)
    assert "IntegrityError" in line["exception"]
    written = json_log.getvalue()
    for private in (EMAIL, NAME, "Lisa", "forening.example"):
        assert private not in written, private
    # SQLAlchemy's own message quotes no parameters, whatever formats it. (PostgreSQL's
    # message quotes the failing row itself: only the log's formatter keeps that out.)
    (record,) = [r for r in caplog.records if r.name == "kick_forms.errors"]
    message = str(record.exc_info[1])
    assert "parameters hidden" in message and "[parameters:" not in message


@pytest.fixture
def consultation_in(production_like):  # type: ignore[no-untyped-def]
    """An open consultation, in the production-like app."""
    return make_consultation(status=ConsultationStatus.OPEN)


# The database is down, the disk is full -----------------------------------------------------


def _assert_unavailable(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_a_stopped_postgresql_gives_503_with_retry_after(tmp_path):
    nobody = f"postgresql://kick@127.0.0.1:{free_port()}/kick"
    app = make_app(nobody, TESTING=False, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    client = app.test_client()

    page = client.get("/r/kronoberg/")
    _assert_unavailable(page)
    assert SWEDISH_503 in page.get_data(as_text=True)
    assert 'lang="sv"' in page.get_data(as_text=True)

    api = client.get("/api/v1/regions")
    _assert_unavailable(api)
    assert "error" in api.get_json()

    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["reason"] == "database unreachable"


def test_an_unreadable_sqlite_database_gives_503(tmp_path):
    where = tmp_path / "not-a-file.sqlite3"
    where.mkdir()  # a directory where the database file should be
    app = make_app(f"sqlite:///{where}", TESTING=False)

    page = app.test_client().get("/")
    _assert_unavailable(page)
    assert SWEDISH_503 in page.get_data(as_text=True)


def test_a_full_sqlite_database_gives_503_and_keeps_nothing_half_saved(
    production_like, consultation_in
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own 'database or disk is full'")
    client = production_like.test_client()
    token = start(client)

    @event.listens_for(db.engine, "connect")
    def _no_more_pages(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # The file may not grow: SQLite answers "database or disk is full", as on a full disk.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    db.session.remove()
    # Pages freed by earlier tests would take the file in without growing it.
    raw = db.engine.raw_connection()
    raw.driver_connection.execute("VACUUM")
    raw.close()
    db.engine.dispose()
    try:
        upload = client.post(
            f"/respond/{token}/attachments",
            data={"file": (io.BytesIO(STATEMENT), "remissvar.pdf")},
            content_type="multipart/form-data",
        )
    finally:
        event.remove(db.engine, "connect", _no_more_pages)
        db.engine.dispose()

    _assert_unavailable(upload)
    assert "inte plats" in upload.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).all() == []
    # Once there is room again, the draft goes on where it was.
    assert client.get(f"/respond/{token}").status_code == 200


def test_a_full_disk_while_writing_a_file_gives_503(production_like):
    @production_like.get("/_test/write")
    def _write():  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    response = production_like.test_client().get("/_test/write")
    _assert_unavailable(response)


def test_readyz_reports_a_full_disk(client, monkeypatch):
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(views.os, "fsync", full)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "reason": "disk full"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_signed_in_member_of_staff_gets_503_when_the_database_goes_away(tmp_path):
    """The page around the message asks the database who is signed in; it must still answer."""
    path = tmp_path / "kick.sqlite3"
    migrate_with_reference_data(f"sqlite:///{path}")
    app = make_app(f"sqlite:///{path}", TESTING=False)
    client = app.test_client()
    with app.app_context():
        login(client, make_user("kronoberg", Role.ADMIN))
        assert client.get("/admin/").status_code == 200
        db.engine.dispose()
    path.rename(tmp_path / "moved.sqlite3")
    path.mkdir()  # the database file is gone; a directory stands where it was

    page = client.get("/admin/")
    with app.app_context():
        db.engine.dispose()

    _assert_unavailable(page)
    assert SWEDISH_503 in page.get_data(as_text=True)


def test_readyz_reports_a_database_that_takes_no_writes(app, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a read-only PostgreSQL (as a standby, or with default_transaction_read_only)")
    name = db.engine.url.database
    # From the server's maintenance database: the setting is for new sessions of the test's.
    server = db.engine.url.set(drivername="postgresql", database="postgres")

    def read_only(on: bool) -> None:
        change = (
            "SET default_transaction_read_only = on"
            if on
            else ("RESET default_transaction_read_only")
        )
        with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as pg:
            pg.execute(f'ALTER DATABASE "{name}" {change}')

    db.session.remove()
    db.engine.dispose()
    read_only(True)
    try:
        response = client.get("/readyz")
    finally:
        read_only(False)
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "reason": "database not writable"}


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), "database unreachable"),
        (psycopg.errors.AdminShutdown("terminating connection"), "database unreachable"),
        (psycopg.errors.DiskFull("could not extend file: No space left"), "disk full"),
        (psycopg.errors.UniqueViolation("duplicate key"), None),
        (psycopg.errors.SyntaxError("syntax error"), None),
        (sqlite3.OperationalError("database or disk is full"), "disk full"),
        (sqlite3.OperationalError("disk I/O error"), "database unreachable"),
        (sqlite3.OperationalError("database is locked"), "database unreachable"),
        (sqlite3.OperationalError("no such column: x"), None),
        (sqlite3.IntegrityError("UNIQUE constraint failed: response.start_nonce"), None),
        (OSError(errno.ENOSPC, "No space left on device"), "disk full"),
        (OSError(errno.EROFS, "Read-only file system"), "storage not writable"),
        (KeyError("x"), None),
    ],
)
def test_faults_of_the_platform_are_told_from_bugs(error, reason):
    wrapped = (
        OperationalError("SELECT 1", {}, error)
        if isinstance(error, (psycopg.Error, sqlite3.Error))
        else error
    )
    found = faults.unavailable(wrapped)
    assert (str(found) if found else None) == reason


def test_a_postgresql_error_is_logged_by_its_code_not_its_row():
    error = psycopg.errors.CheckViolation(
        'new row violates check constraint "kick_test_refuse"\n'
        f"DETAIL:  Failing row contains (7, 3, {NAME}, {EMAIL})."
    )
    try:
        raise OperationalError("INSERT INTO response_contact ...", {}, error) from error
    except OperationalError as wrapped:
        text = faults.safe_traceback(wrapped)
    assert "SQLSTATE 23514" in text and "INSERT INTO response_contact" in text
    assert EMAIL not in text and NAME not in text
