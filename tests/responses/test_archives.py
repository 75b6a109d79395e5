"""Zip bombs: archives are judged by their directory and read within limits, so an upload that
unpacks to gigabytes is refused with a message and never unpacked in memory."""

from __future__ import annotations

import http.client
import io
import re
import secrets
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from bench.server import child_environment, serve
from kick_forms import archives
from kick_forms.extensions import db
from kick_forms.models import Answer, Attachment, ConsultationStatus, DialogueMeeting, Role
from tests import zip_bombs
from tests.conftest import (
    csrf_token,
    login,
    make_app,
    make_consultation,
    make_user,
    migrate_with_reference_data,
)
from tests.responses.conftest import start

SMALL = archives.Limits(members=10, total_bytes=3_000_000, member_bytes=2_000_000)
# What a worker of the app weighs while it serves; a zip bomb took one to 2.3 GB.
MAX_WORKER_RSS_KB = 200 * 1024
MAX_GROWTH_KB = 50 * 1024


def _refusal(data: bytes, limits: archives.Limits = SMALL) -> str:
    with pytest.raises(archives.ArchiveError) as refused:
        archives.check_archive(data, limits)
    with force_locale("sv"):
        return str(refused.value.message)


def test_an_honest_archive_opens_and_its_members_are_read(app):
    with archives.open_archive(zip_bombs.odt(), SMALL) as archive:
        assert archives.read_member(archive, "mimetype", 100) == zip_bombs.ODT_MIMETYPE
    # Small members may pack tighter than the ratio: only larger ones are judged by it.
    archives.check_archive(zip_bombs.archive({"styles.xml": 900_000}), SMALL)


def test_too_many_members_are_refused_before_zipfile_reads_the_directory(app, monkeypatch):
    data = zip_bombs.archive({f"part{number}.xml": b"<x/>" for number in range(11)})
    assert _refusal(data) == "Filen kunde inte läsas: den består av fler än 10 delar."

    def unread(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the directory was read")

    monkeypatch.setattr(zipfile, "ZipFile", unread)
    with pytest.raises(archives.ArchiveError):
        archives.check_archive(data, SMALL)


def test_a_member_that_unpacks_to_more_than_its_header_says_is_refused_in_bounded_memory(app):
    data = zip_bombs.claiming(
        zip_bombs.archive({"mimetype": 100_000_000}), "mimetype", claimed_size=1000
    )
    # zipfile believes the header: it reads 1000 bytes and finds nothing wrong.
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("mimetype") as member:
        assert len(member.read(10_000)) == 1000
    tracemalloc.start()
    try:
        message = _refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.startswith("Filen kunde inte läsas: den är skadad")
    assert peak < 2_000_000, f"checking the archive took {peak} bytes"


def test_a_member_that_unpacks_to_less_than_its_header_says_is_refused(app):
    data = zip_bombs.claiming(zip_bombs.archive({"mimetype": 1000}), "mimetype", 5000)
    assert _refusal(data).startswith("Filen kunde inte läsas: den är skadad")


def test_a_member_packed_tighter_than_documents_are_is_refused(app):
    limits = archives.Limits(members=10, total_bytes=100_000_000, member_bytes=50_000_000)
    assert _refusal(zip_bombs.archive({"styles.xml": 5_000_000}), limits) == (
        "Filen kunde inte läsas: en del av den packas upp till mer än 100 gånger"
        " sin packade storlek."
    )


def test_members_larger_than_the_limits_are_refused_by_the_directory_alone(app):
    assert _refusal(zip_bombs.archive({"content.xml": 2_500_000})) == (
        "Filen kunde inte läsas: en del av den packas upp till mer än 2 MB."
    )
    four_parts = zip_bombs.archive({f"part{number}.xml": 900_000 for number in range(4)})
    assert _refusal(four_parts) == "Filen kunde inte läsas: den packas upp till mer än 3 MB."


def test_encrypted_or_unusually_packed_members_are_refused(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("content.xml", b"<x/>")
    assert "krypterad eller packad" in _refusal(buffer.getvalue())


def test_reading_a_member_stops_past_its_limit(app):
    with (
        archives.open_archive(zip_bombs.archive({"mimetype": 5000}), SMALL) as archive,
        pytest.raises(archives.ArchiveError),
    ):
        archives.read_member(archive, "mimetype", 1000)


def test_bytes_that_are_not_an_archive_are_not_mistaken_for_a_bomb(app):
    with pytest.raises(zipfile.BadZipFile):
        archives.check_archive(b"PK\x03\x04 not really an archive", SMALL)


def _upload(client, token: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/respond/{token}/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("bomb", "name", "message"),
    [
        (
            lambda: zip_bombs.odt(mimetype_size=200_000_000),
            "svar.odt",
            "Filen kunde inte läsas: en del av den packas upp till mer än 100 MB.",
        ),
        (
            lambda: zip_bombs.docx(document_size=200_000_000),
            "svar.docx",
            "Filen kunde inte läsas: en del av den packas upp till mer än 100 MB.",
        ),
        (
            lambda: zip_bombs.docx(document_size=20_000_000),
            "svar.docx",
            "Filen kunde inte läsas: en del av den packas upp till mer än 100 gånger",
        ),
        (
            lambda: zip_bombs.claiming(
                zip_bombs.docx(document_size=50_000_000), "word/document.xml", 100
            ),
            "svar.docx",
            "Filen kunde inte läsas: den är skadad",
        ),
    ],
    ids=["odt-mimetype", "docx-document", "docx-ratio", "docx-lying-header"],
)
def test_a_bomb_attached_to_a_draft_is_refused_and_the_draft_keeps_its_answers(
    client, consultation, bomb, name, message
):
    question = next(q for q in consultation.questions if q.label == "Ort")
    token = start(client)
    client.post(f"/respond/{token}/s/1", data={f"q-{question.id}": "Tingsryd"})

    refused = _upload(client, token, bomb(), name)

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert message in html and "Filen bifogades inte" in html
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert db.session.scalars(select(Answer.text_value)).all() == ["Tingsryd"]
    assert 'value="Tingsryd"' in client.get(f"/respond/{token}/s/1").get_data(as_text=True)
    assert _upload(client, token, zip_bombs.docx(), "svar.docx").status_code == 303


def test_bomb_minutes_of_a_dialogue_meeting_are_refused_with_the_message(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    login(client, make_user("kronoberg", Role.EDITOR))
    page = f"/admin/r/kronoberg/c/{consultation.id}/method"
    refused = client.post(
        f"{page}/meetings",
        data={"csrf_token": csrf_token(client, page), "held_on": "2027-03-14",
              "place": "Ljungby bibliotek",
              "minutes": (io.BytesIO(zip_bombs.odt(mimetype_size=200_000_000)), "p.odt")},
        content_type="multipart/form-data",
    )  # fmt: skip
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "en del av den packas upp till mer än 100 MB" in html
    assert 'value="Ljungby bibliotek"' in html
    assert db.session.scalar(select(func.count()).select_from(DialogueMeeting)) == 0


def _draft_in(database_url: str) -> str:
    """A draft of an open consultation in a fresh database; its private link's token."""
    migrate_with_reference_data(database_url)
    app = make_app(database_url)
    with app.app_context():
        make_consultation(status=ConsultationStatus.OPEN)
        token = start(app.test_client())
        db.session.remove()
        db.engine.dispose()
    return token


def _multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/vnd.oasis.opendocument.text\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _process_tree(root: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        parents[int(status.parent.name)] = int(re.search(r"^PPid:\s+(\d+)", text, re.M).group(1))
    tree = [root]
    for pid in tree:
        tree += [child for child, parent in parents.items() if parent == pid]
    return tree


def _peak_rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_zip_bomb_uploaded_to_a_real_server_leaves_its_workers_memory_bounded(tmp_path):
    bomb = tmp_path / "remissvar.odt"
    zip_bombs.write_bomb_odt(bomb, mimetype_size=2_000_000_000)
    assert bomb.stat().st_size < 3_000_000
    database_url = f"sqlite:///{tmp_path / 'kick.sqlite3'}"
    token = _draft_in(database_url)
    body, content_type = _multipart("file", bomb.name, bomb.read_bytes())

    env = child_environment(DATABASE_URL=database_url)
    with serve("wsgi:app", env, tmp_path / "gunicorn.log", workers=1) as served:
        before = {pid: _peak_rss_kb(pid) for pid in _process_tree(served.master_pid)}
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=120)
        started = time.monotonic()
        connection.request(
            "POST",
            f"/respond/{token}/attachments",
            body,
            {"Content-Type": content_type, "Sec-Fetch-Site": "same-origin"},
        )
        reply = connection.getresponse()
        html = reply.read().decode()
        seconds = time.monotonic() - started
        connection.close()
        peaks = {pid: _peak_rss_kb(pid) for pid in before}

    assert len(peaks) >= 2, "gunicorn's worker was not found"
    assert max(peaks.values()) < MAX_WORKER_RSS_KB, (
        f"peak resident memory in kB, per process: {peaks} (before the upload: {before})"
    )
    # A worker's start-up is most of that; the upload itself may add little.
    assert all(peaks[pid] - before[pid] < MAX_GROWTH_KB for pid in peaks), (peaks, before)
    assert reply.status == 422
    assert "Filen kunde inte läsas: en del av den packas upp till mer än 100 MB." in html
    assert seconds < 10
