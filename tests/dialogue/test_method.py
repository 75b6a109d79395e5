"""The KICK method's checklist and dialogue meetings, through the staff pages."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import ChecklistTick, ConsultationStatus, DialogueMeeting, Role
from kick_forms.timeutil import utcnow
from tests.conftest import csrf_token, login, make_consultation, make_user


def _page(consultation) -> str:  # type: ignore[no-untyped-def]
    return f"/admin/r/kronoberg/c/{consultation.id}/method"


def _staff(client, role: Role = Role.EDITOR):  # type: ignore[no-untyped-def]
    login(client, make_user("kronoberg", role))
    return client


def test_ticking_an_item_swaps_the_checklist_and_keeps_the_focus_on_it(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    staff = _staff(client)
    token = csrf_token(staff, _page(consultation))
    ticked = staff.post(
        f"{_page(consultation)}/items/register_gaps",
        data={"csrf_token": token, "done": "1"},
        headers={"HX-Request": "true"},
    )
    html = ticked.get_data(as_text=True)
    assert ticked.status_code == 200 and "<html" not in html and 'id="checklist"' in html
    assert "1 av 12 klara" in html
    button = re.search(
        r'<li class="task-list__item" id="item-register_gaps">.*?<button([^>]*)>', html, re.S
    )
    assert 'aria-pressed="true"' in button.group(1) and "autofocus" in button.group(1)

    # Without JavaScript the same form posts and comes back to the item.
    plain = staff.post(
        f"{_page(consultation)}/items/register_gaps", data={"csrf_token": token, "done": "0"}
    )
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#item-register_gaps")
    assert db.session.scalar(select(func.count()).select_from(ChecklistTick)) == 0
    assert staff.post(f"{_page(consultation)}/items/nonsense",
                      data={"csrf_token": token, "done": "1"}).status_code == 404  # fmt: skip

    staff.post(
        f"{_page(consultation)}/items/earlier_plans", data={"csrf_token": token, "done": "1"}
    )
    staff.post(
        f"{_page(consultation)}/items/earlier_plans", data={"csrf_token": token, "done": "1"}
    )
    listing = staff.get("/admin/r/kronoberg/").get_data(as_text=True)
    assert "1 av 12 klara" in listing


def test_viewers_read_the_checklist_but_cannot_tick(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    viewer = _staff(client, Role.VIEWER)
    page = viewer.get(_page(consultation)).get_data(as_text=True)
    assert "Inte klart" in page and "aria-pressed" not in page
    token = csrf_token(viewer, _page(consultation))
    refused = viewer.post(f"{_page(consultation)}/items/register_gaps",
                          data={"csrf_token": token, "done": "1"})  # fmt: skip
    assert refused.status_code == 403


def test_the_board_shows_the_checklist_once_the_results_are_published(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    consultation.board_visibility = "while_open"
    staff = _staff(client)
    token = csrf_token(staff, _page(consultation))
    staff.post(
        f"{_page(consultation)}/items/register_gaps", data={"csrf_token": token, "done": "1"}
    )
    anonymous = client.application.test_client()
    board = f"/r/kronoberg/c/{consultation.slug}/board"
    assert "Så genomfördes samrådet" not in anonymous.get(board).get_data(as_text=True)
    now = utcnow()
    builder.change_status(consultation, ConsultationStatus.CLOSED, now)
    builder.change_status(consultation, ConsultationStatus.PUBLISHED, now)
    db.session.commit()
    shown = anonymous.get(board).get_data(as_text=True)
    assert "Så genomfördes samrådet" in shown and "1 av 12 steg klara" in shown


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_meetings_are_recorded_with_their_minutes(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    staff = _staff(client)
    token = csrf_token(staff, _page(consultation))
    bad = staff.post(
        f"{_page(consultation)}/meetings",
        data={"csrf_token": token, "held_on": "14 mars", "place": "Ljungby bibliotek"},
    )
    assert bad.status_code == 422
    assert 'value="Ljungby bibliotek"' in bad.get_data(as_text=True)
    not_pdf = staff.post(
        f"{_page(consultation)}/meetings",
        data={"csrf_token": token, "held_on": "2027-03-14", "place": "Ljungby",
              "minutes": (__import__("io").BytesIO(b"MZ\x90\x00"), "protokoll.exe")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert not_pdf.status_code == 422 and "PDF" in not_pdf.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DialogueMeeting)) == 0

    import io

    added = staff.post(
        f"{_page(consultation)}/meetings",
        data={"csrf_token": token, "held_on": "2027-03-14", "place": "Ljungby bibliotek",
              "participants": "23", "summary": "Lokaler för unga.",
              "minutes": (io.BytesIO(PDF), "Protokoll 14 mars.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert added.status_code == 303
    page = staff.get(_page(consultation)).get_data(as_text=True)
    assert "Ljungby bibliotek" in page and "1 möte registrerat." in page
    meeting = db.session.scalars(select(DialogueMeeting)).one()
    minutes = staff.get(f"{_page(consultation)}/meetings/{meeting.id}/minutes")
    assert minutes.data == PDF and "attachment" in minutes.headers["Content-Disposition"]

    removed = staff.post(f"{_page(consultation)}/meetings/{meeting.id}/delete",
                         data={"csrf_token": token})  # fmt: skip
    assert removed.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(DialogueMeeting)) == 0
