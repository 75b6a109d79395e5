"""The review queue in a browser: each decision swaps its item and the counts in place with
htmx, keeps the focus on the item, says what happened, and shows its errors there; axe-core on
every state and the Nu checker on the pages as served."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from kick_forms.extensions import db
from kick_forms.models import Role
from tests.board.generated import add_response
from tests.board.test_exports import _attach
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in, open_consultation

STAFF = "granskning@varmland.example.se"
TEXT = "Ring Karin Andersson på 054-123 45 om scenen"


def _setup(live_app) -> int:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_staff("varmland", Role.EDITOR, STAFF)
        consultation = open_consultation("varmland", "Kulturplan Värmland", "granskning")
        consultation.review_before_publishing = True
        response = add_response(
            consultation, name="Karlstads kammarkör", municipality="1780", categories=["choir"],
            named=True, answers={consultation.questions[0]: TEXT},
        )  # fmt: skip
        _attach(response, "remissvar.pdf", b"%PDF-1.4 remissvar")
        db.session.commit()
        return consultation.id


def _action(verb: str, what: str) -> re.Pattern[str]:
    """A button's name: the verb shown, then what it acts on for screen readers."""
    return re.compile(rf"^{verb}\s*: {what} från Karlstads kammarkör$")


def _served(page, folder, name: str) -> None:  # type: ignore[no-untyped-def]
    html = page.context.request.get(page.url).text()
    (folder / f"{name}.html").write_text(html, encoding="utf-8")


def test_decisions_swap_their_item_keep_the_focus_and_pass_axe(
    live_app, live_server, page, tmp_path
):
    consultation_id = _setup(live_app)
    checked = {}
    log_in(page, live_server, STAFF)
    page.goto(f"{live_server}/admin/r/varmland/c/{consultation_id}/")
    page.get_by_role(
        "link", name=re.compile("Granskning före publicering.*2 inte granskade")
    ).click()
    page.get_by_role("heading", name="Granskning före publicering Kulturplan Värmland").wait_for()
    checked["queue"] = violations(page)
    _served(page, tmp_path, "queue")

    text_item = page.locator("article", has_text="Vad tycker ni?")
    heading_id = text_item.locator("h3").get_attribute("id")
    page.get_by_role("button", name=_action("Publicera", "Svar")).click()
    text_item.get_by_text("Publicerat", exact=True).wait_for()
    expect(page.locator(f"#{heading_id}")).to_be_focused()
    assert "är publicerat" in page.locator("#review-status").inner_text()
    assert "Publicerat: 1" in page.locator("#review-counts").inner_text()
    checked["after publishing"] = violations(page)

    statement = page.locator("article", has_text="remissvar.pdf")
    statement.get_by_text("Dölj").first.click()  # the disclosure with the reason's field
    statement.get_by_role("button", name=_action("Dölj", "Yttrande")).click()
    statement.locator(".error-summary").wait_for()
    expect(statement.locator(".error-summary")).to_be_focused()
    checked["hiding without a reason"] = violations(page)
    statement = page.locator("article", has_text="remissvar.pdf")
    statement.get_by_label("Varför döljer du det?").fill("Namn på enskilda")
    statement.get_by_role("button", name=_action("Dölj", "Yttrande")).click()
    statement.get_by_text("Varför det är dolt: Namn på enskilda").wait_for()
    assert "Dolt: 1" in page.locator("#review-counts").inner_text()

    text_item.get_by_text("Publicera med maskerade delar").click()
    passages = text_item.get_by_label("Delar av texten att maskera")
    passages.fill("Karin Andersson\n054-123 46")
    text_item.get_by_role("button", name=re.compile("Publicera med maskering")).click()
    text_item.get_by_text("”054-123 46” finns inte i texten.").first.wait_for()
    assert text_item.get_by_label("Delar av texten att maskera").input_value() == (
        "Karin Andersson\n054-123 46"
    )
    checked["masking with an error"] = violations(page)
    text_item.get_by_label("Delar av texten att maskera").fill("Karin Andersson\n054-123 45")
    text_item.get_by_role("button", name=re.compile("Publicera med maskering")).click()
    text_item.get_by_text("Ring [maskerat] på [maskerat] om scenen").wait_for()
    checked["after masking"] = violations(page)

    page.get_by_role("link", name="Publicerat med maskering").click()
    page.get_by_text("Ring [maskerat] på [maskerat] om scenen").wait_for()
    _served(page, tmp_path, "queue-masked")
    assert checked == {name: [] for name in checked}
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}
