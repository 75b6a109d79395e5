"""Versioned static URLs: ``url_for('static', ...)`` appends ``?v=<content hash>``.

A file's URL changes whenever its content does, so a proxy in front of the app (see
``deploy/nginx/kick-forms.conf``) can let browsers cache ``/static/`` for a year.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, Response, current_app, redirect, url_for

# Addresses that other websites paste into their pages (the embed snippet) must never change,
# so these files are not versioned; the proxy gives unversioned URLs a short cache lifetime.
UNVERSIONED = frozenset({"embed.js"})

_hashes: dict[tuple[str, int, int], str] = {}


def static_version(static_folder: str, filename: str) -> str | None:
    """A short hash of the file's content, or None when there is no such file."""
    path = os.path.join(static_folder, filename)
    try:
        stat = os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    version = _hashes.get(key)
    if version is None:
        with open(path, "rb") as file:
            version = hashlib.sha256(file.read()).hexdigest()[:12]
        _hashes[key] = version
    return version


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "v" in values:
        return
    filename = values.get("filename")
    static_folder = current_app.static_folder
    if not filename or filename in UNVERSIONED or static_folder is None:
        return
    version = static_version(static_folder, filename)
    if version is not None:
        values["v"] = version


def _favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page names (after a download, for instance):
    the icon the pages name, not a 404."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
