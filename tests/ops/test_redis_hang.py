"""A Redis that hangs (accepts, never answers) costs one request a timeout, not every request.

The fake Redis here is a socket server that accepts connections and never answers; switched
to "forward", it passes bytes to the real Redis of ``KICK_TEST_REDIS_URL``, as a Redis that has
come back would answer.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from kick_forms.extensions import db
from tests.conftest import make_app
from tests.ops.test_redis import (  # noqa: F401  fixtures
    HEALTHZ,
    REDIS_URL,
    _limiter_back_in_memory,
    _post_login,
    _scrape,
    _value,
    needs_redis,
    store,
)

TIMEOUT = 1.0


class HangingRedis:
    """A TCP server on a free port: "hang" holds every connection unanswered, "forward" relays
    new connections to the real Redis."""

    def __init__(self) -> None:
        self.mode = "hang"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        self._sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        # The same database number as the real Redis, which it may come to stand for.
        database = urlsplit(REDIS_URL).path.lstrip("/") or "0"
        return f"redis://127.0.0.1:{self.port}/{database}"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._sockets.append(connection)
            target = self._swallow if self.mode == "hang" else self._forward
            threading.Thread(target=target, args=(connection,), daemon=True).start()

    def _swallow(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while connection.recv(65536):
                pass

    def _forward(self, connection: socket.socket) -> None:
        real = urlsplit(REDIS_URL)
        upstream = socket.create_connection((real.hostname or "127.0.0.1", real.port or 6379))
        self._sockets.append(upstream)

        def pump(source: socket.socket, sink: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := source.recv(65536):
                    sink.sendall(data)
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

        threading.Thread(target=pump, args=(upstream, connection), daemon=True).start()
        pump(connection, upstream)

    def close(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()


@pytest.fixture
def hanging() -> Iterator[HangingRedis]:
    server = HangingRedis()
    yield server
    server.close()


def _timed(work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def test_after_one_timeout_requests_no_longer_wait_for_a_hung_redis(database_url, hanging):
    app = make_app(
        database_url,
        REDIS_URL=hanging.url,
        METRICS_ENABLED=True,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="4 per minute",
        REDIS_TIMEOUT_SECONDS=TIMEOUT,
    )
    client = app.test_client()
    statuses: list[int] = []

    first = _timed(lambda: statuses.append(_post_login(client).status_code))
    later = [_timed(lambda: statuses.append(_post_login(client).status_code)) for _ in range(5)]
    healthz = [_timed(lambda: client.get("/healthz")) for _ in range(5)]

    # The first request found out, once; the others did not ask Redis again.
    assert first >= TIMEOUT * 0.9
    assert max(later + healthz) < TIMEOUT / 2, (later, healthz)
    # The limit still holds, counted in this process meanwhile.
    assert statuses == [422, 422, 422, 422, 429, 429]
    assert _value(_scrape(app), "kick_metrics_store_up") == 0
    with app.app_context():
        db.engine.dispose()


@needs_redis
def test_counting_resumes_in_redis_once_it_answers_again(database_url, hanging, store):  # noqa: F811
    app = make_app(
        database_url,
        REDIS_URL=hanging.url,
        METRICS_ENABLED=True,
        METRICS_INSTANCE=store.marker,
        REDIS_TIMEOUT_SECONDS=0.3,
        REDIS_RETRY_SECONDS=1.0,
    )
    client = app.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert _value(_scrape(app), "kick_metrics_store_up") == 0

    hanging.mode = "forward"
    time.sleep(1.2)  # the breaker's pause
    for _ in range(4):
        assert client.get("/healthz").status_code == 200

    text = _scrape(app)
    assert _value(text, "kick_metrics_store_up") == 1
    # Counted in Redis again: the requests since it came back, the first of them included.
    assert _value(text, HEALTHZ) == 4
    assert store.hgetall(f"kick-forms:metrics:{store.marker}")
    with app.app_context():
        db.engine.dispose()
