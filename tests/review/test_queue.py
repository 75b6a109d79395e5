"""The staff's review queue: what it lists, the three decisions, their errors, who may decide,
the audit log, the htmx swap, and decisions carried over to an unchanged amendment."""

from __future__ import annotations

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import Answer, AuditEvent, Response, ResponseVersion, ReviewState, Role
from tests.conftest import csrf_token, login, make_consultation, make_user
from tests.responses.conftest import nonce_on, start
from tests.review.conftest import (
    HIDDEN_REASON,
    MASKED,
    ORIGINAL,
    PUBLISHED,
    UNREVIEWED,
    decide,
    decide_all,
    item_key,
    text_answer,
)


def test_the_queue_lists_unreviewed_items_oldest_first_with_counts(editor, consultation, scene):
    queue = editor.get(scene.queue(consultation))
    assert queue.status_code == 200
    page = queue.get_data(as_text=True)
    # Two free texts and a statement from each of the three answers; nothing decided yet.
    assert "Inte granskade</a>: <strong>9</strong>" in page
    assert "Publicerat</a>: <strong>0</strong>" in page
    first, second = page.index("Växjö kammarkör"), page.index("Ljungby hembygdsförening")
    assert first < second < page.index("Tingsryds spelmanslag")
    assert UNREVIEWED in page and "ogranskad.pdf" in page
    # Scores are not free texts: the scale question is not in the queue.
    assert "Hur väl?" not in page
    assert "En fil kan publiceras eller döljas, inte maskeras." in page

    decide_all(editor, consultation, scene)
    hidden = editor.get(f"{scene.queue(consultation)}?state=hidden").get_data(as_text=True)
    assert "Dolt</a>: <strong>2</strong>" in hidden
    assert "Inte granskade</a>: <strong>4</strong>" in hidden
    assert HIDDEN_REASON in hidden and "dold.pdf" in hidden and UNREVIEWED not in hidden


def test_the_consultation_pages_link_the_queue_with_the_count(editor, consultation, scene):
    staff = f"/admin/r/kronoberg/c/{consultation.id}"
    queue = f'href="{staff}/review"'
    builder = editor.get(f"{staff}/").get_data(as_text=True)
    assert queue in builder and "9 inte granskade" in builder
    responses = editor.get(f"{staff}/responses").get_data(as_text=True)
    assert queue in responses and "9 fritextsvar eller yttranden väntar på granskning." in responses


def test_masking_replaces_every_occurrence_and_keeps_the_original(editor, consultation, scene):
    answer = text_answer(scene.redacted, "Vad saknas?")
    key = item_key(answer)
    response = decide(
        editor, consultation, answer, "redact", passages=" Per Persson \n\n0470-12345"
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"review?state=pending#item-{key}")
    db.session.refresh(answer)
    assert answer.review_state == ReviewState.REDACTED
    assert (answer.text_value, answer.redacted_text) == (ORIGINAL, MASKED)
    flash = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Svaret från Tingsryds spelmanslag på ”Vad saknas?” är publicerat med delarna" in flash


def test_a_passage_not_in_the_text_is_named_and_nothing_is_lost(editor, consultation, scene):
    answer = text_answer(scene.redacted, "Vad saknas?")
    key = item_key(answer)
    typed = "Per Persson\nPer Olsson"
    response = decide(editor, consultation, answer, "redact", passages=typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.startswith("<!doctype html>") and "<title>Fel:" in page
    assert "”Per Olsson” finns inte i texten." in page
    assert f'href="#{key}-passages"' in page
    assert f"{typed}</textarea>" in page  # what was typed is kept
    db.session.refresh(answer)
    assert answer.review_state == ReviewState.PENDING and answer.redacted_text is None

    empty = decide(editor, consultation, answer, "redact", passages=" \n ")
    assert "Skriv minst en del av texten som ska maskeras" in empty.get_data(as_text=True)
    assert empty.status_code == 422


def test_hiding_needs_a_reason_and_files_cannot_be_masked(editor, consultation, scene):
    answer = text_answer(scene.waiting, "Vad saknas?")
    refused = decide(editor, consultation, answer, "hide", note="  ")
    assert refused.status_code == 422
    assert "Skriv varför du döljer det." in refused.get_data(as_text=True)
    too_long = decide(editor, consultation, answer, "hide", note="x" * 301)
    assert too_long.status_code == 422 and "Använd högst 300 tecken" in too_long.get_data(True)
    statement = scene.waiting.attachments[0]
    masked = decide(editor, consultation, statement, "redact", passages="PDF")
    assert masked.status_code == 422
    assert "En fil kan publiceras eller döljas, inte maskeras." in masked.get_data(as_text=True)
    nothing = decide(editor, consultation, statement, "")
    assert nothing.status_code == 422
    db.session.refresh(answer)
    db.session.refresh(statement)
    assert answer.review_state == statement.review_state == ReviewState.PENDING
    assert _review_events() == []


def test_a_decision_can_be_changed(editor, consultation, scene):
    answer = text_answer(scene.waiting, "Vad saknas?")
    decide(editor, consultation, answer, "hide", note=HIDDEN_REASON)
    decide(editor, consultation, answer, "publish")
    db.session.refresh(answer)
    assert answer.review_state == ReviewState.PUBLISHED and answer.review_note is None
    assert UNREVIEWED in editor.application.test_client().get(
        "/r/kronoberg/c/kulturplan/board"
    ).get_data(as_text=True)


def _review_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("review.%")).order_by(AuditEvent.id)
        )
    )


def test_each_decision_is_in_the_audit_log_without_the_text(editor, consultation, scene):
    decide_all(editor, consultation, scene)
    events = _review_events()
    user = events[0].user_id
    assert [(e.action, e.subject) for e in events] == [
        ("review.publish", f"response:{scene.published.id}"),
        ("review.hide", f"response:{scene.published.id}"),
        ("review.redact", f"response:{scene.redacted.id}"),
        ("review.publish", f"response:{scene.published.id}"),
        ("review.hide", f"response:{scene.redacted.id}"),
    ]
    assert events[3].detail == f"statement={scene.published.attachments[0].id}"
    assert all(e.user_id == user is not None and e.region_id == consultation.region_id
               for e in events)  # fmt: skip
    for event in events:
        for text in (ORIGINAL, "Per Persson", HIDDEN_REASON, PUBLISHED):
            assert text not in event.detail


def test_viewers_read_the_queue_and_other_regions_find_nothing(client, consultation, scene):
    answer = text_answer(scene.waiting, "Vad saknas?")
    login(client, make_user("kronoberg", Role.VIEWER))
    page = client.get(scene.queue(consultation))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert UNREVIEWED in html and "Du kan läsa kön; redaktörer beslutar." in html
    assert '<form method="post" class="inline-form" action' not in html
    assert decide(client, consultation, answer, "publish").status_code == 403

    other = client.application.test_client()
    login(other, make_user("blekinge", Role.EDITOR))
    assert other.get(scene.queue(consultation)).status_code == 404
    assert decide(other, consultation, answer, "publish").status_code == 404
    db.session.refresh(answer)
    assert answer.review_state == ReviewState.PENDING


def test_an_item_of_another_consultation_is_not_found(editor, consultation, scene):
    other = make_consultation(slug="annat-samrad")
    queue = f"/admin/r/kronoberg/c/{other.id}/review"
    assert "Inget väntar på granskning." in editor.get(queue).get_data(as_text=True)
    data = {"csrf_token": csrf_token(editor, queue)}
    statement = scene.waiting.attachments[0]
    answer = text_answer(scene.waiting, "Vad saknas?")
    files = f"{queue}/responses/{scene.waiting.id}/files/{statement.id}"
    assert editor.post(files, data=data).status_code == 404
    texts = f"{queue}/responses/{scene.waiting.id}/questions/{answer.question_id}"
    assert editor.post(texts, data=data).status_code == 404
    mine = f"/admin/r/kronoberg/c/{consultation.id}/review/responses/{scene.published.id}"
    assert editor.post(f"{mine}/files/{statement.id}", data=data).status_code == 404


def test_an_answer_changed_since_the_queue_was_shown_is_not_decided_unseen(
    editor, consultation, scene
):
    answer = text_answer(scene.waiting, "Vad saknas?")
    stale = decide(editor, consultation, answer, "publish", seen_id=answer.id + 1000)
    assert stale.status_code == 303
    assert "har ändrats sedan kön visades" in editor.get(stale.headers["Location"]).get_data(True)
    # A score is no free text: nothing to decide on.
    score = text_answer(scene.waiting, "Hur väl?")
    assert decide(editor, consultation, score, "publish").status_code == 303
    db.session.refresh(answer)
    db.session.refresh(score)
    assert answer.review_state == score.review_state == ReviewState.PENDING


def test_with_htmx_the_item_and_counts_are_swapped_and_announced(editor, consultation, scene):
    statement = scene.waiting.attachments[0]
    key = item_key(statement)
    response = decide(editor, consultation, statement, "publish", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "<!doctype" not in html
    assert f'<article class="card" id="item-{key}"' in html
    assert 'tabindex="-1" autofocus' in html  # the focus stays on the item decided
    assert '<nav id="review-counts" data-hx-swap-oob="innerHTML">' in html
    assert "Publicerat</a>: <strong>1</strong>" in html
    assert "Yttrandet ogranskad.pdf från Växjö kammarkör är publicerat." in html

    answer = text_answer(scene.waiting, "Vad saknas?")
    error = decide(editor, consultation, answer, "redact", passages="Olsson",
                   headers={"HX-Request": "true"})  # fmt: skip
    assert error.status_code == 422
    html = error.get_data(as_text=True)
    assert f'<article class="card" id="item-{item_key(answer)}"' in html
    assert 'role="alert"' in html and "”Olsson” finns inte i texten." in html
    assert "review-counts" not in html


def _submit(client, token: str) -> None:  # type: ignore[no-untyped-def]
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    sent = client.post(f"/respond/{token}/submit", data={"nonce": nonce_on(check)})
    assert sent.status_code == 303


def _current(client_response_id: int, question_id: int) -> Answer:
    return db.session.scalars(
        select(Answer)
        .join(Response, Response.current_version_id == Answer.version_id)
        .where(Response.id == client_response_id, Answer.question_id == question_id)
    ).one()


def test_an_unchanged_text_keeps_its_decision_when_the_answer_is_sent_again(
    app, client, consultation
):
    consultation.review_before_publishing = True
    consultation.board_visibility = "while_open"
    db.session.commit()
    q = {question.label: question for question in consultation.questions}
    place, missing = q["Ort"].id, q["Vad saknas?"].id
    token = start(client)

    def send(text: str) -> None:
        client.post(f"/respond/{token}/s/1", data={f"q-{place}": "Råshult", "action": "save"})
        second = {f"q-{missing}": text, f"q-{q['Hur väl?'].id}": "3", "action": "save"}
        client.post(f"/respond/{token}/s/2", data=second)
        _submit(client, token)
        db.session.expire_all()

    send(ORIGINAL)
    response_id = db.session.scalars(select(Response.id)).one()
    staff = app.test_client()
    login(staff, make_user("kronoberg", Role.EDITOR))
    decide(staff, consultation, _current(response_id, place), "hide",
           note=HIDDEN_REASON)  # fmt: skip
    decide(staff, consultation, _current(response_id, missing), "redact",
           passages="Per Persson\n0470-12345")  # fmt: skip

    send(ORIGINAL)  # the same texts again: both decisions come along
    hidden, masked = _current(response_id, place), _current(response_id, missing)
    assert (hidden.review_state, hidden.review_note) == (ReviewState.HIDDEN, HIDDEN_REASON)
    assert hidden.reviewed_by_id is not None
    assert (masked.review_state, masked.redacted_text) == (ReviewState.REDACTED, MASKED)
    assert db.session.scalar(select(func.count()).select_from(ResponseVersion)) == 2

    send(ORIGINAL + " igen")  # one text changed: it waits for review; the other stays hidden
    assert _current(response_id, place).review_state == ReviewState.HIDDEN
    changed = _current(response_id, missing)
    assert changed.review_state == ReviewState.PENDING and changed.redacted_text is None
    page = app.test_client().get("/r/kronoberg/c/kulturplan/board").get_data(as_text=True)
    assert "Råshult" not in page and "Per Persson" not in page and MASKED not in page
    assert "1 svar har dolts av regionen." in page
    assert "1 svar väntar på granskning hos regionen." in page


def test_an_english_queue_marks_the_organisations_swedish_text(editor, consultation, scene):
    page = editor.get(f"{scene.queue(consultation)}?lang=en").get_data(as_text=True)
    assert '<span class="kicker" lang="sv">Kulturplan 2027–2030</span>' in page
    assert '<span class="kicker" lang="sv">Vad saknas?</span>' in page
    assert f'<blockquote lang="sv"><p>{UNREVIEWED}</p></blockquote>' in page
    assert '<span class="kicker">Written statement</span>' in page
