"""Pages and static files compressed by the app, for ``make run`` where no proxy compresses."""

from __future__ import annotations

import gzip

import brotli

from tests.conftest import make_app

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
GZIP_ONLY = {"Accept-Encoding": "gzip, deflate"}


def _decoded(response) -> bytes:  # type: ignore[no-untyped-def]
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    return response.data


def test_a_page_comes_compressed_as_the_browser_asks_and_reads_the_same(client):
    plain = client.get("/r/kronoberg/")
    assert "Content-Encoding" not in plain.headers  # asked for nothing, given nothing
    for headers, encoding in ((BROWSER, "br"), (GZIP_ONLY, "gzip")):
        page = client.get("/r/kronoberg/", headers=headers)
        assert page.status_code == 200
        assert page.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in page.headers["Vary"]
        assert int(page.headers["Content-Length"]) == len(page.data) < len(plain.data) / 2
        assert _decoded(page) == plain.data


def test_an_encoding_the_browser_refuses_is_not_used(client):
    page = client.get("/r/kronoberg/", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    page = client.get("/r/kronoberg/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in page.headers


def test_static_files_come_compressed_with_a_weak_etag_that_still_gives_304(client):
    plain = client.get("/static/css/kick.css")
    plain_etag = plain.headers["ETag"]
    plain_body = plain.data
    plain.close()
    styles = client.get("/static/css/kick.css", headers=BROWSER)
    assert styles.headers["Content-Encoding"] == "br"
    assert _decoded(styles) == plain_body
    assert styles.headers["ETag"] == f"W/{plain_etag}"
    again = client.get(
        "/static/css/kick.css", headers={**BROWSER, "If-None-Match": styles.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data


def test_small_answers_and_head_requests_stay_as_they_are(client):
    health = client.get("/healthz", headers=BROWSER)
    assert "Content-Encoding" not in health.headers  # a few bytes of JSON
    head = client.head("/r/kronoberg/", headers=BROWSER)
    assert "Content-Encoding" not in head.headers


def test_compression_can_be_left_to_the_proxy(database_url):
    app = make_app(database_url, COMPRESS=False)
    with app.app_context():
        page = app.test_client().get("/r/kronoberg/", headers=BROWSER)
    assert "Content-Encoding" not in page.headers
