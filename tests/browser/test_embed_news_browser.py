"""A region's consultations and news shown on its own website from another origin, with the
same script and list of websites as the embedded form."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from kick_forms.demo import load_demo_data
from kick_forms.extensions import db
from kick_forms.models import EmbedOrigin, Region
from tests.browser.axe import violations

HOST_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Region Kronoberg – Kultur</title></head>
<body><main><h1>Kultur i Kronoberg</h1>
<div data-kick-form="{frame}"><a href="{link}">Samråd och nyheter</a></div>
</main><script src="{script}" async></script></body></html>"""


class _Host(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.server.body)  # type: ignore[attr-defined]

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.fixture
def host(live_app, live_server) -> Iterator[str]:
    """The region's own page, on another site (localhost, where KICK is 127.0.0.1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Host)
    server.body = HOST_PAGE.format(  # type: ignore[attr-defined]
        frame=f"{live_server}/embed/r/kronoberg/nytt",
        link=f"{live_server}/r/kronoberg/",
        script=f"{live_server}/static/embed.js",
    ).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://localhost:{server.server_port}"
    with live_app.app_context():
        load_demo_data()
        region = db.session.scalars(db.select(Region).filter_by(slug="kronoberg")).one()
        db.session.add(EmbedOrigin(region_id=region.id, origin=origin))
        db.session.commit()
    yield origin
    with live_app.app_context():
        db.session.execute(db.delete(EmbedOrigin))
        db.session.commit()
    server.shutdown()


def test_the_news_show_in_a_frame_on_the_regions_site_and_open_in_a_new_tab(browser, host):
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(host)
    expect(page.locator("[data-kick-form] iframe")).to_be_visible()
    expect(page.get_by_role("link", name="Samråd och nyheter")).to_be_hidden()
    frame = page.frame_locator("[data-kick-form] iframe")
    heading = frame.get_by_role("heading", name="Samråd och nyheter från Region Kronoberg")
    expect(heading).to_be_visible()
    news = frame.get_by_role("link", name="Tyck till om kulturplanen (öppnas i en ny flik)")
    expect(news).to_be_visible()
    content = page.locator("[data-kick-form] iframe").element_handle().content_frame()
    assert violations(content) == []
    with context.expect_page() as opened:
        news.click()
    article = opened.value
    article.wait_for_load_state()
    expect(article.get_by_role("heading", level=1)).to_have_text("Tyck till om kulturplanen")
    context.close()
