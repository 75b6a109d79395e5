"""Two-factor sign-in in a browser: a region admin requires it for all staff, a colleague is
made to set it up while signing in (the QR code and the key as text), then signs in with a code;
axe-core and the Nu HTML checker on the settings, enrolment, recovery-code and second-step
pages (the demo's crawl does not reach them: no page it visits links to them)."""

from __future__ import annotations

import time

import pyotp

from kick_forms.extensions import db
from kick_forms.models import Region, RegionSignIn, Role
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, add_staff, log_in

ADMIN = "admin-2fa@norrbotten.example.se"
STAFF = "staff-2fa@norrbotten.example.se"


def _rules_off(live_app) -> None:  # type: ignore[no-untyped-def]
    """The live server is shared: a rule left on would stop other tests' platform admins."""
    with live_app.app_context():
        region = db.session.scalars(db.select(Region).filter_by(slug="norrbotten")).one()
        rules = db.session.get(RegionSignIn, region.id)
        if rules is not None:
            rules.two_factor_for_all = rules.two_factor_for_admins = False
            db.session.commit()


def _password_step(page, live_server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/admin/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def test_two_factor_pages_pass_axe_and_the_nu_checker(live_app, live_server, page, tmp_path):
    with live_app.app_context():
        add_staff("norrbotten", Role.ADMIN, ADMIN)
        add_staff("norrbotten", Role.EDITOR, STAFF)
        db.session.commit()
    checked, saved = {}, []

    def _check(name: str) -> None:
        checked[name] = violations(page)
        saved.append(tmp_path / f"{len(saved):02d}.html")
        saved[-1].write_text(page.content(), encoding="utf-8")

    try:
        log_in(page, live_server, ADMIN)
        page.goto(f"{live_server}/admin/r/norrbotten/sign-in")
        _check("region's rules")
        page.get_by_label("Tvåstegsverifiering krävs för all personal").check()
        page.get_by_role("button", name="Spara").click()
        page.locator(".flash").wait_for()
        assert page.get_by_label("Tvåstegsverifiering krävs för all personal").is_checked()
        _check("region's rules saved")
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(f"{live_server}/")

        _password_step(page, live_server, STAFF)
        page.wait_for_url(f"{live_server}/admin/account/two-factor")
        qr = page.get_by_role("img", name="QR-kod")
        assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
        assert qr.evaluate("image => image.complete && image.naturalWidth > 0")  # CSP allows it
        _check("enrolment")
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")

        page.fill("#code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
        page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
        page.locator(".error-summary").wait_for()
        assert page.title().startswith("Fel:")
        _check("enrolment with a wrong code")

        page.fill("#code", pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
        page.locator("#recovery-codes").wait_for()
        assert page.locator("#recovery-codes li").count() == 10
        _check("recovery codes")
        page.get_by_role("link", name="Jag har sparat koderna, fortsätt").click()
        page.wait_for_url(f"{live_server}/admin/")
        page.goto(f"{live_server}/admin/account/two-factor")
        _check("settings with two-factor on")
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(f"{live_server}/")

        _password_step(page, live_server, STAFF)
        page.wait_for_url(f"{live_server}/admin/login/two-factor")
        _check("second step")
        page.fill("#code", "12345")
        page.get_by_role("button", name="Logga in").click()
        page.locator(".error-summary").wait_for()
        _check("second step with a wrong code")
        # The next half minute's code: the one that turned it on is spent.
        page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(f"{live_server}/admin/")
    finally:
        _rules_off(live_app)
    assert {name: found for name, found in checked.items() if found} == {}
    if nu.available():
        assert nu.errors(saved) == {}
