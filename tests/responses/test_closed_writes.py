"""Once a consultation is closed or past its deadline, nothing of an answer changes through any
route of the answering flow, plain or embedded: each write is refused with 409 and a page that
says so, and the board, the open-data API and the staff's exports stay as they were.

Files belong to a submitted version like the answers: one attached after sending counts only
when the answer is sent again. Deleting a draft deletes its personal data.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    Attachment,
    AuditEvent,
    ConsultationStatus,
    Response,
    ResponseContact,
    Role,
)
from kick_forms.timeutil import utcnow
from tests.conftest import login, make_user
from tests.responses.conftest import START, nonce_on, start

PDF = b"%PDF-1.4 statement"
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _submit(client, token: str, prefix: str = "") -> None:  # type: ignore[no-untyped-def]
    nonce = nonce_on(client.get(f"{prefix}/respond/{token}/check").get_data(as_text=True))
    sent = client.post(f"{prefix}/respond/{token}/submit", data={"nonce": nonce})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:300]


def _attach(client, token: str, name: str = "remissvar.pdf", data: bytes = PDF):  # type: ignore[no-untyped-def]
    return client.post(f"/respond/{token}/attachments", data={"file": (io.BytesIO(data), name)})


def _answer_sections(client, consultation, token: str, place: str = "Växjö") -> None:  # type: ignore[no-untyped-def]
    questions = {q.label: q for q in consultation.questions}
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": place})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "3"})


@pytest.fixture
def staff(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, make_user("kronoberg", Role.EDITOR))
    return client


def _state(client, staff, consultation) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Everything a change to an answer could show up in."""
    base = f"/admin/r/kronoberg/c/{consultation.id}"
    db.session.expire_all()
    pages = {
        "api": client.get(f"/api/v1/consultations/{consultation.id}/summary"),
        "csv": staff.get(f"{base}/export.csv"),
        "zip": staff.get(f"{base}/attachments.zip"),
    }
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    return {
        **{name: page.get_data() for name, page in pages.items()},
        "responses": db.session.execute(
            select(
                Response.id,
                Response.status,
                Response.organisation_name,
                Response.municipality_code,
                Response.saved_at,
                Response.token_hash,
            ).order_by(Response.id)
        ).all(),  # fmt: skip
        "answers": db.session.execute(
            select(Answer.id, Answer.version_id, Answer.text_value, Answer.choice_value).order_by(
                Answer.id
            )
        ).all(),
        "files": db.session.execute(
            select(Attachment.id, Attachment.removed_at).order_by(Attachment.id)
        ).all(),
        "contacts": db.session.execute(
            select(ResponseContact.name, ResponseContact.email).order_by(ResponseContact.id)
        ).all(),
    }


@pytest.fixture
def closed_world(client, staff, consultation):  # type: ignore[no-untyped-def]
    """A sent answer with a file, a draft, and the staff's view of them, before closing."""
    consultation.board_visibility = "while_open"  # the board and the API show the answers
    db.session.commit()
    sent = start(client)
    _answer_sections(client, consultation, sent)
    assert _attach(client, sent).status_code == 303
    _submit(client, sent)
    draft = start(client, organisation_name="Utkastföreningen", organisation_number="")
    _answer_sections(client, consultation, draft, place="Lessebo")
    file_id = db.session.scalars(select(Attachment.id)).one()
    return {"sent": sent, "draft": draft, "file": file_id}


def _close(consultation, how: str) -> None:  # type: ignore[no-untyped-def]
    if how == "closed":
        consultation.status = ConsultationStatus.CLOSED
    else:  # still open, but the last day has passed
        consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


# Every write a private link allows, with a form the route would accept while open.
def _writes(consultation, world) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    questions = {q.label: q for q in consultation.questions}
    who = {
        "organisation_name": "Flyttade föreningen",
        "organisation_number": "",
        "municipality": "0780",
        "categories": ["choir"],
        "contact_name": "Ny Person",
        "contact_email": "ny@example.se",
        "may_publish_name": "no",
    }
    writes = []
    for key in ("sent", "draft"):
        token = world[key]
        writes += [
            (key, f"/respond/{token}/about", who),
            (key, f"/respond/{token}/s/1", {f"q-{questions['Ort'].id}": ""}),
            (key, f"/respond/{token}/s/2", {f"q-{questions['Hur väl?'].id}": "1"}),
            (key, f"/respond/{token}/s/1/autosave", {f"q-{questions['Ort'].id}": "Borta"}),
            (key, f"/respond/{token}/attachments", {"file": "new"}),
            (key, f"/respond/{token}/attachments/{world['file']}/delete", {}),
            (key, f"/respond/{token}/submit", {"nonce": "n" * 32}),
            (key, f"/respond/{token}/withdraw", {}),
        ]
    return writes


@EXAMPLES
@given(data=st.data())
@pytest.mark.parametrize("how", ["closed", "past the deadline"])
def test_every_write_after_closing_is_refused_and_changes_nothing(
    client, staff, consultation, closed_world, how, data
):
    _close(consultation, how)
    before = _state(client, staff, consultation)
    writes = _writes(consultation, closed_world)
    key, path, form = data.draw(st.sampled_from(writes), label="write")
    prefix = data.draw(st.sampled_from(["", "/embed"]), label="prefix")
    htmx = data.draw(st.sampled_from([{}, {"HX-Request": "true"}]), label="htmx")
    if form.get("file") == "new":
        form = {"file": (io.BytesIO(PDF), "sent-late.pdf")}
    refused = client.post(prefix + path, data=form, headers=htmx)
    assert refused.status_code == 409, (path, refused.status_code)
    html = refused.get_data(as_text=True)
    assert "stängt" in html or "stängd" in html, html[:500]
    if not re.search(r"/s/\d+$", path):  # a section shows what was typed back, in place
        # An htmx swap (autosave, say) puts the message where the page's content is.
        assert refused.headers.get("HX-Retarget") == ("#main" if htmx else None)
    assert _state(client, staff, consultation) == before


def test_starting_and_resuming_after_closing_are_refused(client, consultation, closed_world):
    _close(consultation, "closed")
    for prefix in ("", "/embed"):
        assert client.post(prefix + START, data={"organisation_name": "X"}).status_code == 409
    # A stale tab that still has the check page cannot send.
    assert client.post(f"/respond/{closed_world['draft']}/submit", data={}).status_code == 409


def test_a_file_attached_after_sending_counts_only_when_the_answer_is_sent_again(
    client, staff, consultation
):
    token = start(client)
    _answer_sections(client, consultation, token)
    _submit(client, token)
    base = f"/admin/r/kronoberg/c/{consultation.id}"

    assert _attach(client, token, "senare.pdf", b"%PDF-1.4 later").status_code == 303
    assert b"senare.pdf" not in staff.get(f"{base}/attachments.zip").get_data()
    assert "inte skickad än" in client.get(f"/respond/{token}").get_data(as_text=True)

    _submit(client, token)
    assert b"senare.pdf" in staff.get(f"{base}/attachments.zip").get_data()

    # Removing it from the draft leaves the sent version as the region received it.
    file_id = db.session.scalars(select(Attachment.id)).one()
    removed = client.post(f"/respond/{token}/attachments/{file_id}/delete")
    assert removed.status_code == 303
    assert b"senare.pdf" in staff.get(f"{base}/attachments.zip").get_data()
    assert "senare.pdf" not in client.get(f"/respond/{token}").get_data(as_text=True)
    _submit(client, token)
    assert b"senare.pdf" not in staff.get(f"{base}/attachments.zip").get_data()
    # The file stays stored for the version that had it: a public record.
    assert db.session.get(Attachment, file_id) is not None


def test_board_lists_sent_files_only(client, consultation):
    consultation.board_visibility = "while_open"
    db.session.commit()
    token = start(client)
    _answer_sections(client, consultation, token)
    _submit(client, token)
    _attach(client, token, "osant.pdf")
    board = client.get(f"/r/kronoberg/c/{consultation.slug}/board").get_data(as_text=True)
    assert "osant.pdf" not in board
    _submit(client, token)
    board = client.get(f"/r/kronoberg/c/{consultation.slug}/board").get_data(as_text=True)
    assert "osant.pdf" in board


def test_deleting_a_draft_deletes_its_personal_data(client, consultation):
    token = start(client, contact_name="Karin Andersson", contact_email="karin@example.se")
    _answer_sections(client, consultation, token, place="Hemligt ställe")
    _attach(client, token)
    deleted = client.post(f"/respond/{token}/withdraw")
    assert deleted.status_code == 200
    assert "Utkastet är borttaget" in deleted.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(ResponseContact)) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert client.get(f"/respond/{token}").status_code == 404
    # What the region's log keeps names no person.
    (event,) = db.session.scalars(select(AuditEvent).filter_by(action="response.delete_draft"))
    assert event.subject == f"consultation:{consultation.id}"
    assert not re.search(r"karin|andersson", f"{event.subject} {event.detail}", re.I)


def test_withdrawing_a_sent_answer_keeps_it_as_a_record_marked_withdrawn(client, consultation):
    token = start(client)
    _answer_sections(client, consultation, token)
    _submit(client, token)
    withdrawn = client.post(f"/respond/{token}/withdraw")
    assert withdrawn.status_code == 200
    assert "Svaret har dragits tillbaka" in withdrawn.get_data(as_text=True)
    response = db.session.scalars(select(Response)).one()
    assert response.status == "withdrawn" and response.token_hash is None
