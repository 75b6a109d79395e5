"""A link inside the embedded form to a place in it (an error summary's link, the skip link):
the frame never scrolls, so the host page scrolls the place into view and the focus moves there."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_embed_browser import _content_frame, _frame, hosts, strict_browser

__all__ = ["hosts", "strict_browser"]  # the fixtures, shared with the frame's main test

TOP_OF = "(id) => document.getElementById(id).getBoundingClientRect().top"


def test_an_anchor_link_in_the_frame_moves_the_host_page_and_the_focus(hosts, strict_browser):
    allowed, _other = hosts
    context = strict_browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 500})
    page = context.new_page()
    page.goto(allowed)
    form = _frame(page)
    form.get_by_role("button", name="Börja svara").click()  # sent empty: an error summary
    links = form.locator(".error-summary a")
    expect(links.first).to_be_visible()
    target = links.last.get_attribute("href").removeprefix("#")
    page.evaluate("window.scrollTo(0, 0)")

    links.last.click()
    frame = _content_frame(page)
    expect(form.locator(f"[id='{target}']")).to_be_focused()
    frame_top = page.locator("[data-kick-form] iframe").evaluate(
        "f => f.getBoundingClientRect().top"
    )
    top = frame_top + frame.evaluate(TOP_OF, target)
    assert -1 <= top < 500 / 2, top  # near the top of the host's window (to a pixel), not below it
    context.close()
