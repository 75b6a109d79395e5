"""Hints beside a question as organisations see it: a number question shows its range, and the
multiple-choice hint gives way to the author's own."""

from __future__ import annotations

import re

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import QuestionKind, Role
from tests.conftest import login, make_consultation, make_user, question_data


def _hints(html: str, question_id: int) -> list[str]:
    field = re.search(rf'id="q-{question_id}-field">(.*?)</(?:fieldset|div)>', html, re.S)
    assert field, question_id
    return [re.sub(r"\s+", " ", hint).strip()
            for hint in re.findall(r'<p class="hint"[^>]*>(.*?)</p>', field[1], re.S)]  # fmt: skip


def test_number_ranges_and_the_multiple_choice_hint(client):
    consultation = make_consultation(with_questions=False)
    section = builder.add_section(consultation, "Om er", "")
    kinds = {"number": QuestionKind.NUMBER, "choice": QuestionKind.MULTIPLE_CHOICE}
    asked = {
        name: builder.add_question(section, question_data(kind=kinds[name.split("-")[0]],
                                                          label=name, **changes))
        for name, changes in [
            ("number-both", {"number_min": 0, "number_max": 25000}),
            ("number-low", {"number_min": 10}),
            ("number-high", {"number_max": 5}),
            ("number-open", {}),
            ("choice-plain", {"options": ["Musik", "Teater"]}),
            ("choice-own", {"options": ["Musik", "Teater"], "help_text": "Välj högst två."}),
        ]
    }  # fmt: skip
    db.session.commit()
    login(client, make_user("kronoberg", Role.VIEWER))
    html = client.get(f"/admin/r/kronoberg/c/{consultation.id}/preview").get_data(as_text=True)

    both = asked["number-both"].id
    assert _hints(html, both) == ["Skriv ett tal från 0 till 25 000."]  # grouped by Babel
    assert _hints(html, asked["number-low"].id) == ["Skriv 10 eller mer."]
    assert _hints(html, asked["number-high"].id) == ["Skriv 5 eller mindre."]
    assert _hints(html, asked["number-open"].id) == []
    assert re.search(rf'id="q-{both}" [^>]*aria-describedby="[^"]*q-{both}-range', html)
    plain = _hints(html, asked["choice-plain"].id)  # the generic hint, e.g. "Välj alla …"
    assert len(plain) == 1 and plain[0].startswith("Välj alla")
    assert _hints(html, asked["choice-own"].id) == ["Välj högst två."]
