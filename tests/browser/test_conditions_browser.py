"""A conditional question appears in place when its choice changes (htmx): the focus stays on
the choice, a live region says what appeared, and the page still passes axe."""

from __future__ import annotations

from playwright.sync_api import expect

from kick_forms.extensions import db
from kick_forms.responses import services as answering
from kick_forms.timeutil import utcnow
from tests.board.test_tally import CHOIR, _respondent
from tests.browser.axe import violations
from tests.consultations.conditional import by_label, conditional_consultation

ACTIVE_ID = "() => document.activeElement.id"


def test_a_conditional_question_appears_in_place_and_is_announced(live_app, live_server, page):
    with live_app.app_context():
        consultation = conditional_consultation(slug="villkor")
        _response, token = answering.start_response(
            consultation, _respondent(CHOIR), "browser-conditions", utcnow(), lambda t: t
        )
        db.session.commit()
        member, areas = by_label(consultation, "Medlem?"), by_label(consultation, "Områden")
        choirs = by_label(consultation, "Körer")
        ids = member.id, areas.id, choirs.id, areas.options[0].id
    member_id, areas_id, choirs_id, musik_id = ids

    page.goto(f"{live_server}/respond/{token}/s/1")
    expect(page.locator(f"#shown-q{areas_id} fieldset")).to_have_count(0)
    page.focus(f"#q-{member_id}-yes")
    page.keyboard.press("Space")

    expect(page.locator(f"#shown-q{areas_id} legend")).to_contain_text("Områden")
    expect(page.locator("#shown-status")).to_have_text("En ny fråga visas: ”Områden”.")
    assert page.evaluate(ACTIVE_ID) == f"q-{member_id}-yes"
    assert violations(page) == []

    # A chained question follows its own choice, inside the question that just appeared.
    page.focus(f"#q-{areas_id}-{musik_id}")
    page.keyboard.press("Space")
    expect(page.locator(f"#q-{choirs_id}")).to_be_visible()
    assert page.evaluate(ACTIVE_ID) == f"q-{areas_id}-{musik_id}"

    page.focus(f"#q-{member_id}-no")
    page.keyboard.press("Space")
    expect(page.locator(f"#shown-q{areas_id} fieldset")).to_have_count(0)
    expect(page.locator("#shown-status")).to_contain_text("Frågan ”Områden” visas inte längre.")
    assert page.evaluate(ACTIVE_ID) == f"q-{member_id}-no"
