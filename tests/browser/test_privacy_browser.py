"""axe-core on the privacy notice, an organisation's contact persons and the audit log."""

from __future__ import annotations

from kick_forms.extensions import db
from kick_forms.models import Region, Role
from kick_forms.organisations import services as register
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in

STAFF = "integritet@kalmar.example.se"


def _setup(live_app) -> int:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_staff("kalmar", Role.EDITOR, STAFF)
        region = db.session.scalars(db.select(Region).filter_by(slug="kalmar")).one()
        organisation = register.register_organisation(
            region, register.OrganisationData("Kalmar konstförening", None, None, [])
        )
        register.add_contact(region, organisation, "Eva Ek", "eva@example.se")
        db.session.commit()
        return organisation.id


def test_the_notice_and_the_audit_log_have_no_axe_violations(live_app, live_server, page):
    organisation_id = _setup(live_app)
    checked = {}
    for path in ("/integritet", "/integritet?lang=en"):
        page.goto(live_server + path)
        checked[path] = violations(page)

    log_in(page, live_server, STAFF)
    organisation = f"{live_server}/admin/r/kalmar/organisations/{organisation_id}"
    page.goto(organisation + "?lang=sv")  # seen with its contact person: the first event
    checked["an organisation with a contact person"] = violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera uppgifter Eva Ek").click()
    assert download.value.suggested_filename.endswith(".json")

    page.goto(f"{live_server}/admin/r/kalmar/")
    page.get_by_role("link", name="Händelselogg").click()
    page.wait_for_url(f"{live_server}/admin/r/kalmar/audit")
    # The staff member's role (given in the setup), the view and the export.
    assert page.locator("tbody tr").count() == 3
    assert page.get_by_text("Gav en medarbetare en roll i regionen").count() == 1
    checked["the audit log"] = violations(page)

    assert {name: found for name, found in checked.items() if found} == {}
