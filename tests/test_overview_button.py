"""The answer's overview: its main button follows the answer, from "Svara på frågorna" to
"Fortsätt" (to the first section with questions left) to "Kontrollera och skicka in"."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from kick_forms.extensions import db
from kick_forms.models import QuestionKind, Response
from kick_forms.responses.services import save_answers
from kick_forms.timeutil import utcnow
from tests.responses.conftest import start


def _main_button(client, token: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    html = client.get(f"/respond/{token}").get_data(as_text=True)
    button = re.search(r'<a class="button" href="([^"]+)">([^<]+)</a>', html)
    assert button
    return button[2], button[1]


def _answer(response: Response, questions) -> None:  # type: ignore[no-untyped-def]
    form = MultiDict()
    for question in questions:
        kind = QuestionKind(question.kind)
        if kind.has_options:
            value = str(question.options[0].id)
        else:
            value = {QuestionKind.SCALE: "3", QuestionKind.YES_NO: "yes"}.get(kind, "12")
        form.add(f"q-{question.id}", value)
    save_answers(response, questions, form, utcnow())
    db.session.commit()


def test_the_main_button_follows_the_answer(client, consultation):
    token = start(client)
    assert _main_button(client, token) == ("Svara på frågorna", f"/respond/{token}/s/1")

    response = db.session.scalars(db.select(Response)).one()
    first, second = consultation.sections
    _answer(response, first.questions)
    assert _main_button(client, token) == ("Fortsätt", f"/respond/{token}/s/2")

    _answer(response, second.questions)
    assert _main_button(client, token) == ("Kontrollera och skicka in", f"/respond/{token}/check")
