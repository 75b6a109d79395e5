"""axe-core on /metod, the matrices of a region and of the country, and the examples' pages."""

from __future__ import annotations

from kick_forms.auth.services import create_user
from kick_forms.extensions import db
from kick_forms.timeutil import utcnow
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, log_in, open_consultation

STAFF = "kick@method.example.se"


def _setup(live_app) -> None:
    """Consultations of Västmanland at three levels, one unplaced, and a KICK staff member."""
    with live_app.app_context():
        create_user(STAFF, PASSWORD, platform_admin=True)
        placed = [
            ("information", "agenda_setting"),
            ("consultation", "drafting"),
            ("consultation", "drafting"),
            ("dialogue", "monitoring"),
            (None, None),
        ]
        for number, (level, step) in enumerate(placed):
            open_consultation("vastmanland", f"Kulturplan Västmanland {number}", None, level, step)
        db.session.commit()


def test_the_method_pages_and_the_matrices_have_no_axe_violations(live_app, live_server, page):
    _setup(live_app)
    checked = {}
    for path in ("/metod", "/metod?lang=en", "/metod/checklista", "/metod/om-koden",
                 "/metod/om-koden?lang=en", "/metod/utskrift", "/r/vastmanland/?lang=sv", "/board",
                 f"/board?from={utcnow().year}#matris"):  # fmt: skip
        page.goto(live_server + path)
        checked[path] = violations(page)
    page.goto(f"{live_server}/r/vastmanland/")
    assert page.locator("#region-matrix").get_by_role("link").count() == 4
    assert "Region Västmanland har samrått på nivåerna information, samråd och dialog" in (
        page.locator("#matris").inner_text()
    )

    log_in(page, live_server, STAFF)
    cell = "/admin/metod/dialogue/drafting/"
    for path in ("/admin/metod/", cell):
        page.goto(live_server + path)
        checked[path] = violations(page)

    page.get_by_role("button", name="Lägg till exemplet").click()
    page.locator(".error-summary").wait_for()
    checked["an example with errors"] = violations(page)

    page.fill("#name_sv", "Gemensam workshop")
    page.fill("#name_en", "Joint workshop")
    page.get_by_role("button", name="Lägg till exemplet").click()
    page.get_by_text("Exemplet har lagts till.").wait_for()
    page.get_by_role("link", name="Ändra Gemensam workshop").click()
    checked["changing an example"] = violations(page)
    page.goto(live_server + "/metod")
    assert "Gemensam workshop" in page.locator("#examples-matrix").inner_text()
    assert checked == {key: [] for key in checked}
