"""Copies, templates and deleting a draft in Chromium: a platform admin starts a consultation
from KICK's template, copies it, deletes the copy, saves it as the template and edits the
template's description; axe-core and the Nu checker on every page on the way."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from kick_forms.auth.services import create_user
from kick_forms.consultations.kick_templates import load_shipped_templates
from kick_forms.extensions import db
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, log_in

KICK = "kick@mallar.example.se"
REGION = "jamtland-harjedalen"


def test_templates_copies_and_deleting_pass_axe_and_nu(live_app, live_server, page, tmp_path):
    with live_app.app_context():
        create_user(KICK, PASSWORD, platform_admin=True)
        load_shipped_templates()
        db.session.commit()
    checked: dict[str, list[str]] = {}

    def check(name: str) -> None:
        checked[name] = violations(page)
        (tmp_path / f"{name}.html").write_text(page.content(), encoding="utf-8")

    log_in(page, live_server, KICK)
    page.goto(f"{live_server}/admin/r/{REGION}/")
    page.get_by_role("link", name="Nytt samråd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt samråd")
    check("start")

    page.get_by_label("Samråd om regional kulturplan").check()
    page.get_by_label("Titel").fill("Kulturplan 2028–2031")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.locator(".flash")).to_contain_text("Samrådet skapades från mallen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kulturplan 2028–2031")
    expect(
        page.get_by_text("Har ni deltagit i regionens samråd om kulturplanen tidigare?").first
    ).to_be_visible()
    check("builder from the template")
    builder = page.url

    page.get_by_role("link", name="Kopiera samråd").click()
    expect(page.get_by_label("Kopians titel")).to_have_value("Kopia av Kulturplan 2028–2031")
    check("copy")
    page.get_by_label("Kopians titel").fill("")
    page.get_by_role("button", name="Gör en kopia").click()
    page.locator(".error-summary").wait_for()
    assert page.title().startswith("Fel:")
    check("copy with an error")
    page.get_by_label("Kopians titel").fill("Dialog om scenkonst")
    page.get_by_role("button", name="Gör en kopia").click()
    expect(page.locator(".flash")).to_contain_text("Kopian är gjord")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialog om scenkonst")

    page.get_by_role("link", name="Ta bort", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta bort samrådet")
    check("delete")
    page.get_by_role("button", name="Ja, ta bort").click()
    expect(page.locator(".flash")).to_contain_text("togs bort")
    expect(page.get_by_role("link", name="Dialog om scenkonst")).to_have_count(0)

    page.goto(builder)
    page.get_by_role("link", name="Spara som KICK-mall").click()
    check("save as template")
    page.get_by_role("button", name="Ja, ersätt mallen").click()
    expect(page.locator(".flash")).to_contain_text("har nu det här samrådets frågor")

    page.goto(f"{live_server}/admin/")
    page.get_by_role("link", name="Mallar för samråd").click()
    check("templates")
    page.get_by_role("link", name=re.compile("Ändra titel och beskrivning")).click()
    check("template edit")
    page.get_by_label("Beskrivning").fill("Mallen för samrådet om kulturplanen.")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".flash")).to_contain_text("Mallen sparades")
    expect(page.get_by_text("Mallen för samrådet om kulturplanen.")).to_be_visible()

    assert checked == {name: [] for name in checked}
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}
