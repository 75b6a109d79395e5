"""PDFs drawn once per state of what they show and kept where every app server finds them: the
board's summary, the method manual.

Drawing a PDF costs about a second of CPU; the page it is drawn from costs a few queries. So
the page is drawn first, and what it shows (without the moment it was drawn) names the PDF:
the same answers, feedback, status and language give the same name, and any change to what
the page shows gives a new one. Nothing can be missed that way, and nothing a visitor adds to
the address (a query string) makes a new PDF.

Kept in Redis when ``REDIS_URL`` is set (shared by all app servers, for a day), otherwise in a
small least-recently-used store in each process. One PDF is drawn at a time in a process; a
request that waited too long for its turn gets 503 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import redis
from flask import Flask, current_app

from kick_forms import redis_guard

logger = logging.getLogger("kick_forms.pdf")

REDIS_PREFIX = "kick-forms:pdf:"
REDIS_SECONDS = 24 * 3600
MEMORY_ENTRIES = 32
MEMORY_BYTES = 64 * 1000 * 1000
# How long a request waits for the process's one PDF drawing; gunicorn stops a worker at 30 s.
RENDER_WAIT_SECONDS = 20.0
RETRY_AFTER_SECONDS = 10

# The part of a page a PDF shows: the article marked so, up to the page's last article's end. The
# rest (menus, the language links that repeat the address's query string) is hidden in print.
_PRINTED_START = re.compile(r"<article [^>]*\bdata-pdf-content\b")
_PRINTED_END = "</article>"
_DRAWN_AT = re.compile(r'<dd class="drawn-at">[^<]*</dd>')

# One drawing at a time in a process: drawing holds the interpreter, so two at once are no
# faster, and sixteen at once would hold every thread of the worker.
_drawing = threading.Lock()


class RenderBusy(Exception):
    """Another PDF is being drawn in this process and did not finish in time."""


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


class MemoryStore:
    """The newest PDFs in this process, bounded by count and by size."""

    def __init__(self, entries: int = MEMORY_ENTRIES, size: int = MEMORY_BYTES) -> None:
        self.entries, self.size = entries, size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.size:
            return
        with self._lock:
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self.entries or self._bytes() > self.size:
                self._items.popitem(last=False)

    def _bytes(self) -> int:
        return sum(len(data) for data in self._items.values())


class RedisStore:
    """PDFs in Redis, for every app server, with the newest also in this process (which is all
    there is while Redis is away)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.local = MemoryStore()

    def get(self, key: str) -> bytes | None:
        data = self.local.get(key)
        if data is not None:
            return data
        try:
            data = self.client.get(REDIS_PREFIX + key)  # type: ignore[assignment]
        except redis.RedisError as error:
            logger.warning("PDF not read from Redis (%s)", type(error).__name__)
            return None
        if data is not None:
            self.local.put(key, data)
        return data

    def put(self, key: str, data: bytes) -> None:
        self.local.put(key, data)
        try:
            self.client.set(REDIS_PREFIX + key, data, ex=REDIS_SECONDS)
        except redis.RedisError as error:
            logger.warning("PDF not kept in Redis (%s)", type(error).__name__)


def _make_store(app: Flask) -> None:
    if app.config.get("REDIS_URL"):
        client = redis_guard.client(
            app.config["REDIS_URL"],
            app.config["REDIS_TIMEOUT_SECONDS"],
            app.config["REDIS_RETRY_SECONDS"],
        )
        app.extensions["kick_pdf"] = RedisStore(client)
    else:
        app.extensions["kick_pdf"] = MemoryStore()


# Guards the first use: two requests making a store each would each draw into their own.
_making_store = threading.Lock()


def _store() -> Store:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "kick_pdf" not in app.extensions:
        with _making_store:
            if "kick_pdf" not in app.extensions:
                _make_store(app)
    return app.extensions["kick_pdf"]


def state_key(name: str, language: str, html: str) -> str:
    """The name of a PDF: ``name`` and what it shows (the article marked ``data-pdf-content``),
    not when it was drawn (the ``drawn-at`` element is left out; another time in the same
    minute, such as the moment the consultation opened, stays in) nor anything a visitor put
    in the address."""
    start = _PRINTED_START.search(html)
    end = html.rfind(_PRINTED_END)
    if start is None or end < start.start():
        raise ValueError(f"the page of the PDF {name!r} marks no article data-pdf-content")
    printed = _DRAWN_AT.sub("", html[start.start() : end])
    digest = hashlib.sha256(f"{language}\n{printed}".encode()).hexdigest()
    return f"{name}:{digest}"


def kept_pdf(key: str, draw: Callable[[], bytes]) -> bytes:
    """The PDF for this key: from the cache, or drawn once (by this request) and kept."""
    store = _store()
    data = store.get(key)
    if data is not None:
        return data
    if not _drawing.acquire(timeout=RENDER_WAIT_SECONDS):
        raise RenderBusy
    try:
        # Drawn by the request this one waited for?
        data = store.get(key)
        if data is None:
            data = draw()
            store.put(key, data)
        return data
    finally:
        _drawing.release()
