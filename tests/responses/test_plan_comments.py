"""Organisations comment on the plan's text from their private link, without JavaScript: the
comments are saved with the draft, shown on the check page, sent and amended with the answer,
withdrawn with it, and locked once the consultation closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, ParagraphComment, Response
from kick_forms.models.plan import COMMENT_MAX
from kick_forms.timeutil import utcnow
from tests.conftest import make_consultation
from tests.responses.conftest import nonce_on, start
from tests.responses.plan_helpers import add_plan


@pytest.fixture
def plan(consultation):  # type: ignore[no-untyped-def]
    return add_plan(consultation)


def _answer(client, consultation, token: str, prefix: str = "") -> None:  # type: ignore[no-untyped-def]
    questions = {q.label: q for q in consultation.questions}
    client.post(f"{prefix}/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Växjö"})
    client.post(f"{prefix}/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "3"})


def _submit(client, token: str, prefix: str = "") -> None:  # type: ignore[no-untyped-def]
    nonce = nonce_on(client.get(f"{prefix}/respond/{token}/check").get_data(as_text=True))
    sent = client.post(f"{prefix}/respond/{token}/submit", data={"nonce": nonce})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:500]


def _comment(client, token: str, paragraph, text: str, prefix: str = ""):  # type: ignore[no-untyped-def]
    return client.post(f"{prefix}/respond/{token}/plan/{paragraph.id}", data={"comment": text})


def _rows() -> list[tuple]:  # type: ignore[type-arg]
    db.session.expire_all()
    return db.session.execute(
        select(
            ParagraphComment.response_id,
            ParagraphComment.version_id,
            ParagraphComment.paragraph_id,
            ParagraphComment.text,
        ).order_by(ParagraphComment.id)
    ).all()


def test_the_plan_step_lists_numbered_paragraphs_with_a_comment_link(client, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    overview = client.get(f"/respond/{token}").get_data(as_text=True)
    assert f'href="/respond/{token}/plan"' in overview
    page = client.get(f"/respond/{token}/plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1. Inledning" in html and "2. Mål" in html
    for label, paragraph in plan.items():
        assert f"Stycke {label}" in html
        assert f'href="/respond/{token}/plan/{paragraph.id}"' in html
    assert "<li>Dialog</li>" in html  # a list keeps its items
    subheading = next(p for p in plan["1.1"].chapter.paragraphs if p.kind == "heading")
    assert client.get(f"/respond/{token}/plan/{subheading.id}").status_code == 404


def test_comment_edit_and_remove_without_javascript(client, consultation, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    paragraph = plan["2.1"]
    form = client.get(f"/respond/{token}/plan/{paragraph.id}")
    assert form.status_code == 200
    assert 'name="comment"' in form.get_data(as_text=True)
    saved = _comment(client, token, paragraph, "  Lägg till kulturskolan.  ")
    assert saved.status_code == 303
    back = f"/respond/{token}/plan?saved={paragraph.id}#p-{paragraph.id}"
    assert saved.headers["Location"].endswith(back)
    response_id = db.session.scalars(select(Response.id)).one()
    assert _rows() == [(response_id, None, paragraph.id, "Lägg till kulturskolan.")]
    page = client.get(f"/respond/{token}/plan?saved={paragraph.id}").get_data(as_text=True)
    assert "Lägg till kulturskolan." in page and "Ändra kommentaren" in page
    # Editing shows what was saved, and keeps one row.
    box = client.get(f"/respond/{token}/plan/{paragraph.id}").get_data(as_text=True)
    assert "Lägg till kulturskolan." in box
    _comment(client, token, paragraph, "Lägg till kulturskolan och studieförbunden.")
    assert [row[3] for row in _rows()] == ["Lägg till kulturskolan och studieförbunden."]
    # Empty removes it.
    assert _comment(client, token, paragraph, "   ").status_code == 303
    assert _rows() == []


def test_a_too_long_comment_is_refused_and_kept_on_the_page(client, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    typed = "x" * (COMMENT_MAX + 1)
    refused = _comment(client, token, plan["1.1"], typed)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "error-summary" in html and "Fel:" in html and typed in html
    assert _rows() == []
    assert _comment(client, token, plan["1.1"], "x" * COMMENT_MAX).status_code == 303


def test_check_page_shows_comments_and_sending_copies_them(client, consultation, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    _answer(client, consultation, token)
    _comment(client, token, plan["1.2"], "Lägg till delaktighet.")
    _comment(client, token, plan["2.2"], "Även bokbussar.")
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    assert "Kommentarer på planens text" in check
    assert "Stycke 1.2" in check and "Lägg till delaktighet." in check
    assert "Även bokbussar." in check
    _submit(client, token)
    response = db.session.scalars(select(Response)).one()
    sent = [row for row in _rows() if row[1] == response.current_version_id]
    assert {(row[2], row[3]) for row in sent} == {
        (plan["1.2"].id, "Lägg till delaktighet."),
        (plan["2.2"].id, "Även bokbussar."),
    }
    assert len([row for row in _rows() if row[1] is None]) == 2  # the draft keeps them


def test_an_amendment_sends_the_current_drafts_comments(client, consultation, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    _answer(client, consultation, token)
    _comment(client, token, plan["1.1"], "Första.")
    _submit(client, token)
    first = db.session.scalars(select(Response)).one().current_version_id
    _comment(client, token, plan["1.1"], "")
    _comment(client, token, plan["2.1"], "Andra.")
    assert client.get(f"/respond/{token}/check").status_code == 200
    _submit(client, token)
    second = db.session.scalars(select(Response)).one().current_version_id
    assert second != first
    by_version = {}
    for _response, version, paragraph_id, text in _rows():
        by_version.setdefault(version, set()).add((paragraph_id, text))
    assert by_version[first] == {(plan["1.1"].id, "Första.")}
    assert by_version[second] == {(plan["2.1"].id, "Andra.")}
    assert by_version[None] == {(plan["2.1"].id, "Andra.")}


def test_withdrawing_takes_the_comments_with_the_answer(client, consultation, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    _answer(client, consultation, token)
    _comment(client, token, plan["1.1"], "Skickad.")
    _submit(client, token)
    assert client.post(f"/respond/{token}/withdraw").status_code == 200
    response = db.session.scalars(select(Response)).one()
    assert response.status == "withdrawn" and response.current_version_id is None
    # The link no longer works, for comments as for everything else.
    assert _comment(client, token, plan["1.1"], "Ny.").status_code == 404
    assert client.get(f"/respond/{token}/plan").status_code == 404
    assert {row[3] for row in _rows()} == {"Skickad."}


def test_deleting_a_draft_deletes_its_comments(client, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    _comment(client, token, plan["1.1"], "Utkast.")
    assert client.post(f"/respond/{token}/withdraw").status_code == 200
    assert _rows() == []


@pytest.mark.parametrize("how", ["closed", "past_deadline"])
@pytest.mark.parametrize("prefix", ["", "/embed"])
def test_every_comment_route_answers_409_after_closing(client, consultation, plan, how, prefix):  # type: ignore[no-untyped-def]
    token = start(client)
    _comment(client, token, plan["1.1"], "Före stängning.")
    before = _rows()
    if how == "closed":
        consultation.status = ConsultationStatus.CLOSED
    else:
        consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    paragraph = plan["1.1"]
    for method, url, data in [
        ("post", f"{prefix}/respond/{token}/plan/{paragraph.id}", {"comment": "Efter."}),
        ("post", f"{prefix}/respond/{token}/plan/{paragraph.id}", {"comment": ""}),
        ("post", f"{prefix}/respond/{token}/plan/{plan['2.1'].id}", {"comment": "Ny."}),
        ("get", f"{prefix}/respond/{token}/plan/{paragraph.id}", None),
        ("get", f"{prefix}/respond/{token}/plan/{paragraph.id}/shown", None),
    ]:
        answer = getattr(client, method)(url, data=data)
        assert answer.status_code == 409, (method, url)
        assert "Samrådet är stängt för svar" in answer.get_data(as_text=True)
    assert _rows() == before
    # The text and the comment can still be read.
    page = client.get(f"{prefix}/respond/{token}/plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Före stängning." in html and f'/plan/{paragraph.id}"' not in html


def test_another_responses_link_cannot_touch_a_comment(client, consultation, plan):  # type: ignore[no-untyped-def]
    mine = start(client)
    theirs = start(client, organisation_name="Andra föreningen", organisation_number="")
    _comment(client, mine, plan["1.1"], "Min.")
    _comment(client, theirs, plan["1.1"], "Deras.")
    _comment(client, theirs, plan["1.1"], "")
    assert {row[3] for row in _rows()} == {"Min."}
    assert "Min." not in client.get(f"/respond/{theirs}/plan").get_data(as_text=True)
    guessed = client.post(f"/respond/{'x' * 43}/plan/{plan['1.1'].id}", data={"comment": "Y"})
    assert guessed.status_code == 404


def test_a_paragraph_of_another_consultation_is_not_found(client, consultation, plan):  # type: ignore[no-untyped-def]
    other = make_consultation(slug="annan", status=ConsultationStatus.OPEN)
    foreign = add_plan(other)["1.1"]
    token = start(client)
    assert client.get(f"/respond/{token}/plan/{foreign.id}").status_code == 404
    assert _comment(client, token, foreign, "Fel samråd.").status_code == 404
    assert _rows() == []


def test_the_flow_works_embedded(client, consultation, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    page = client.get(f"/embed/respond/{token}/plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/embed/respond/{token}/plan/{plan["1.1"].id}"' in html
    assert "X-Frame-Options" not in page.headers
    saved = _comment(client, token, plan["1.1"], "Från ramen.", prefix="/embed")
    assert saved.status_code == 303
    assert saved.headers["Location"].startswith(f"/embed/respond/{token}/plan")
    assert {row[3] for row in _rows()} == {"Från ramen."}


def test_htmx_opens_the_box_in_place_and_swaps_back_the_saved_comment(client, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    paragraph = plan["1.1"]
    headers = {"HX-Request": "true"}
    box = client.get(f"/respond/{token}/plan/{paragraph.id}", headers=headers)
    html = box.get_data(as_text=True)
    assert box.status_code == 200 and "<html" not in html
    assert f'id="comment-{paragraph.id}"' in html and "autofocus" in html
    saved = client.post(
        f"/respond/{token}/plan/{paragraph.id}", data={"comment": "På plats."}, headers=headers
    )
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "På plats." in html
    assert 'id="plan-status" data-hx-swap-oob="innerHTML"' in html
    assert "Er kommentar på stycke 1.1 är sparad." in html
    assert "HX-Request" in saved.headers["Vary"]


def test_writes_from_another_site_are_refused(client, plan):  # type: ignore[no-untyped-def]
    token = start(client)
    refused = client.post(
        f"/respond/{token}/plan/{plan['1.1'].id}",
        data={"comment": "Falsk."},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert refused.status_code == 403
    assert _rows() == []
