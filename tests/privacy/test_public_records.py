"""What respondents are told: the answer becomes a public record of the region, what the board
publishes, and a privacy notice that promises no erasure the rules for public records forbid."""

from __future__ import annotations

import html
import re

from kick_forms.extensions import db
from tests.responses.conftest import start

NOTICE = "/integritet"


def _text(reply) -> str:  # type: ignore[no-untyped-def]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", reply.get_data(as_text=True))).split())


def _notice_before_the_button(page: str) -> str:
    """The public-record notice of a check page, which must come before the send button."""
    notice = page.index("Svaret blir en allmän handling")
    assert notice < page.index("Skicka in svaret"), "the notice comes before the button"
    return page[notice : page.index("Skicka in svaret")]


def test_the_check_page_says_the_answer_becomes_a_public_record(app, consultation):
    client = app.test_client(use_cookies=False)  # as in a frame where cookies are blocked
    token = start(client)
    for prefix in ("", "/embed"):
        notice = _notice_before_the_button(_text(client.get(f"{prefix}/respond/{token}/check")))
        assert "blir det en allmän handling hos Region Kronoberg" in notice
        assert "Vem som helst kan begära att få läsa det." in notice
        assert "Siffrorna: hur många som valde varje alternativ" in notice
        assert "Fritextsvar och bifogade skriftliga yttranden, med organisationens namn" in notice
        assert "Kontaktpersonen publiceras aldrig." in notice
        assert "diarienummer" not in notice and "granskat" not in notice

    consultation.registry_number = "RS 2026/1234"
    consultation.review_before_publishing = True
    db.session.commit()
    for prefix in ("", "/embed"):
        notice = _notice_before_the_button(_text(client.get(f"{prefix}/respond/{token}/check")))
        assert "Regionen diarieför det under diarienummer RS 2026/1234." in notice
        assert "Fritextsvar och yttranden visas först när regionen har granskat dem." in notice


def test_without_the_name_the_check_page_says_statements_are_not_published(app, consultation):
    client = app.test_client()
    token = start(client, may_publish_name="no")
    consultation.review_before_publishing = True
    db.session.commit()
    notice = _notice_before_the_button(_text(client.get(f"/respond/{token}/check?lang=sv")))
    assert "Fritextsvar, med typ av organisation i stället för organisationens namn" in notice
    assert "Bifogade skriftliga yttranden publiceras inte." in notice
    assert "Fritextsvar visas först när regionen har granskat dem." in notice
    assert "med organisationens namn, som du valde" not in notice
    english = _text(client.get(f"/respond/{token}/check?lang=en"))
    assert "the answer becomes a public record (allmän handling) at Region Kronoberg" in english


def test_the_notice_names_the_operator_and_keeps_public_records(app, client):
    app.config.update(OPERATOR_NAME="Kulturdrift AB", OPERATOR_DPO_EMAIL="dpo@kulturdrift.se")
    page = _text(client.get(f"{NOTICE}?lang=sv"))
    assert "Kulturdrift AB driver den här installationen av KICK Forms" in page
    assert "personuppgiftsbiträde" in page and "Dataskyddsombud dpo@kulturdrift.se" in page
    assert "(regionen är personuppgiftsansvarig)" in page
    for rule in ("allmän handling", "arkivlagen", "offentlighets- och sekretesslagen",
                 "dokumenthanteringsplan"):  # fmt: skip
        assert rule in page
    assert "kan ett svar som har skickats in inte raderas på begäran" in page
    # Who is outside the records can still be erased; nothing promises erasure outright.
    assert "kontaktpersonerna i en regions register och adresserna som får inbjudningar" in page
    assert "att få dina uppgifter raderade och att invända" not in page
    assert "rätta det och radera det." not in page

    english = _text(client.get(f"{NOTICE}?lang=en"))
    assert "is a public record (allmän handling) of the region as soon as it arrives" in english
    assert "cannot be erased on request, not even when it is withdrawn" in english
