"""Private files are downloaded with ``Cache-Control: no-store``: no browser, proxy or shared
computer keeps a copy of a statement, an export or the minutes of a meeting."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from kick_forms.dialogue import meetings
from kick_forms.extensions import db
from kick_forms.models import Attachment, Role
from kick_forms.timeutil import utcnow
from tests.board.test_exports import _attach, answered  # noqa: F401  a fixture
from tests.conftest import login, make_user
from tests.responses.conftest import start

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _assert_private_download(response, url: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, url
    assert response.headers["Content-Disposition"].startswith("attachment"), url
    assert response.headers["Cache-Control"] == "no-store", url


def test_a_drafts_attachment_is_not_stored_by_any_cache(client, consultation):
    token = start(client)
    upload = client.post(
        f"/respond/{token}/attachments",
        data={"file": (io.BytesIO(PDF), "remissvar.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    attachment = db.session.scalars(select(Attachment)).one()
    for url in (
        f"/respond/{token}/attachments/{attachment.id}",
        f"/embed/respond/{token}/attachments/{attachment.id}",
    ):
        _assert_private_download(client.get(url), url)


def test_staff_downloads_are_not_stored_by_any_cache(client, consultation, answered):  # noqa: F811
    choir, _heritage = answered
    login(client, make_user("kronoberg", Role.EDITOR))
    meeting = meetings.add_meeting(
        consultation,
        meetings.MeetingData(date(2027, 3, 14), "Ljungby bibliotek", 23, ""),
        ("protokoll.pdf", "application/pdf", PDF),
        utcnow(),
    )
    db.session.commit()
    staff = f"/admin/r/kronoberg/c/{consultation.id}"
    urls = [
        f"{staff}/export.csv",
        f"{staff}/export.xlsx",
        f"{staff}/attachments.zip",
        f"{staff}/responses/{choir.id}/files/{choir.attachments[0].id}",
        f"{staff}/method/meetings/{meeting.id}/minutes",
    ]
    for url in urls:
        _assert_private_download(client.get(url), url)
