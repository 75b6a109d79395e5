"""The register's mapping report in Chromium: its SVG charts pass axe and reflow at 320 px."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import expect

from kick_forms.extensions import db
from kick_forms.models import Region, RegisterEntry, Role
from kick_forms.organisations import services as register
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in
from tests.browser.test_crawl import REFLOW, SCROLLER

# Sörmland's register, which no other browser test fills: the growth is these four alone.
REGION = "sormland"
ORGANISATIONS = [
    ("Nyköpings kammarkör", "0480", ["choir"], "2024-11-03"),
    ("Gnesta hembygdsförening", "0461", ["local_heritage"], "2024-11-20"),
    ("Studieförbundet i Oxelösund", "0481", ["study_association", "choir"], "2025-01-12"),
    ("Vingåkers konstförening", "0428", [], "2025-02-28"),
]


def test_the_mapping_reports_charts_are_accessible_and_reflow(live_app, live_server, page):
    with live_app.app_context():
        add_staff(REGION, Role.VIEWER, f"report@{REGION}.example.se")
        region = db.session.scalars(db.select(Region).filter_by(slug=REGION)).one()
        for name, municipality, kinds, added in ORGANISATIONS:
            organisation = register.register_organisation(
                region, register.OrganisationData(name, None, municipality, kinds)
            )
            db.session.scalars(
                db.select(RegisterEntry).filter_by(organisation_id=organisation.id)
            ).one().added_at = datetime.fromisoformat(added + "T12:00")
        db.session.commit()
    log_in(page, live_server, f"report@{REGION}.example.se")

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/admin/r/{REGION}/organisations/report")
        for chart in ("#chart-kinds", "#chart-growth"):
            expect(page.locator(f"{chart} svg[role=img]")).to_be_visible()
        assert page.evaluate(REFLOW, SCROLLER) == [], width
        assert violations(page) == [], width

    growth = page.locator("#chart-growth")
    months = ["november 2024", "december 2024", "januari 2025", "februari 2025"]
    expect(growth.locator("text.svg-chart__figure")).to_have_text(["2", "2", "3", "4"])
    growth.get_by_text("Visa siffrorna som tabell").click()
    expect(growth.locator("tbody th")).to_have_text(months)
    expect(growth.locator("tbody td")).to_have_text(["2", "2", "3", "4"])
    assert violations(page) == []
