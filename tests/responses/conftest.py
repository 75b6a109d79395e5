"""Helpers to answer the open consultation of the ``consultation`` fixture."""

from __future__ import annotations

import re

from kick_forms.models import QuestionKind

START = "/r/kronoberg/c/kulturplan/respond"
ORGANISATION = {
    "organisation_name": "Hembygdsföreningen Linnés Råshult",
    "organisation_number": "802455-1239",
    "municipality": "0764",
    "categories": ["local_heritage"],
    "contact_name": "Karin Andersson",
    "contact_email": "karin@example.se",
    "may_publish_name": "yes",
}


def start(client, **changes) -> str:
    """Start a draft through the form; return its private link's token."""
    page = client.get(START).get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(START, data={**ORGANISATION, "nonce": nonce, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    return token_of(response.headers["Location"])


def token_of(location: str) -> str:
    return re.search(r"/respond/([A-Za-z0-9_-]{43})", location).group(1)


def nonce_on(html: str) -> str:
    return re.search(r'name="nonce" value="([^"]+)"', html).group(1)


def answers_to(consultation, number: int) -> dict[str, object]:
    """An answer to every question of section ``number``, as a browser posts it."""
    form: dict[str, object] = {"action": "save"}
    for question in consultation.sections[number - 1].questions:
        name = f"q-{question.id}"
        kind = QuestionKind(question.kind)
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            form[name] = str(question.options[0].id)
        elif kind == QuestionKind.SCALE:
            form[name] = "4"
        elif kind == QuestionKind.YES_NO:
            form[name] = "yes"
        elif kind == QuestionKind.NUMBER:
            form[name] = "12"
        else:
            form[name] = "Ett svar"
    return form


def answered_draft(client, consultation, email: str) -> str:
    """A draft with every section answered; its private link's token."""
    token = start(client, contact_email=email)
    for number in range(1, len(consultation.sections) + 1):
        client.post(f"/respond/{token}/s/{number}", data=answers_to(consultation, number))
    return token
