"""Responses compressed (Brotli or gzip) when the browser accepts it and nothing in front does.

``make run`` serves the app with gunicorn alone, so without this a phone on a slow line would
load the answering pages uncompressed (some 45 KB of HTML for the start page's municipality
list instead of 6). Behind nginx (``deploy/nginx``), nginx compresses; set ``KICK_COMPRESS=false``
there to leave it to nginx, whose gzip passes an already compressed answer through unchanged
either way.

Brotli where the browser accepts it (browsers ask for it over HTTPS and from localhost), gzip
otherwise. Pages are compressed as they leave, at a quick setting; static files once per
version of the file at the strongest, kept in memory. A compressed answer carries
``Vary: Accept-Encoding`` and a weak ETag (the bytes differ from the file's own), which still
matches the browser's ``If-None-Match`` for a 304.
"""

from __future__ import annotations

import gzip
import os
import threading

import brotli
from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

COMPRESSIBLE = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
        "text/css",
        "text/csv",
        "text/html",
        "text/javascript",
        "text/plain",
        "text/xml",
    }
)
# Below this, the encoding's own header outweighs what it saves.
MINIMUM_BYTES = 512
# Pages: most of the gain for a fraction of a millisecond (as nginx's gzip_comp_level 5-6).
# Static files are compressed once, so at the strongest setting.
PAGE_LEVELS = {"br": 5, "gzip": 6}
STATIC_LEVELS = {"br": 11, "gzip": 9}

_static: dict[tuple[str, int, int, str], bytes] = {}
_static_lock = threading.Lock()


def compress(data: bytes, encoding: str, level: int) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=level)
    return gzip.compress(data, compresslevel=level, mtime=0)


def init_app(app: Flask) -> None:
    """Register the compression; call it before anything else adds an ``after_request``, so it
    runs after them all and compresses the answer as they left it."""
    if app.config["COMPRESS"]:
        app.after_request(_compress)


def _compress(response: Response) -> Response:
    encoding = _encoding(response)
    if encoding is None:
        return response
    if response.direct_passthrough:
        body = _static_file(encoding)
        if body is None:
            return response
        response.close()  # the open file behind the answer
        response.direct_passthrough = False
    else:
        data = response.get_data()
        if len(data) < MINIMUM_BYTES:
            return response
        body = compress(data, encoding, PAGE_LEVELS[encoding])
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def _encoding(response: Response) -> str | None:
    """The encoding to send this answer in, if any: the browser's preferred of ours."""
    if not (
        response.status_code == 200
        and response.mimetype in COMPRESSIBLE
        and "Content-Encoding" not in response.headers
        # A file is sent as a stream; other streams are left as they are.
        and (response.direct_passthrough or not response.is_streamed)
        and request.method != "HEAD"
    ):
        return None
    accepted = request.accept_encodings
    brotli_quality, gzip_quality = accepted["br"], accepted["gzip"]
    if brotli_quality > 0 and brotli_quality >= gzip_quality:
        return "br"
    return "gzip" if gzip_quality > 0 else None


def _static_file(encoding: str) -> bytes | None:
    """The requested static file, compressed once per version of it; None for anything else
    sent from a file (downloads are compressed formats already, or private)."""
    filename = (request.view_args or {}).get("filename")
    folder = current_app.static_folder
    if request.endpoint != "static" or not filename or folder is None:
        return None
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size, encoding)
    body = _static.get(key)
    if body is None:
        with open(path, "rb") as file:
            body = compress(file.read(), encoding, STATIC_LEVELS[encoding])
        with _static_lock:
            _static[key] = body
    return body
