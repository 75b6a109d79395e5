"""The method checklist's "feedback is published" follows the publication itself, so the
public checklist never says otherwise than the board it sits on."""

from __future__ import annotations

import re

from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, Role
from tests.conftest import csrf_token, login, make_consultation, make_user

ITEM_TEXT = "Återkopplingen är publicerad: vad regionen gjorde med synpunkterna"


def _public_item(html: str) -> str:
    """What the board's checklist says about the feedback item: Klart or Inte klart."""
    match = re.search(
        re.escape(ITEM_TEXT) + r'</span>\s*<strong class="task-list__status[^"]*">([^<]+)<', html
    )
    assert match, "the board shows no checklist item for the feedback"
    return match.group(1)


def test_the_feedback_item_is_done_exactly_when_the_feedback_is_published(client):
    consultation = make_consultation(status=ConsultationStatus.CLOSED)
    consultation.board_visibility = "after_closing"
    db.session.commit()
    login(client, make_user("kronoberg", Role.EDITOR))
    method = f"/admin/r/kronoberg/c/{consultation.id}/method"
    token = csrf_token(client, method)

    # A tick by hand does not make it so, and the item offers no button to try.
    client.post(f"{method}/items/feedback_published", data={"csrf_token": token, "done": "1"})
    page = client.get(method).get_data(as_text=True)
    item = re.search(r'id="item-feedback_published">(.*?)</li>', page, re.S).group(1)
    assert "<button" not in item and "Inte klart" in item
    assert "0 av 12 klara" in page

    # Publishing the summary alone makes the checklist public, with the feedback not published.
    client.post(
        f"/admin/r/kronoberg/c/{consultation.id}/status",
        data={"csrf_token": token, "status": "published"},
    )
    visitor = client.application.test_client()
    board_url = f"/r/kronoberg/c/{consultation.slug}/board"
    board = visitor.get(board_url).get_data(as_text=True)
    assert "Så genomfördes samrådet" in board
    assert _public_item(board) == "Inte klart"

    base = f"/admin/r/kronoberg/c/{consultation.id}/feedback"
    section = consultation.sections[0]
    client.post(f"{base}/{section.id}", data={
        "csrf_token": token, f"s{section.id}-status": "incorporated",
        f"s{section.id}-explanation": "Allt kom med.",
    })  # fmt: skip
    assert client.post(f"{base}/publish", data={"csrf_token": token}).status_code == 303

    board = visitor.get(board_url).get_data(as_text=True)
    assert "Regionens återkoppling</h2>" in board and "inte publicerad än" not in board
    assert _public_item(board) == "Klart"
    assert "1 av 12 steg klara" in board
    page = client.get(method).get_data(as_text=True)
    item = re.search(r'id="item-feedback_published">(.*?)</li>', page, re.S).group(1)
    assert "<button" not in item and "Klart" in item and "Inte klart" not in item
    assert "Återkopplingen är publicerad i KICK Forms." in item
    assert "1 av 12 klara" in page
    listing = client.get("/admin/r/kronoberg/").get_data(as_text=True)
    assert "1 av 12 klara" in listing

    # Unticking by hand cannot contradict the board either.
    client.post(f"{method}/items/feedback_published", data={"csrf_token": token, "done": "0"})
    assert _public_item(visitor.get(board_url).get_data(as_text=True)) == "Klart"
