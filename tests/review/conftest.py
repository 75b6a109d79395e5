"""A consultation under review: three named organisations' answers, each with a free text and
a statement, and helpers to decide on them through the staff's queue."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from kick_forms.extensions import db
from kick_forms.models import Answer, Attachment, Question, Response, Role
from tests.board.generated import add_response
from tests.board.test_exports import _attach
from tests.conftest import csrf_token, login, make_user

UNREVIEWED = "Ring Karin Andersson om lokalen i Växjö"
PUBLISHED = "Fler scener i Älmhult och Åseda"
ORIGINAL = "Kontakta Per Persson på 0470-12345 om scenen"
MASKED = "Kontakta [maskerat] på [maskerat] om scenen"
HIDDEN = "Styrelsen bråkar om pengarna"
HIDDEN_REASON = "Uppgifter om enskilda"
BOARD = "/r/kronoberg/c/kulturplan/board"


@dataclass
class Scene:
    """The three answers: ``waiting`` is left alone; the others are decided by ``decide_all``."""

    waiting: Response
    published: Response
    redacted: Response

    def queue(self, consultation) -> str:  # type: ignore[no-untyped-def]
        return f"/admin/r/kronoberg/c/{consultation.id}/review"


def text_answer(response: Response, label: str) -> Answer:
    """The response's answer in its current version to the question with this label."""
    return db.session.scalars(
        db.select(Answer)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.version_id == response.current_version_id, Question.label == label)
    ).one()


@pytest.fixture
def scene(consultation) -> Scene:
    """An open consultation whose board is public while open and whose region reviews before
    publishing, with three named organisations' answers."""
    consultation.board_visibility = "while_open"
    consultation.review_before_publishing = True
    q = {question.label: question for question in consultation.questions}
    scale = q["Hur väl?"]

    def answer(name, municipality, category, missing, place, statement):  # type: ignore[no-untyped-def]
        response = add_response(
            consultation, name=name, municipality=municipality, categories=[category],
            named=True, answers={q["Vad saknas?"]: missing, q["Ort"]: place, scale: "4"},
        )  # fmt: skip
        _attach(response, statement, f"%PDF-1.4 {statement}".encode())
        return response

    scene = Scene(
        waiting=answer("Växjö kammarkör", "0780", "choir", UNREVIEWED, "Växjö", "ogranskad.pdf"),
        published=answer("Ljungby hembygdsförening", "0781", "local_heritage", PUBLISHED,
                         HIDDEN, "publicerad.pdf"),
        redacted=answer("Tingsryds spelmanslag", "0763", "folk_music_dance", ORIGINAL,
                        "Tingsryd", "dold.pdf"),
    )  # fmt: skip
    db.session.commit()
    return scene


def item_key(row: Answer | Attachment) -> str:
    """The item's element id on the queue, without "item-", and its fields' prefix."""
    if isinstance(row, Answer):
        return f"answer-{row.response_id}-{row.question_id}"
    return f"statement-{row.response_id}-{row.id}"


def decide(client: FlaskClient, consultation, row, decision: str, headers=None, seen_id=None,
           **fields):  # type: ignore[no-untyped-def]  # fmt: skip
    """Post a decision on a free-text answer or a statement, as its form on the queue does."""
    queue = f"/admin/r/kronoberg/c/{consultation.id}/review"
    token = csrf_token(client, queue)  # the page's logout form has one for the session
    if isinstance(row, Answer):
        url = f"{queue}/responses/{row.response_id}/questions/{row.question_id}"
    else:
        url = f"{queue}/responses/{row.response_id}/files/{row.id}"
    key = item_key(row)
    data = {"csrf_token": token, "seen": str(seen_id or row.id), f"{key}-decision": decision}
    data.update({f"{key}-{name}": value for name, value in fields.items()})
    return client.post(url, data=data, headers=headers or {})


@pytest.fixture
def editor(client) -> FlaskClient:
    login(client, make_user("kronoberg", Role.EDITOR))
    return client


def decide_all(editor: FlaskClient, consultation, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    """Publish one text and one statement, hide a text and a statement, mask a text."""
    published = text_answer(scene.published, "Vad saknas?")
    hidden = text_answer(scene.published, "Ort")
    redacted = text_answer(scene.redacted, "Vad saknas?")
    steps = [
        (published, "publish", {}),
        (hidden, "hide", {"note": HIDDEN_REASON}),
        (redacted, "redact", {"passages": "Per Persson\r\n0470-12345\r\n"}),
        (scene.published.attachments[0], "publish", {}),
        (scene.redacted.attachments[0], "hide", {"note": HIDDEN_REASON}),
    ]
    for row, decision, fields in steps:
        response = decide(editor, consultation, row, decision, **fields)
        assert response.status_code == 303, response.get_data(as_text=True)
