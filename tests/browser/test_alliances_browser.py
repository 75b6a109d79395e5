"""The alliances in Chromium: axe-core on the public list, the pages where an organisation says
it wants to help start one, KICK's staff pages, and the invitation to join on the confirmation
page, with an alliance added through the staff's form."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from kick_forms.auth.services import create_user
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, OutboxMessage
from kick_forms.responses import services as answering
from kick_forms.timeutil import utcnow
from kick_forms.tokens import new_nonce
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, log_in
from tests.conftest import make_consultation

KICK = "kick@allianser.example.se"
ALLIANCE = "Ideell kulturallians Dalarna"


def _answered(live_app, live_server: str) -> str:  # type: ignore[no-untyped-def]
    """An answer sent to an open consultation in Dalarna; its confirmation page's address."""
    with live_app.test_request_context(base_url=live_server):
        consultation = make_consultation(
            region_slug="dalarna", slug="allianser", status=ConsultationStatus.OPEN
        )
        who = answering.Respondent(
            organisation_name="Dalarnas spelmansförbund",
            organisation_number=None,
            municipality_code="2080",
            category_keys=["folk_music_dance"],
            contact_name="Anna Berg",
            contact_email="anna@allianser.example.se",
            may_publish_name=True,
        )
        now = utcnow()
        response, token = answering.start_response(
            consultation, who, new_nonce(), now, lambda token: f"{live_server}/respond/{token}"
        )
        answering.submit_response(response, new_nonce(), now, f"{live_server}/respond/{token}")
        db.session.commit()
    return f"{live_server}/respond/{token}/confirmation/1"


def test_the_alliance_pages_have_no_axe_violations(live_app, live_server, page):
    with live_app.app_context():
        create_user(KICK, PASSWORD, platform_admin=True)
        db.session.commit()
    confirmation = _answered(live_app, live_server)
    checked = {}

    page.goto(f"{live_server}/allianser")
    expect(page.get_by_role("row", name="Region Dalarna")).to_contain_text(
        "Ingen allians registrerad ännu"
    )
    checked["the list"] = violations(page)

    # An organisation says it wants to help start Dalarna's alliance, and confirms.
    page.get_by_role("link", name="Var med och starta en i Region Dalarna").click()
    page.get_by_role("button", name="Vi vill vara med").click()
    expect(page.locator(".error-summary")).to_be_focused()
    checked["the interest form with errors"] = violations(page)
    page.fill("#name", "Falu spelmanslag")
    page.select_option("#municipality", label="Falun")
    page.fill("#contact_name", "Eva Ek")
    page.fill("#contact_email", "eva@allianser.example.se")
    page.get_by_label("Jag har läst hur KICK Forms hanterar personuppgifter").check()
    page.get_by_role("button", name="Vi vill vara med").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    checked["the interest sent"] = violations(page)
    with live_app.app_context():
        text = db.session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.to_address.like("eva@%"))
        ).one()
    page.goto(re.search(r"https?://\S+/allianser/bekrafta/\S+", text).group(0))
    checked["the interest to confirm"] = violations(page)
    page.get_by_role("button", name="Bekräfta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack, er organisation är räknad")
    checked["the interest confirmed"] = violations(page)

    log_in(page, live_server, KICK)
    page.goto(f"{live_server}/admin/alliances")
    checked["the staff's list"] = violations(page)
    page.get_by_role("link", name="Organisationer som vill ha en allians").click()
    expect(page.get_by_role("row", name="Falu spelmanslag")).to_contain_text("Eva Ek")
    checked["the organisations that want an alliance"] = violations(page)
    page.get_by_role("link", name="Starta alliansen i Region Dalarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Starta alliansen i Region Dalarna")
    checked["the start form"] = violations(page)
    page.goto(f"{live_server}/admin/alliances")

    page.get_by_role("link", name="Lägg till en allians").click()
    page.fill("#url", "http://www.facebook.com/groups/ikadalarna/")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Fel:")
    checked["the add form with errors"] = violations(page)

    page.fill("#name", ALLIANCE)
    page.select_option("#region", label="Region Dalarna")
    page.fill("#url", "https://www.facebook.com/groups/ikadalarna/")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"{live_server}/admin/alliances")
    expect(page.locator(".flash")).to_contain_text(f"{ALLIANCE} är tillagd.")

    page.get_by_role("link", name=f"Ta bort {ALLIANCE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ta bort {ALLIANCE}?")
    checked["the question before removing"] = violations(page)

    page.goto(confirmation)
    expect(page.get_by_role("heading", name=f"Gå med i {ALLIANCE}")).to_be_visible()
    link = page.get_by_role("link", name=f"{ALLIANCE} (öppnar Facebook)")
    expect(link).to_have_attribute("href", "https://www.facebook.com/groups/ikadalarna/")
    checked["the confirmation with the invitation to join"] = violations(page)

    assert {name: found for name, found in checked.items() if found} == {}
