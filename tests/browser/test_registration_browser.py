"""Self-registration in Chromium: axe-core on the public form, the confirmation pages and the
staff's requests, and the whole way from the public form to the region's register."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import OutboxMessage, Region, Role
from kick_forms.organisations import services as register
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in

LINK = re.compile(r"https?://\S+/register/confirm/[A-Za-z0-9_-]+")


def _confirmation_link(live_app, email: str) -> str:  # type: ignore[no-untyped-def]
    """The link in the newest confirmation mail to this address, as its reader gets it."""
    with live_app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .filter_by(to_address=email)
            .order_by(OutboxMessage.id.desc())
        ).first()
    return LINK.search(body).group(0)


def _fill(page, name: str, municipality: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#name", name)
    page.select_option("#municipality", municipality)
    page.get_by_label("Kör", exact=True).check()
    page.fill("#website", "https://example.se")
    page.fill("#contact_name", "Eva Ek")
    page.fill("#contact_email", email)
    page.get_by_label("Jag har läst hur KICK Forms hanterar personuppgifter").check()
    page.get_by_role("button", name="Skicka ansökan").click()


def test_the_registration_pages_have_no_axe_violations(live_app, live_server, page):
    with live_app.app_context():
        add_staff("dalarna", Role.EDITOR, "registrering@dalarna.example.se")
        dalarna = db.session.scalars(select(Region).filter_by(slug="dalarna")).one()
        register.register_organisation(
            dalarna, register.OrganisationData("Faluns kammarkör", None, "2080", ["choir"])
        )
        db.session.commit()
    checked = {}
    form = f"{live_server}/r/dalarna/register"

    page.goto(form)
    checked["form"] = violations(page)
    page.get_by_role("button", name="Skicka ansökan").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Fel:")
    checked["form with errors"] = violations(page)

    _fill(page, "Faluns kammarkör", "2080", "kor@falun.example.se")
    page.wait_for_url("**/register/sent")
    checked["check your email"] = violations(page)

    page.goto(_confirmation_link(live_app, "kor@falun.example.se"))
    checked["confirm"] = violations(page)
    page.get_by_role("button", name="Bekräfta ansökan").click()
    page.wait_for_url("**/register/confirmed")
    checked["confirmed"] = violations(page)
    page.goto(f"{live_server}/register/confirm/{'x' * 43}")
    checked["a link that does not work"] = violations(page)

    log_in(page, live_server, "registrering@dalarna.example.se")
    page.goto(f"{live_server}/admin/r/dalarna/organisations/requests")
    checked["requests"] = violations(page)
    page.get_by_role("button", name="Slå ihop Faluns kammarkör").click()
    expect(page.locator(".error-summary")).to_be_focused()
    checked["merge with errors"] = violations(page)

    assert {name: found for name, found in checked.items() if found} == {}


def test_an_organisation_asks_confirms_and_is_approved_into_the_register(
    live_app, live_server, page
):
    with live_app.app_context():
        add_staff("gotland", Role.EDITOR, "registrering@gotland.example.se")
        db.session.commit()

    page.goto(f"{live_server}/r/gotland/")
    page.get_by_role("link", name="Saknas er organisation? Ansök om att bli registrerad").click()
    _fill(page, "Gotlands spelmanslag", "0980", "spel@gotland.example.se")
    page.get_by_role("heading", name="Titta i din e-post").wait_for()

    page.goto(_confirmation_link(live_app, "spel@gotland.example.se"))
    page.get_by_role("button", name="Bekräfta ansökan").click()
    page.get_by_role("heading", name="Tack, ansökan är bekräftad").wait_for()

    log_in(page, live_server, "registrering@gotland.example.se")
    page.goto(f"{live_server}/admin/r/gotland/organisations")
    assert "1 väntar" in page.locator("main").inner_text()
    page.get_by_role("link", name="Ansökningar om att bli registrerad").click()
    page.get_by_role("heading", name="Gotlands spelmanslag").wait_for()
    assert "spel@gotland.example.se" in page.locator("main").inner_text()
    page.get_by_role("button", name="Godkänn Gotlands spelmanslag").click()
    page.get_by_text("Gotlands spelmanslag finns nu i registret.").wait_for()
    assert "Ingen ansökan väntar." in page.locator("main").inner_text()

    page.goto(f"{live_server}/admin/r/gotland/organisations")
    page.get_by_role("link", name="Gotlands spelmanslag").click()
    main = page.locator("main").inner_text()
    assert "Gotland" in main and "Eva Ek" in main
