"""``flask kick backup`` and ``flask kick restore``: back up, change, restore, and find it all."""

from __future__ import annotations

import gzip
import io
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from kick_forms.backup import services
from kick_forms.extensions import db
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import Attachment, Consultation, OutboxMessage, Response
from kick_forms.responses import services as answering
from kick_forms.responses.attachments import add_attachment
from kick_forms.timeutil import utcnow
from tests.conftest import make_app, make_consultation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 40 + b"\ntrailer<<>>\n%%EOF\n"
PASSWORD = "Zq81-not-in-any-output"
needs_pg_dump = pytest.mark.skipif(
    shutil.which("pg_dump") is None, reason="pg_dump is not installed (postgresql-client)"
)


def _is_postgresql(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture(autouse=True)
def _client_tools(request: pytest.FixtureRequest) -> None:
    if "app" not in request.fixturenames:
        return
    if _is_postgresql(request.getfixturevalue("app")) and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (postgresql-client)")


def _submitted_answer(consultation: Consultation) -> Response:
    """An organisation's submitted answer with a PDF statement, made through the services."""
    now = utcnow()
    who = answering.Respondent(
        organisation_name="Hembygdsföreningen Linnés Råshult",
        organisation_number="802455-1239",
        municipality_code="0764",
        category_keys=["local_heritage"],
        contact_name="Karin Andersson",
        contact_email="karin@example.se",
        may_publish_name=True,
    )
    response, _ = answering.start_response(consultation, who, "start-backup", now, str)
    form = MultiDict()
    for question in consultation.questions:
        if question.label == "Ort":
            form.add(f"q-{question.id}", "Älmhult")
        elif question.label == "Hur väl?":
            form.add(f"q-{question.id}", "4")
    assert not answering.save_answers(response, consultation.questions, form, now)
    add_attachment(response, FileStorage(io.BytesIO(PDF), "remissvar.pdf"), 10**6, now)
    answering.submit_response(response, "submit-backup", now, "https://example.se/svar")
    db.session.commit()
    return response


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    for table in db.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(query)]
    db.session.commit()
    return rows


def _invoke(app, *args: str):
    db.session.commit()  # the test's own reads must not hold the database
    return app.test_cli_runner().invoke(args=["kick", *args])


def _backups(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if not p.name.startswith("."))


def test_restore_brings_back_every_row_and_the_attachments_bytes(app, consultation, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "before")
    response = _submitted_answer(consultation)
    before = _snapshot()
    assert before["attachment"] and before["response_version"]

    made = _invoke(app, "backup", "--to", str(tmp_path))
    assert made.exit_code == 0, made.output
    [backup] = _backups(tmp_path)
    assert backup.name.startswith("kick-forms-") and "Backup written" in made.output
    assert ("integrity_check ok" in made.output) or ("pg_restore --list ok" in made.output)

    db.session.delete(db.session.get(Attachment, response.attachments[0].id))
    db.session.get(Response, response.id).organisation_name = "Ändrat namn"
    make_consultation(slug="efter-backupen")
    db.session.commit()
    assert _snapshot() != before

    refused = _invoke(app, "restore", str(backup))
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0

    restored = _invoke(app, "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "as the code expects" in restored.output
    db.session.remove()
    assert _snapshot() == before
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.data == PDF and attachment.filename == "remissvar.pdf"

    # What the restore replaced was kept first, and can itself be restored.
    [safety] = _backups(tmp_path / "before")
    assert "before-restore" in safety.name and str(safety) in restored.output
    assert _invoke(app, "verify-backup", str(safety)).exit_code == 0


def test_a_backup_taken_while_the_app_writes_is_consistent(app, tmp_path):
    """Each writer transaction adds a pair of messages; a backup never holds half a pair."""
    stop = threading.Event()
    committed = []

    def write() -> None:
        with app.app_context():
            while not stop.is_set():
                number = len(committed)
                for _ in range(2):
                    enqueue_mail("a@example.se", f"pair {number}", "x" * 20_000)
                db.session.commit()
                committed.append(number)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(committed) < 20:
            threading.Event().wait(0.01)
        result = services.make_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, utcnow())
        written_during = len(committed)
    finally:
        stop.set()
        writer.join()
    assert result.check.startswith(("integrity_check ok", "pg_restore --list ok"))
    assert len(committed) > 20 and written_during >= 20

    app.config["BACKUP_DIR"] = str(tmp_path / "before")  # not the checkout's instance folder
    restored = _invoke(app, "restore", str(result.path), "--yes")
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    upgrade()  # the restored database opens and migrates
    subjects = db.session.execute(
        select(OutboxMessage.subject, func.count()).group_by(OutboxMessage.subject)
    ).all()
    assert subjects and all(count == 2 for _, count in subjects)
    assert 20 <= len(subjects) <= len(committed)


def test_sqlite_backup_is_a_gzipped_database_that_passes_integrity_check(app, tmp_path):
    if _is_postgresql(app):
        pytest.skip("SQLite's file format")
    made = _invoke(app, "backup", "--to", str(tmp_path))
    assert made.exit_code == 0, made.output
    [backup] = _backups(tmp_path)
    assert backup.name.endswith(".sqlite3.gz")
    plain = tmp_path / "plain.sqlite3"
    plain.write_bytes(gzip.decompress(backup.read_bytes()))
    with sqlite3.connect(plain) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT count(*) FROM region").fetchone()[0] > 0


def test_sqlite_restore_into_a_new_place_reports_the_migration(app, tmp_path):
    if _is_postgresql(app):
        pytest.skip("a new SQLite file")
    backup = services.make_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, utcnow())
    elsewhere = make_app(f"sqlite:///{tmp_path / 'new' / 'kick.sqlite3'}")
    elsewhere.config["BACKUP_DIR"] = str(tmp_path / "safety")
    with elsewhere.app_context():
        restored = elsewhere.test_cli_runner().invoke(
            args=["kick", "restore", str(backup.path), "--yes"]
        )
        assert restored.exit_code == 0, restored.output
        assert "as the code expects" in restored.output
        assert not (tmp_path / "safety").exists()  # there was nothing to keep
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0
        db.engine.dispose()


def test_a_damaged_backup_is_refused_and_the_database_kept(app, consultation, tmp_path):
    suffix = ".dump" if _is_postgresql(app) else ".sqlite3.gz"
    damaged = tmp_path / f"kick-forms-20240101-000000{suffix}"
    damaged.write_bytes(b"not a backup at all")
    for command in (["verify-backup", str(damaged)], ["restore", str(damaged), "--yes"]):
        result = _invoke(app, *command)
        assert result.exit_code != 0 and "Error:" in result.output
        assert "Traceback" not in result.output
    assert db.session.get(Consultation, consultation.id) is not None


def test_keep_deletes_only_the_oldest_of_its_own_backups(app, tmp_path):
    suffix = ".dump" if _is_postgresql(app) else ".sqlite3.gz"
    old = [
        tmp_path / f"kick-forms-20240101-000000{suffix}",
        tmp_path / f"kick-forms-20240102-000000-before-restore{suffix}",
        tmp_path / f"kick-forms-20240103-000000{suffix}",
    ]
    others = [tmp_path / "notes.txt", tmp_path / "kick-forms-latest.sqlite3.gz"]
    for path in old + others:
        path.write_bytes(b"x")

    made = _invoke(app, "backup", "--to", str(tmp_path), "--keep", "2")
    assert made.exit_code == 0, made.output
    kept = _backups(tmp_path)
    assert old[2] in kept and not old[0].exists() and not old[1].exists()
    assert all(path.exists() for path in others)
    assert len([p for p in kept if p not in others]) == 2
    assert f"Deleted old backup {old[0]}" in made.output


def test_backup_goes_to_the_configured_directory(app, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "configured")
    made = _invoke(app, "backup")
    assert made.exit_code == 0, made.output
    [backup] = _backups(tmp_path / "configured")
    # Personal data: readable by the operator's account only.
    assert backup.stat().st_mode & 0o077 == 0 and backup.parent.stat().st_mode & 0o077 == 0


@needs_pg_dump
def test_a_failing_pg_dump_says_why_leaves_no_file_and_hides_the_password(
    tmp_path, monkeypatch, caplog
):
    calls = []
    real_run = services.subprocess.run

    def spy(command, **kwargs):
        calls.append(command)
        return real_run(command, **kwargs)

    monkeypatch.setattr(services.subprocess, "run", spy)
    # Port 1: nothing listens there, so pg_dump cannot connect.
    unreachable = make_app(f"postgresql://kick:{PASSWORD}@127.0.0.1:1/kick")
    with unreachable.app_context():
        result = unreachable.test_cli_runner().invoke(
            args=["kick", "backup", "--to", str(tmp_path)]
        )
    assert result.exit_code != 0
    assert "pg_dump failed" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    assert calls and all(PASSWORD not in part for part in calls[0])
    assert PASSWORD not in result.output and PASSWORD not in caplog.text


def test_the_password_is_redacted_from_whatever_a_tool_prints():
    url = f"postgresql+psycopg://kick:{PASSWORD}@db.example.se/kick"
    assert services.redact(f"failed for {PASSWORD}", url) == "failed for ***"
    libpq, env = services._libpq(url)
    assert libpq == "postgresql://kick@db.example.se/kick" and env["PGPASSWORD"] == PASSWORD
