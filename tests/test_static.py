"""Versioned static URLs (a proxy caches /static/ for a year) and the trusted proxy setting."""

from __future__ import annotations

import os
import re

from flask import request, url_for

from kick_forms.static_files import static_version
from tests.conftest import make_app


def test_a_static_url_changes_when_the_file_changes(app, tmp_path):
    app.static_folder = str(tmp_path)
    style = tmp_path / "site.css"
    style.write_text("body { color: black; }")
    with app.test_request_context():
        first = url_for("static", filename="site.css")
        assert first == url_for("static", filename="site.css")
        style.write_text("body { color: navy; }")
        os.utime(style, ns=(1, 1))  # a new mtime even on coarse clocks
        second = url_for("static", filename="site.css")
    assert re.fullmatch(r"/static/site\.css\?v=[0-9a-f]{12}", first)
    assert re.fullmatch(r"/static/site\.css\?v=[0-9a-f]{12}", second)
    assert first != second


def test_missing_files_and_the_embed_script_are_not_versioned(app):
    with app.test_request_context():
        assert url_for("static", filename="no-such-file.css") == "/static/no-such-file.css"
        # Region websites paste this address; it must stay the same.
        assert url_for("static", filename="embed.js") == "/static/embed.js"
        assert url_for("static", filename="css/kick.css", v="x") == "/static/css/kick.css?v=x"


def test_pages_reference_static_files_with_a_version(client, app):
    page = client.get("/").get_data(as_text=True)
    references = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert references
    for reference in references:
        path, _, version = reference.partition("?v=")
        filename = path.removeprefix("/static/")
        assert version == static_version(app.static_folder, filename), reference
    # The versioned URL is still served by the app (the version is ignored).
    assert client.get(references[0]).status_code == 200


def _remote_app(database_url, **overrides):
    app = make_app(database_url, **overrides)

    @app.get("/_test/remote")
    def remote() -> str:
        return f"{request.remote_addr} {request.scheme}"

    return app


def test_behind_a_trusted_proxy_the_client_address_and_scheme_come_from_it(database_url):
    app = _remote_app(database_url, PROXY_FIX=1)
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"}
    response = app.test_client().get("/_test/remote", headers=headers)
    # One proxy: only the address it added (the last) is trusted.
    assert response.get_data(as_text=True) == "198.51.100.7 https"


def test_without_proxy_fix_forwarded_headers_are_ignored(database_url):
    app = _remote_app(database_url)
    assert app.config["PROXY_FIX"] == 0
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    response = app.test_client().get("/_test/remote", headers=headers)
    assert response.get_data(as_text=True) == "127.0.0.1 http"


def test_proxy_fix_comes_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("KICK_PROXY_FIX", "1")
    assert make_app(database_url).config["PROXY_FIX"] == 1


def test_the_icon_browsers_ask_for_is_the_one_the_pages_name(client):
    moved = client.get("/favicon.ico")
    assert moved.status_code == 301
    assert moved.headers["Location"].startswith("/static/favicon.svg?v=")
    assert client.get(moved.headers["Location"]).mimetype == "image/svg+xml"
