"""The demo consultation answered in Chromium with the keyboard only, on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kick_forms.demo import DEMO_SLUG, load_demo_data
from kick_forms.extensions import db
from tests.browser.axe import violations

FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, type: e.type || "", name: e.name || "", id: e.id || "",
          value: e.value || "", text: (e.textContent || "").trim(),
          numeric: e.getAttribute("inputmode") === "numeric"};
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def _tab_to(page, pattern: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text matches, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if re.search(pattern, page.evaluate(FOCUSED)["text"]):
            return
    raise AssertionError(f"no focusable element matching {pattern!r}")


def _fill_by_keyboard(page, texts: dict[str, str], submit: re.Pattern) -> None:
    """Tab through a form, answering each field with the keys a person would press."""
    answered: set[str] = set()
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BUTTON" and submit.search(focused["text"]):
            return
        name = focused["name"]
        if not name or name in answered or name.endswith("other-text") or name == "nonce":
            continue
        if focused["tag"] == "SELECT":
            page.keyboard.type(texts.get(name, ""))
        elif focused["type"] in ("radio", "checkbox"):
            page.keyboard.press("Space")
        elif focused["tag"] in ("INPUT", "TEXTAREA") and not focused["value"]:
            default = "42" if focused["numeric"] else "Mer stöd till ideell kultur i hela länet."
            page.keyboard.type(texts.get(name, default))
        answered.add(name)
    raise AssertionError(f"never reached the button {submit.pattern!r}")


def test_the_demo_consultation_answered_with_the_keyboard_on_a_phone(live_app, live_server, phone):
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
    page = phone
    checked: dict[str, list[str]] = {}

    page.goto(f"{live_server}/r/kronoberg/c/{DEMO_SLUG}/respond")
    checked["start"] = violations(page)
    _fill_by_keyboard(
        page,
        {
            "organisation_name": "Tingsryds spelmanslag",
            "organisation_number": "",
            "municipality": "Tingsryd",
            "contact_name": "Sven Nilsson",
            "contact_email": "sven@example.se",
        },
        re.compile("Börja svara"),
    )
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.count() == 0, summary.inner_text()
    page.wait_for_url(re.compile(r"/respond/[A-Za-z0-9_-]{43}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tingsryds spelmanslag")
    checked["overview"] = violations(page)

    _tab_to(page, "^Svara på frågorna$")
    page.keyboard.press("Enter")
    for number in range(1, 5):
        expect(page.locator("h1")).to_be_visible()
        last = number == 4
        button = re.compile("Spara och kontrollera" if last else "Spara och fortsätt")
        _fill_by_keyboard(page, {}, button)
        if number == 1:
            # Typing made the form save itself; the status says when, through a live region.
            expect(page.locator("#autosave-status")).to_contain_text(
                re.compile(r"Sparat \d\d\.\d\d")
            )
        checked[f"section {number}"] = violations(page)
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, page.locator(
            ".error-summary"
        ).inner_text()
        page.wait_for_url(re.compile("/check$" if last else rf"/s/{number + 1}$"))

    expect(page.locator("h1")).to_contain_text("Kontrollera")
    assert page.locator(".error-summary").count() == 0
    checked["check"] = violations(page)
    _tab_to(page, "^Skicka in svaret$")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/confirmation/1$"))
    expect(page.locator("h1")).to_contain_text("Ert svar har skickats in")
    expect(page.locator(".reference")).to_contain_text("KF-")
    checked["confirmation"] = violations(page)

    # Nothing overflows sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert {name: found for name, found in checked.items() if found} == {}
