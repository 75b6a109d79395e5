"""The demo consultation embedded on a region's website from another origin, in Chromium with
third-party cookies blocked: answered, left, continued by its private link, and counted."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from kick_forms.demo import DEMO_SLUG, load_demo_data
from kick_forms.extensions import db
from kick_forms.models import EmbedOrigin, Region
from tests.browser.axe import violations
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

# Chromium's switch for the third-party cookie phase-out: cookies in a cross-site frame are
# neither sent nor stored, as in Safari.
NO_THIRD_PARTY_COOKIES = ["--test-third-party-cookie-phaseout"]
HOST_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Region Kronoberg – Samråd om kulturplanen</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><p>Region Kronoberg</p></header>
<main><h1>Tyck till om kulturplanen</h1><p>Svara här nedan.</p>
<div data-kick-form="{form}"><a href="{link}">Svara på samrådet</a></div>
<div data-kick-form="https://elsewhere.example/embed/x"></div><div data-kick-form=":://"></div>
</main><footer>{footer}</footer><script src="{script}" async></script></body></html>"""
# Enough of the region's own page below the frame that scrolling is never held back by its end.
FOOTER = "<p>Mer om kulturen i Kronobergs län.</p>" * 80
# Fill whatever a section asks, as a person picking the first choice would; the start form and
# the parts under test are filled through Playwright's locators instead.
FILL_SECTION = """() => {
  const seen = new Set();
  for (const input of document.querySelectorAll("main input, main textarea")) {
    if (input.type === "hidden" || input.type === "file" || input.readOnly) continue;
    if (input.name.endsWith("-other-text") || input.name === "link") continue;
    if (input.type === "radio" || input.type === "checkbox") {
      if (!seen.has(input.name) && input.value !== "other") {
        seen.add(input.name); input.checked = true;
      }
    } else if (!input.value) {
      input.value = input.inputMode === "numeric" ? "42" : "Fler scener på landsbygden.";
    }
  }
}"""


class _Host(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        # A strict policy of the region's own: only our script and our frame are allowed.
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {self.server.kick}; frame-src {self.server.kick}",
        )
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


def _serve_host(kick: str, slug: str = DEMO_SLUG) -> tuple[ThreadingHTTPServer, str]:
    """A region's page embedding the Kronoberg consultation ``slug``, on another site."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Host)
    server.kick = kick  # type: ignore[attr-defined]
    server.body = HOST_PAGE.format(  # type: ignore[attr-defined]
        form=f"{kick}/embed/r/kronoberg/c/{slug}",
        link=f"{kick}/r/kronoberg/c/{slug}/respond",
        script=f"{kick}/static/embed.js",
        footer=FOOTER,
    ).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # localhost and 127.0.0.1 are different sites: the frame is cross-site.
    return server, f"http://localhost:{server.server_port}"


@pytest.fixture
def hosts(live_app, live_server) -> Iterator[tuple[str, str]]:
    """Two pages of a region's website: one on the allow-list, one not."""
    allowed_server, allowed = _serve_host(live_server)
    other_server, other = _serve_host(live_server)
    with live_app.app_context():
        load_demo_data()
        region = db.session.scalars(db.select(Region).filter_by(slug="kronoberg")).one()
        db.session.add(EmbedOrigin(region_id=region.id, origin=allowed))
        db.session.commit()
    yield allowed, other
    with live_app.app_context():
        db.session.execute(db.delete(EmbedOrigin))
        db.session.commit()
    allowed_server.shutdown()
    other_server.shutdown()


@pytest.fixture(scope="session")
def strict_browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + NO_THIRD_PARTY_COOKIES
    )
    yield browser
    browser.close()


def _frame(page):  # type: ignore[no-untyped-def]
    """The form's frame, once it has greeted the host page and been shown."""
    expect(page.locator("[data-kick-form] iframe")).to_be_visible()
    expect(page.get_by_role("link", name="Svara på samrådet")).to_be_hidden()
    return page.frame_locator("[data-kick-form] iframe")


def _content_frame(page):  # type: ignore[no-untyped-def]
    return page.locator("[data-kick-form] iframe").element_handle().content_frame()


def _fits(page) -> None:
    """The frame is as tall as its content: no scrollbar inside it, nothing sideways."""
    frame = _content_frame(page)
    frame.wait_for_load_state()
    inner: list[int] = []
    for _ in range(50):
        inner = frame.evaluate(
            "[document.documentElement.scrollHeight, window.innerHeight,"
            " document.documentElement.scrollWidth, window.innerWidth]"
        )
        if inner[1] > 200 and inner[0] <= inner[1] and inner[2] <= inner[3]:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the frame scrolls inside: content {inner[0]}px in {inner[1]}px")


def _board_count(page, live_server: str) -> int:
    page.goto(f"{live_server}/r/kronoberg/c/{DEMO_SLUG}/board")
    first = page.locator("dl.totals dd").first.inner_text()
    return int(re.sub(r"\D", "", first))


def test_an_organisation_answers_in_a_frame_on_the_regions_site(
    live_server, hosts, strict_browser, tmp_path
):
    allowed, _other = hosts
    context = strict_browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    before = _board_count(page, live_server)

    page.goto(allowed)
    form = _frame(page)
    _fits(page)
    assert violations(_content_frame(page)) == []
    assert violations(page) == []

    form.get_by_label("Organisationens namn").fill("Ljungby hembygdsförening")
    form.get_by_label("Kommun", exact=True).select_option(label="Ljungby")
    form.get_by_label("Hembygdsförening").check()
    form.get_by_label("Kontaktpersonens namn").fill("Anna Berg")
    form.get_by_label("Kontaktpersonens e-postadress").fill("anna@example.se")
    form.get_by_label("Ja", exact=True).check()
    form.get_by_role("button", name="Börja svara").click()
    expect(form.locator("h1")).to_contain_text("Ljungby hembygdsförening")
    link = form.locator("#private-link").input_value()
    assert re.fullmatch(rf"{live_server}/respond/[A-Za-z0-9_-]{{43}}", link)

    # A draft: the first section answered and saved, then the page is left.
    with _content_frame(page).expect_navigation():
        form.get_by_role("link", name="Svara på frågorna").click()
    expect(form.locator("h1")).to_be_visible()
    frame = _content_frame(page)
    frame.evaluate(FILL_SECTION)
    with frame.expect_navigation():
        form.get_by_role("button", name="Spara och fortsätt").click()
    expect(form.locator("h1")).to_be_visible()
    page.reload()

    # Back on the region's site: the frame starts afresh, and the link continues the draft.
    form = _frame(page)
    form.get_by_label("Er privata länk").fill(link)
    form.get_by_role("button", name="Fortsätt mitt svar").click()
    expect(form.locator("h1")).to_contain_text("Ljungby hembygdsförening")
    expect(form.locator("main")).to_contain_text("3 av 3 besvarade")  # the draft was kept

    statement = tmp_path / "yttrande.pdf"
    statement.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    form.locator("input[type=file]").set_input_files(statement)
    form.get_by_role("button", name="Bifoga filen").click()
    expect(form.locator("main")).to_contain_text("yttrande.pdf")

    with _content_frame(page).expect_navigation():
        form.get_by_role("link", name="Kulturplanens prioriteringar").click()
    for button in ("Spara och fortsätt", "Spara och fortsätt", "Spara och kontrollera"):
        expect(form.locator("h1")).to_be_visible()
        frame = _content_frame(page)
        frame.evaluate(FILL_SECTION)
        # Wait for the next page, so that the next round does not fill in the one leaving.
        with frame.expect_navigation():
            form.get_by_role("button", name=button).click()
    expect(form.locator("h1")).to_contain_text("Kontrollera")
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page)
    form.get_by_role("button", name="Skicka in svaret").click()
    expect(form.locator("h1")).to_contain_text("Ert svar har skickats in")
    _fits(page)
    # The button was far down the page; the new page starts at the frame's top, in view.
    top = "document.querySelector('[data-kick-form] iframe').getBoundingClientRect().top"
    assert page.evaluate(top) >= -1
    assert violations(_content_frame(page)) == []

    # The frame cannot keep a cookie on the region's page, and the flow never needed one.
    probe = 'document.cookie = "probe=1; SameSite=None; Secure"; document.cookie'
    assert _content_frame(page).evaluate(probe) == ""
    assert [c for c in context.cookies() if c["domain"] == "127.0.0.1"] == []
    assert _board_count(page, live_server) == before + 1
    assert errors == []
    context.close()


def test_a_site_not_on_the_list_shows_the_link_and_the_browser_refuses_the_frame(
    live_server, hosts, strict_browser
):
    _allowed, other = hosts
    context = strict_browser.new_context(locale="sv-SE")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(other)
    page.wait_for_timeout(1500)
    expect(page.get_by_role("link", name="Svara på samrådet")).to_be_visible()
    expect(page.locator("[data-kick-form] iframe")).to_be_hidden()
    assert any("frame-ancestors" in text for text in console), console
    context.close()
