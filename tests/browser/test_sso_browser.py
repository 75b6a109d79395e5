"""Signing in through the region's own provider, in a browser: a platform admin sets the
provider, then a member of staff chooses the region on the login page, passes the in-suite
OpenID Connect provider and lands signed in; axe-core checks every page on the way."""

from __future__ import annotations

from kick_forms.extensions import db
from kick_forms.models import Region, RegionSignIn, Role
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, add_staff, log_in
from tests.sso.provider import Provider

ADMIN = "plattform@sso.example.se"
STAFF = "anna@vasternorrland.example.se"
SLUG = "vasternorrland"


def _setup(live_app) -> None:  # type: ignore[no-untyped-def]
    from kick_forms.auth.services import create_user

    with live_app.app_context():
        create_user(ADMIN, PASSWORD, platform_admin=True)
        add_staff(SLUG, Role.EDITOR, STAFF)
        db.session.commit()


def _forget_provider(live_app) -> None:  # type: ignore[no-untyped-def]
    """Other browser tests share the database: their login page has no provider."""
    with live_app.app_context():
        region = db.session.scalars(db.select(Region).filter_by(slug=SLUG)).one()
        db.session.execute(db.delete(RegionSignIn).filter_by(region_id=region.id))
        db.session.commit()


def test_setting_a_provider_and_signing_in_through_it(live_app, live_server, page, tmp_path):
    _setup(live_app)
    served: list[str] = []
    provider = Provider()
    provider.person.email = STAFF
    provider.client.redirect_uris = [f"{live_server}/admin/sso/{SLUG}/callback"]
    provider.start()
    checked = {}
    try:
        log_in(page, live_server, ADMIN)
        served.append(page.goto(f"{live_server}/admin/r/{SLUG}/sso").text())
        checked["settings, empty"] = violations(page)
        page.fill("#issuer", provider.issuer)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click("form.form button[type=submit]")
        served.append(posted.value.text())
        assert page.locator(".error-summary").is_visible()
        checked["settings with errors"] = violations(page)

        page.fill("#client_id", provider.client.client_id)
        page.fill("#client_secret", provider.client.client_secret)
        page.click("form.form button[type=submit]")
        page.wait_for_url(f"{live_server}/admin/r/{SLUG}/sso")
        assert page.get_by_text("Regionens inloggningsinställningar är sparade.").is_visible()
        assert page.input_value("#client_secret") == ""
        checked["settings, saved"] = violations(page)
        page.get_by_role("button", name="Logga ut").click()

        served.append(page.goto(f"{live_server}/admin/login").text())
        checked["login page with the region's sign-in"] = violations(page)
        page.get_by_role("link", name="Logga in via Region Västernorrland").click()
        page.wait_for_url(f"{live_server}/admin/")
        assert page.get_by_text("Region Västernorrland").first.is_visible()
    finally:
        provider.stop()
        _forget_provider(live_app)
    assert {name: found for name, found in checked.items() if found} == {}
    if nu.available():
        files = [tmp_path / f"page{number}.html" for number in range(len(served))]
        for file, html in zip(files, served, strict=True):
            file.write_text(html, encoding="utf-8")
        assert nu.errors(files) == {}
