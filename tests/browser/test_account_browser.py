"""A person's own account in a real browser: a forgotten password, a new one, their logins;
axe-core finds nothing on any of these pages, in the states people see them."""

from __future__ import annotations

import re

from kick_forms.auth.account import request_reset
from kick_forms.extensions import db
from kick_forms.models import OutboxMessage, Role
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, add_staff, log_in

EMAIL = "konto@blekinge.example.se"


def test_the_account_pages_have_no_axe_violations(live_app, live_server, page):
    with live_app.app_context():
        add_staff("blekinge", Role.EDITOR, EMAIL)
        request_reset(EMAIL, 60)
        db.session.commit()
        body = db.session.scalars(db.select(OutboxMessage).filter_by(to_address=EMAIL)).one()
        link = re.search(r"https?://\S+/admin/password/reset/\S+", body.body_text).group(0)
    checked = {}

    page.goto(f"{live_server}/admin/login")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    page.wait_for_url(f"{live_server}/admin/password/forgot")
    checked["forgot"] = violations(page)
    page.get_by_role("button", name="Skicka länken").click()
    page.locator(".error-summary").wait_for()
    checked["forgot with errors"] = violations(page)
    page.fill("#email", "ingen@example.se")
    page.get_by_role("button", name="Skicka länken").click()
    page.get_by_role("heading", name="Titta i din e-post").wait_for()
    checked["forgot, sent"] = violations(page)

    page.goto(link)
    checked["reset"] = violations(page)
    page.fill("#new_password", "password1234")
    page.fill("#repeat_password", "password1234")
    page.get_by_role("button", name="Spara det nya lösenordet").click()
    page.locator(".error-summary").wait_for()
    assert page.title().startswith("Fel:")
    checked["reset with errors"] = violations(page)
    page.goto(f"{live_server}/admin/password/reset/{'x' * 43}")
    checked["reset, not live"] = violations(page)

    log_in(page, live_server, EMAIL)
    page.get_by_role("link", name="Ditt konto").click()
    page.wait_for_url(f"{live_server}/admin/account")
    checked["account"] = violations(page)
    page.get_by_role("link", name="Byt lösenord").click()
    checked["password"] = violations(page)
    page.fill("#current_password", "inte mitt lösenord alls")
    page.fill("#new_password", "en helt ny och lång fras")
    page.fill("#repeat_password", "en helt ny och lång fras")
    page.get_by_role("button", name="Byt lösenord").click()
    page.locator(".error-summary").wait_for()
    checked["password with errors"] = violations(page)

    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", "en helt ny och lång fras")
    page.fill("#repeat_password", "en helt ny och lång fras")
    page.get_by_role("button", name="Byt lösenord").click()
    page.wait_for_url(f"{live_server}/admin/account")
    assert "utloggad överallt annars" in page.inner_text("main")

    page.goto(f"{live_server}/admin/account/sessions")
    assert "den här inloggningen" in page.inner_text("main")
    checked["sessions"] = violations(page)
    page.get_by_role("button", name="Logga ut överallt").click()
    page.wait_for_url(f"{live_server}/admin/login")
    assert "Du är utloggad överallt" in page.inner_text("main")

    assert {name: found for name, found in checked.items() if found} == {}
