"""The accessibility statement: its status and known shortcomings from the repository's file,
the operator from configuration, the form that reports a problem, and the links to it."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from kick_forms.accessibility import services as accessibility
from kick_forms.extensions import db
from kick_forms.models import OutboxMessage
from tests.conftest import csrf_token, make_app

STATEMENT = "/tillganglighet"
SENT = "/tillganglighet/skickat"
REFERENCE = re.compile(r"TR-\d{6}")


def _text(reply) -> str:  # type: ignore[no-untyped-def]
    """The page as a reader sees its words: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", reply.get_data(as_text=True))).split())


def _report(client, **changes):  # type: ignore[no-untyped-def]
    data = {
        "page": "https://kick.example.se/r/kronoberg/",
        "problem": "Knappen Skicka går inte att nå med tabb.\nJag använder NVDA.",
        "email": "",
        "csrf_token": csrf_token(client, STATEMENT),
    }
    data.update(changes)
    return client.post(STATEMENT, data=data)


def _outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_statement_lists_every_known_shortcoming_from_the_file(client):
    data = accessibility.statement_data()
    assert data["shortcomings"], "the file lists today's known shortcomings"
    for language, status in (("sv", "delvis förenlig"), ("en", "partially compliant")):
        reply = client.get(f"{STATEMENT}?lang={language}")
        assert reply.status_code == 200
        page = _text(reply)
        assert f"KICK Forms {'är' if language == 'sv' else 'is'} {status} " in page
        for shortcoming in data["shortcomings"]:
            for part in ("text", "where", "planned_fix"):
                assert " ".join(shortcoming[part][language].split()) in page, (
                    shortcoming["key"],
                    part,
                )
            criteria = ", ".join(shortcoming["wcag"])
            assert f"{criteria})" in page and "WCAG" in page
        assert data["last_review"] in page and data["updated"] in page
    swedish = _text(client.get(f"{STATEMENT}?lang=sv"))
    assert "Myndigheten för digital förvaltning" in swedish
    assert 'href="https://www.digg.se/tdosanmalan"' in client.get(STATEMENT).get_data(as_text=True)
    assert "axe-core" in swedish and "Nu HTML checker" in swedish
    assert "Den senaste bedömningen gjordes den " + data["last_review"] in swedish


def test_with_no_known_shortcoming_the_service_is_fully_compliant(client, monkeypatch):
    known = accessibility.statement_data()
    monkeypatch.setattr(accessibility, "statement_data", lambda: {**known, "shortcomings": []})
    page = _text(client.get(f"{STATEMENT}?lang=sv"))
    assert "KICK Forms är helt förenlig med lagen" in page
    assert "Det finns inget känt innehåll som inte är tillgängligt." in page
    assert "delvis förenlig" not in page
    assert known["shortcomings"][0]["text"]["sv"][:40] not in page


def test_the_operator_comes_from_the_environment(database_url, monkeypatch):
    monkeypatch.setenv("KICK_OPERATOR_NAME", "Region Exempel IT")
    monkeypatch.setenv("KICK_OPERATOR_ORG_NUMBER", "232100-0000")
    monkeypatch.setenv("KICK_OPERATOR_ADDRESS", "Box 1, 351 12 Växjö")
    monkeypatch.setenv("KICK_OPERATOR_EMAIL", "kick@exempel.se")
    monkeypatch.setenv("KICK_OPERATOR_PHONE", "0470-00 00 00")
    monkeypatch.setenv("KICK_OPERATOR_DPO_EMAIL", "dataskydd@exempel.se")
    app = make_app(database_url)
    assert app.config["ACCESSIBILITY_EMAIL"] == "kick@exempel.se"  # the contact's by default
    client = app.test_client()
    with app.app_context():
        statement = _text(client.get(f"{STATEMENT}?lang=sv"))
        notice = _text(client.get("/integritet?lang=sv"))
        db.engine.dispose()
    for page in (statement, notice):
        for detail in ("Region Exempel IT", "232100-0000", "Box 1, 351 12 Växjö",
                       "kick@exempel.se", "0470-00 00 00"):  # fmt: skip
            assert detail in page
    assert "Dataskyddsombud dataskydd@exempel.se" in notice
    assert "dataskydd@exempel.se" not in statement

    monkeypatch.setenv("KICK_ACCESSIBILITY_EMAIL", "tillganglighet@exempel.se")
    assert make_app(database_url).config["ACCESSIBILITY_EMAIL"] == "tillganglighet@exempel.se"


def test_a_report_mails_the_operator_and_gives_a_receipt_with_a_reference(app, client):
    app.config["ACCESSIBILITY_EMAIL"] = "tillganglighet@kick.example.se"
    client.get(f"{STATEMENT}?lang=en")  # the reporter reads English; the operator Swedish
    sent = _report(client, email="kim@example.se")
    assert sent.status_code == 303 and sent.headers["Location"] == SENT

    to_operator, receipt = _outbox()
    reference = f"TR-{to_operator.id:06d}"
    assert to_operator.to_address == "tillganglighet@kick.example.se"
    assert to_operator.subject == f"Rapport om brist i tillgängligheten: {reference}"
    for detail in (reference, "https://kick.example.se/r/kronoberg/", "Svar till: kim@example.se",
                   "Knappen Skicka går inte att nå med tabb.\nJag använder NVDA."):  # fmt: skip
        assert detail in to_operator.body_text

    assert receipt.to_address == "kim@example.se"
    assert receipt.subject == f"We have received your report {reference}"
    assert reference in receipt.body_text and "/tillganglighet" in receipt.body_text
    # Anyone may type any address: the receipt repeats nothing the reporter wrote.
    assert "NVDA" not in receipt.body_text and "kronoberg" not in receipt.body_text

    page = client.get(SENT)
    assert page.status_code == 200
    assert f"Reference: {reference}" in _text(page)
    assert "Your report has been sent" in _text(page)
    # Another browser, which sent nothing, has no receipt to see.
    assert app.test_client().get(SENT).headers["Location"] == STATEMENT


def test_a_report_without_an_address_gets_no_receipt_mail(client):
    assert _report(client).status_code == 303
    (to_operator,) = _outbox()
    assert "Svar till: ingen adress angiven" in to_operator.body_text
    assert REFERENCE.search(_text(client.get(SENT))).group(0) == f"TR-{to_operator.id:06d}"


def test_a_report_with_errors_keeps_what_was_typed_and_sends_nothing(client):
    refused = _report(client, page="", problem="Fokus syns inte.", email="kim@")
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "<title>Fel:" in body and 'class="error-summary"' in body
    page = _text(refused)
    assert "Skriv vilken sida problemet finns på." in page
    assert "Ange en e-postadress i formatet namn@example.se." in page
    assert "Fokus syns inte.</textarea>" in body and 'value="kim@"' in body
    assert 'href="#page"' in body and 'aria-invalid="true"' in body

    robot = _report(client, fax_number="0470-123")
    assert robot.status_code == 422
    no_token = client.post(STATEMENT, data={"page": "/", "problem": "Fokus syns inte."})
    assert no_token.status_code == 400  # CSRF protection refuses it before the view
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_reports_are_rate_limited(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True, PUBLIC_WRITE_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        statuses = [_report(client, page="").status_code for _ in range(3)]
        reading = client.get(STATEMENT).status_code  # reading the statement is not limited
        db.session.remove()
        db.engine.dispose()
    assert statuses == [422, 422, 429]
    assert reading == 200


def test_every_footer_links_the_statement_the_frame_in_a_new_tab(client, consultation):
    for path in ("/", "/r/kronoberg/c/kulturplan/", "/integritet", "/finns-inte"):
        assert f'href="{STATEMENT}"' in client.get(path).get_data(as_text=True), path

    frame = client.get("/embed/r/kronoberg/c/kulturplan").get_data(as_text=True)
    assert f'<a href="{STATEMENT}" target="_blank" rel="noopener">' in frame
    assert "Tillgänglighetsredogörelse (öppnas i en ny flik)" in frame
    english = client.get("/embed/r/kronoberg/c/kulturplan?lang=en").get_data(as_text=True)
    assert f'<a href="{STATEMENT}?lang=en" target="_blank" rel="noopener">' in english
    assert "Accessibility statement (opens in a new tab)" in english
