"""The KICK method in a browser: ticking with htmx keeps the focus, the quality survey on both
sides, and the board's panels; axe-core on each of these pages."""

from __future__ import annotations

import re

from kick_forms.consultations import services as builder
from kick_forms.dialogue import quality
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, Response, ResponseContact, Role
from kick_forms.timeutil import utcnow
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in, open_consultation

STAFF = "metod@orebro.example.se"


def _setup(live_app) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_staff("orebro", Role.EDITOR, STAFF)
        consultation = open_consultation("orebro", "Kulturplan Örebro", "metod", "dialogue")
        response = Response(consultation_id=consultation.id, organisation_name="Örebro kör",
                            status="submitted", submitted_at=utcnow())  # fmt: skip
        response.contact = ResponseContact(name="Kim", email="kim@example.se")
        db.session.add(response)
        db.session.flush()
        builder.change_status(consultation, ConsultationStatus.CLOSED, utcnow())
        db.session.commit()
        return consultation.id, quality.survey_token(response)


def test_the_checklist_keeps_the_focus_and_the_surveys_pass_axe(live_app, live_server, page):
    consultation_id, token = _setup(live_app)
    checked = {}
    log_in(page, live_server, STAFF)
    method = f"{live_server}/admin/r/orebro/c/{consultation_id}/method"
    page.goto(method)
    checked["checklist"] = violations(page)

    item = page.get_by_role("button", name=re.compile("Registret är kontrollerat för luckor"))
    assert item.get_attribute("aria-pressed") == "false"
    item.click()
    page.locator("#item-register_gaps [aria-pressed=true]").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    assert page.locator(".checklist__progress").inner_text() == "1 av 12 klara"
    checked["after ticking"] = violations(page)

    page.get_by_role("button", name="Registrera mötet").click()
    page.locator(".error-summary").wait_for()
    checked["meeting with errors"] = violations(page)

    page.get_by_role("link", name="Svara på enkäten som tjänsteperson").click()
    checked["staff survey"] = violations(page)
    page.get_by_role("button", name="Skicka in svaret").click()
    page.locator(".error-summary").wait_for()
    checked["staff survey with errors"] = violations(page)
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("5 – Helt").check()
    page.get_by_role("button", name="Skicka in svaret").click()
    page.get_by_text("Tack! Ert svar är sparat.").wait_for()

    visitor = page.context.browser.new_context(locale="sv-SE").new_page()
    visitor.goto(f"{live_server}/kvalitet/{token}")
    checked["organisation survey"] = violations(visitor)
    for fieldset in visitor.locator("fieldset").all():
        fieldset.get_by_label("4 – Till stor del").check()
    comment = visitor.get_by_label("Vad kan bli bättre nästa gång? (valfritt)")
    comment.fill("Fler möten på landsbygden.")
    visitor.get_by_role("button", name="Skicka in svaret").click()
    visitor.get_by_text("Tack! Ert svar är sparat.").wait_for()
    checked["organisation survey sent"] = violations(visitor)
    visitor.context.close()

    with live_app.app_context():
        from kick_forms.models import Consultation

        consultation = db.session.get(Consultation, consultation_id)
        builder.change_status(consultation, ConsultationStatus.PUBLISHED, utcnow())
        db.session.commit()
    page.goto(f"{live_server}/r/orebro/c/metod/board")
    page.get_by_role("heading", name="Så genomfördes samrådet").wait_for()
    page.get_by_role("heading", name="Dialogens kvalitet").wait_for()
    checked["board with the method and the quality"] = violations(page)
    assert checked == {name: [] for name in checked}
