"""What the answering pages weigh on first load, as the app itself sends them to a browser.

Usage::

    .venv/bin/python bench/embed_weight.py

Renders the demo consultation's embedded form (``/embed/r/kronoberg/c/kulturplan-2027-2030``)
and its start page (``/r/kronoberg/c/kulturplan-2027-2030/respond``) with the Flask test client
on a fresh SQLite database, follows every stylesheet and script each page loads, and prints
what the app sends for each, compressed as it compresses them under ``make run``, to a browser
that accepts Brotli (browsers ask for it over HTTPS and from localhost) and to one that accepts
only gzip; then each page's first load against the target of 25 KB, and embed.js (which the
host page loads) against its target of 2 KB gzipped. The target is judged on what a current
browser receives (Brotli); the gzip figure is printed beside it. Behind nginx the proxy
compresses instead (``deploy/nginx``, gzip level 5, Brotli with its module). The exit code is
1 when a target is missed.
"""

from __future__ import annotations

import gzip
import re
import secrets
import sys
import tempfile
from pathlib import Path

import brotli
from flask.testing import FlaskClient
from flask_migrate import upgrade

from kick_forms import create_app
from kick_forms.demo import DEMO_SLUG, load_demo_data
from kick_forms.extensions import db
from kick_forms.reference import load_reference_data

PAGES = (f"/embed/r/kronoberg/c/{DEMO_SLUG}", f"/r/kronoberg/c/{DEMO_SLUG}/respond")
FIRST_LOAD_TARGET = 25_000
EMBED_JS_TARGET = 2_000
_ASSET = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')
BROTLI = {"Accept-Encoding": "gzip, deflate, br, zstd"}
GZIP = {"Accept-Encoding": "gzip, deflate"}


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _sent(client: FlaskClient, url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """The bytes the app sends for ``url`` and the page or file they decode to."""
    reply = client.get(url, headers=headers)
    if reply.status_code != 200:
        raise RuntimeError(f"GET {url} answered {reply.status_code}")
    encoding = reply.headers.get("Content-Encoding")
    body = reply.data
    decoded = (
        brotli.decompress(body)
        if encoding == "br"
        else gzip.decompress(body)
        if encoding == "gzip"
        else body
    )
    return len(body), decoded


def first_load(client: FlaskClient, page: str) -> list[tuple[str, int, int, int]]:
    """Per resource of the page's first load: its URL, bytes, bytes sent to a Brotli browser
    and to a gzip-only one."""
    brotli_size, html = _sent(client, page, BROTLI)
    gzip_size, _html = _sent(client, page, GZIP)
    resources = [(page, len(html), brotli_size, gzip_size)]
    for url in _ASSET.findall(html.decode()):
        url = url.replace("&amp;", "&")
        brotli_size, data = _sent(client, url, BROTLI)
        gzip_size, _data = _sent(client, url, GZIP)
        resources.append((url, len(data), brotli_size, gzip_size))
    return resources


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kick-embed-weight-") as directory:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(directory) / 'kick.sqlite3'}",
                "SECRET_KEY": secrets.token_urlsafe(48),
            }
        )
        with app.app_context():
            upgrade()
            load_reference_data()
            load_demo_data()
            db.session.commit()
        client = app.test_client()
        try:
            loads = {page: first_load(client, page) for page in PAGES}
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 2
        embed_js = client.get("/static/embed.js").data

    met = True
    for page, resources in loads.items():
        print(f"\n{page}")
        print(f"{'resource':60}  {'bytes':>8}  {'brotli':>8}  {'gzip':>8}")
        for url, size, brotli_size, gzip_size in resources:
            print(f"{url[:60]:60}  {size:8d}  {brotli_size:8d}  {gzip_size:8d}")
        totals = [sum(resource[column] for resource in resources) for column in (1, 2, 3)]
        figures = "  ".join(f"{total:8d}" for total in totals)
        print(f"{'first load (HTML + CSS + JS)':60}  {figures}")
        verdict = "met" if totals[1] <= FIRST_LOAD_TARGET else "missed"
        met = met and totals[1] <= FIRST_LOAD_TARGET
        print(
            f"target {FIRST_LOAD_TARGET / 1000:g} KB as sent: {verdict} "
            f"({totals[1] / 1000:.1f} KB with Brotli, {totals[2] / 1000:.1f} KB with gzip only)"
        )
    embed_size = gzipped(embed_js)
    embed_verdict = "met" if embed_size <= EMBED_JS_TARGET else "missed"
    print(
        f"\nembed.js: {len(embed_js)} bytes, {embed_size} gzipped; target "
        f"{EMBED_JS_TARGET / 1000:g} KB: {embed_verdict}"
    )
    return 0 if met and embed_size <= EMBED_JS_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
