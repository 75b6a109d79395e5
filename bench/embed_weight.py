"""What the embedded form weighs on first load, as a browser receives it compressed.

Usage::

    .venv/bin/python bench/embed_weight.py

Renders the demo consultation's embedded form (``/embed/r/kronoberg/c/kulturplan-2027-2030``)
with the Flask test client on a fresh SQLite database, follows every stylesheet and script the
page loads, and prints each with its size as sent uncompressed and gzipped (level 6, as nginx
``gzip_comp_level 6`` or a CDN would send it; the app itself leaves compression to the proxy),
then the total against the target of 25 KB, and embed.js (which the host page loads) against
its target of 2 KB gzipped. The exit code is 1 when a target is missed.
"""

from __future__ import annotations

import gzip
import re
import secrets
import sys
import tempfile
from pathlib import Path

from flask_migrate import upgrade

from kick_forms import create_app
from kick_forms.demo import DEMO_SLUG, load_demo_data
from kick_forms.extensions import db
from kick_forms.reference import load_reference_data

FORM = f"/embed/r/kronoberg/c/{DEMO_SLUG}"
FIRST_LOAD_TARGET = 25_000
EMBED_JS_TARGET = 2_000
_ASSET = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


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
        page = client.get(FORM)
        if page.status_code != 200:
            print(f"GET {FORM} answered {page.status_code}", file=sys.stderr)
            return 2
        resources = [(FORM, page.data)]
        for url in _ASSET.findall(page.get_data(as_text=True)):
            url = url.replace("&amp;", "&")
            resources.append((url, client.get(url).data))
        embed_js = client.get("/static/embed.js").data

    print(f"{'resource':60}  {'bytes':>8}  {'gzipped':>8}")
    for url, data in resources:
        print(f"{url[:60]:60}  {len(data):8d}  {gzipped(data):8d}")
    total = sum(gzipped(data) for _, data in resources)
    print(
        f"{'first load (HTML + CSS + JS)':60}  {sum(len(d) for _, d in resources):8d}  {total:8d}"
    )
    verdict = "met" if total <= FIRST_LOAD_TARGET else "missed"
    print(f"target {FIRST_LOAD_TARGET / 1000:g} KB gzipped: {verdict} ({total / 1000:.1f} KB)")
    embed_size = gzipped(embed_js)
    embed_verdict = "met" if embed_size <= EMBED_JS_TARGET else "missed"
    print(
        f"embed.js: {len(embed_js)} bytes, {embed_size} gzipped; target "
        f"{EMBED_JS_TARGET / 1000:g} KB: {embed_verdict}"
    )
    return 0 if total <= FIRST_LOAD_TARGET and embed_size <= EMBED_JS_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
