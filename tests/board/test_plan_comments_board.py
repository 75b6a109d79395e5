"""The board shows, per paragraph of the plan's text, how many organisations commented and the
comments of the sent answers, by the review setting and naming only who agreed to be named;
staff review comments in the queue, and the region's feedback can answer per chapter."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Outcome, ParagraphComment, Role
from tests.conftest import csrf_token, login, make_user
from tests.responses.conftest import nonce_on, start
from tests.responses.plan_helpers import add_plan

BOARD = "/r/kronoberg/c/kulturplan/board"


def _send(client, consultation, token: str) -> None:  # type: ignore[no-untyped-def]
    questions = {q.label: q for q in consultation.questions}
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Växjö"})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "3"})
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    assert client.post(f"/respond/{token}/submit", data={"nonce": nonce}).status_code == 303


def _comment(client, token: str, paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    saved = client.post(f"/respond/{token}/plan/{paragraph.id}", data={"comment": text})
    assert saved.status_code == 303


def _paragraph_block(html: str, paragraph) -> str:  # type: ignore[no-untyped-def]
    match = re.search(
        rf'<div class="plan-paragraph" id="board-p-{paragraph.id}">(.*?)</div>', html, re.S
    )
    assert match, f"paragraph {paragraph.label} is not on the board"
    return match.group(1)


@pytest.fixture
def commented(client, consultation):  # type: ignore[no-untyped-def]
    """Named, unnamed, withdrawn and unsent comments on paragraph 1.1, one on 2.1."""
    consultation.board_visibility = "while_open"
    db.session.commit()
    plan = add_plan(consultation)
    named = start(client)
    _comment(client, named, plan["1.1"], "Namngiven kommentar.")
    _comment(client, named, plan["2.1"], "Om målen.")
    _send(client, consultation, named)
    unnamed = start(
        client, organisation_name="Tysta kören", organisation_number="",
        categories=["choir"], may_publish_name="no",
    )  # fmt: skip
    _comment(client, unnamed, plan["1.1"], "Anonym kommentar.")
    _send(client, consultation, unnamed)
    withdrawn = start(client, organisation_name="Ångrade föreningen", organisation_number="")
    _comment(client, withdrawn, plan["1.1"], "Tillbakadragen kommentar.")
    _send(client, consultation, withdrawn)
    assert client.post(f"/respond/{withdrawn}/withdraw").status_code == 200
    draft = start(client, organisation_name="Utkastföreningen", organisation_number="")
    _comment(client, draft, plan["1.1"], "Osänd kommentar.")
    return {**plan, "named": named}


def test_the_board_counts_organisations_and_shows_sent_comments(client, consultation, commented):  # type: ignore[no-untyped-def]
    html = client.get(BOARD).get_data(as_text=True)
    assert "Kommentarer på planens text" in html
    first = _paragraph_block(html, commented["1.1"])
    assert "2 organisationer har kommenterat" in first
    assert "Namngiven kommentar." in first and "Hembygdsföreningen Linnés Råshult" in first
    assert "Anonym kommentar." in first and "Tysta kören" not in html
    assert "Kör" in first  # the unnamed organisation's kind instead of its name
    assert "Tillbakadragen kommentar." not in html and "Osänd kommentar." not in html
    assert "1 organisation har kommenterat" in _paragraph_block(html, commented["2.1"])
    assert "0 organisationer har kommenterat" in _paragraph_block(html, commented["2.2"])
    # A filter narrows the comments like the rest of the board.
    choirs = client.get(f"{BOARD}?category=choir").get_data(as_text=True)
    assert "Anonym kommentar." in choirs and "Namngiven kommentar." not in choirs


def test_in_review_mode_only_published_comments_appear(client, consultation, commented):  # type: ignore[no-untyped-def]
    consultation.review_before_publishing = True
    db.session.commit()
    first = _paragraph_block(client.get(BOARD).get_data(as_text=True), commented["1.1"])
    assert "2 organisationer har kommenterat" in first
    assert "Namngiven kommentar." not in first and "Anonym kommentar." not in first
    assert "2 kommentarer väntar på granskning hos regionen." in first

    staff = consultation_staff(client)
    queue = f"/admin/r/kronoberg/c/{consultation.id}/review"
    page = staff.get(queue).get_data(as_text=True)
    assert "Kommentar, stycke 1.1" in page and "Namngiven kommentar." in page
    named, unnamed, _withdrawn = _sent(commented["1.1"])
    assert _decide(staff, queue, named, "publish").status_code == 303
    assert _decide(staff, queue, unnamed, "hide", note="Personuppgifter").status_code == 303
    on_two = _sent(commented["2.1"])[0]
    masked = _decide(staff, queue, on_two, "redact", passages="målen")
    assert masked.status_code == 303

    public = client.application.test_client()
    html = public.get(BOARD).get_data(as_text=True)
    first = _paragraph_block(html, commented["1.1"])
    assert "Namngiven kommentar." in first and "Anonym kommentar." not in first
    assert "1 kommentar har dolts av regionen." in first
    assert "Om [maskerat]." in _paragraph_block(html, commented["2.1"])
    assert "Om målen." not in html


def test_a_comment_sent_again_unchanged_keeps_its_review(client, consultation, commented):  # type: ignore[no-untyped-def]
    consultation.review_before_publishing = True
    db.session.commit()
    staff = consultation_staff(client)
    queue = f"/admin/r/kronoberg/c/{consultation.id}/review"
    on_one, on_two = _sent(commented["1.1"])[0], _sent(commented["2.1"])[0]
    assert _decide(staff, queue, on_one, "publish").status_code == 303
    assert _decide(staff, queue, on_two, "publish").status_code == 303
    # Amended: 1.1 unchanged, 2.1 changed.
    _comment(client, commented["named"], commented["2.1"], "Om målen, igen.")
    _send(client, consultation, commented["named"])
    first = _paragraph_block(client.get(BOARD).get_data(as_text=True), commented["1.1"])
    assert "Namngiven kommentar." in first
    html = client.get(BOARD).get_data(as_text=True)
    assert "Om målen" not in html  # the changed comment waits for review again
    assert "1 kommentar väntar på granskning hos regionen." in _paragraph_block(
        html, commented["2.1"]
    )


def test_a_chapter_outcome_shows_under_the_chapter(client, consultation, commented):  # type: ignore[no-untyped-def]
    chapter = commented["2.1"].chapter
    staff = consultation_staff(client)
    page = f"/admin/r/kronoberg/c/{consultation.id}/feedback"
    assert "2. Mål" in staff.get(page).get_data(as_text=True)
    url = f"{page}/chapters/{chapter.id}"
    fields = {"csrf_token": csrf_token(staff, page), f"c{chapter.id}-status": "partly"}
    refused = staff.post(url, data={**fields, f"c{chapter.id}-explanation": ""})
    assert refused.status_code == 422 and "Fel:" in refused.get_data(as_text=True)
    explanation = "Vi lägger till kulturskolan i kapitel 2."
    saved = staff.post(
        url,
        data={**fields, f"c{chapter.id}-explanation": explanation},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and 'id="outcome-c' in saved.get_data(as_text=True)
    assert db.session.scalars(select(Outcome.chapter_id)).all() == [chapter.id]
    assert explanation not in client.get(BOARD).get_data(as_text=True)  # not published yet
    consultation.status = "closed"
    db.session.commit()
    published = staff.post(f"{page}/publish", data={"csrf_token": csrf_token(staff, page)})
    assert published.status_code == 303, published.get_data(as_text=True)[:2000]
    html = client.get(BOARD).get_data(as_text=True)
    section = html.split(f'id="board-chapter-{chapter.id}"', 1)[1]
    assert explanation in section.split("board-p-", 1)[0]
    other = staff.post(f"{page}/chapters/999999", data=fields)
    assert other.status_code == 404


def consultation_staff(client):  # type: ignore[no-untyped-def]
    staff = client.application.test_client()
    login(staff, make_user("kronoberg", Role.EDITOR))
    return staff


def _sent(paragraph) -> list[ParagraphComment]:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ParagraphComment)
            .where(
                ParagraphComment.paragraph_id == paragraph.id,
                ParagraphComment.version_id.is_not(None),
            )
            .order_by(ParagraphComment.id)
        )
    )


def _decide(staff, queue: str, comment: ParagraphComment, decision: str, **fields):  # type: ignore[no-untyped-def]
    key = f"comment-{comment.response_id}-{comment.paragraph_id}"
    data = {"csrf_token": csrf_token(staff, queue), "seen": str(comment.id)}
    data[f"{key}-decision"] = decision
    data.update({f"{key}-{name}": value for name, value in fields.items()})
    url = f"{queue}/responses/{comment.response_id}/comments/{comment.paragraph_id}"
    return staff.post(url, data=data)
