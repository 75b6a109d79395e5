"""axe-core on the study guide, on screen and printed; the region chooser without JavaScript."""

from __future__ import annotations

from kick_forms.extensions import db
from kick_forms.models import Consultation, Region
from tests.browser.axe import violations
from tests.browser.conftest import open_consultation

GUIDE = "/studiehandledning"


def builder_consultations(region: Region) -> list[Consultation]:
    return list(db.session.scalars(db.select(Consultation).filter_by(region_id=region.id)))


def _open_consultation(live_app) -> None:  # type: ignore[no-untyped-def]
    """One open consultation in Västerbotten (once: the live database lasts the whole run)."""
    with live_app.app_context():
        region = db.session.scalars(db.select(Region).filter_by(slug="vasterbotten")).one()
        if any(c.slug == "studiehandledning" for c in builder_consultations(region)):
            return
        open_consultation("vasterbotten", "Kulturplan Västerbotten", "studiehandledning")
        db.session.commit()


def test_the_study_guide_has_no_axe_violations_on_screen_or_in_print(live_app, live_server, page):
    _open_consultation(live_app)
    checked = {}
    session = f"{GUIDE}/kultursamverkansmodellen"
    paths = [f"{GUIDE}/", session, f"{session}?region=vasterbotten", f"{GUIDE}/ledarhandledning"]
    paths += [f"{GUIDE}/utskrift", f"{GUIDE}/utskrift?lang=en"]
    for path in paths:
        page.goto(live_server + path)
        checked[path] = violations(page)

    page.goto(f"{live_server}{GUIDE}/utskrift?lang=sv")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".breadcrumbs").is_visible()
    after = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('.guide-part a[href^="http"]'), '::after').content"""
    )
    assert after.startswith('" (http')
    breaks = page.evaluate(
        """() => [...document.querySelectorAll('.guide-part')].map(
            part => getComputedStyle(part).breakBefore)"""
    )
    assert set(breaks) == {"page"}
    checked["the print version, printed"] = violations(page)

    assert {name: found for name, found in checked.items() if found} == {}


def test_the_region_chooser_works_without_javascript(live_app, browser, live_server):
    _open_consultation(live_app)
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}{GUIDE}/efter-samradet")
        page.get_by_label("Region").select_option("vasterbotten")
        page.get_by_role("button", name="Visa").click()
        page.wait_for_url("**/efter-samradet?region=vasterbotten#open-consultations")
        panel = page.locator("#open-consultations")
        assert panel.get_by_role("link", name="Kulturplan Västerbotten").is_visible()
        assert panel.get_by_role("link", name="Alla samråd i Region Västerbotten").is_visible()
    finally:
        context.close()
