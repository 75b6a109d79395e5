"""Shared state in Redis: rate limits and request counters that every worker and app server
shares, and a service that keeps answering while Redis is away.

The tests that need a Redis server run when ``KICK_TEST_REDIS_URL`` names one (``.ci/run``
gives it); each uses keys of its own and deletes them. Several apps in one test stand for
several workers or instances: each app has its own registry, and only Redis joins them.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator

import pytest
import redis

from kick_forms.extensions import db, limiter
from tests.conftest import csrf_token, free_port, make_app

REDIS_URL = os.environ.get("KICK_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="KICK_TEST_REDIS_URL is not set")
HEALTHZ = 'kick_requests_total{method="GET",endpoint="ops.healthz",status="200"}'
SCRAPES = 'kick_requests_total{method="GET",endpoint="ops.prometheus",status="200"}'


@pytest.fixture
def store() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    marker = f"kick-test-{secrets.token_hex(6)}"
    # The limiter's key prefix is set once per process, so the limiter's keys are told apart
    # by a client address of the test's own.
    address = ".".join(str(secrets.randbelow(250) + 1) for _ in range(3))
    client.marker = marker  # type: ignore[attr-defined]
    client.address = f"10.{address}"  # type: ignore[attr-defined]
    yield client
    for pattern in (f"*{marker}*", f"*/{client.address}/*"):  # type: ignore[attr-defined]
        for key in client.scan_iter(pattern):
            client.delete(key)
    client.close()


@pytest.fixture(autouse=True)
def _limiter_back_in_memory(database_url: str) -> Iterator[None]:
    """The limiter is one object for the whole process: leave it counting in memory, as the
    other tests (and their clean-up) expect."""
    yield
    app = make_app(database_url, RATELIMIT_ENABLED=True)
    with app.app_context():
        db.engine.dispose()
    # A Redis that was away leaves the limiter marked as falling back to memory, and init_app
    # does not clear the mark: the next test's Redis would go uncounted until its health check.
    limiter._storage_dead = False


def _scrape(app) -> str:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _value(text: str, line: str) -> float | None:
    match = re.search(rf"^{re.escape(line)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else None


def _post_login(client, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client, "/admin/login")
    return client.post(
        "/admin/login",
        data={"email": "nobody@example.se", "password": "x", "csrf_token": token},
    )


@needs_redis
def test_every_worker_of_an_instance_adds_to_the_same_counters(database_url, store):
    def worker(instance: str):  # type: ignore[no-untyped-def]
        return make_app(
            database_url, METRICS_ENABLED=True, REDIS_URL=REDIS_URL, METRICS_INSTANCE=instance
        )

    first, second = worker(store.marker), worker(store.marker)
    elsewhere = worker(f"{store.marker}-other")
    for app, requests in ((first, 3), (second, 2), (elsewhere, 1)):
        client = app.test_client()
        for _ in range(requests):
            assert client.get("/healthz").status_code == 200

    # Whichever worker answers the scrape, it sees the five requests of its instance.
    for app in (first, second):
        text = _scrape(app)
        assert _value(text, HEALTHZ) == 5
        assert _value(text, "kick_metrics_store_up") == 1
        assert _value(text, 'kick_request_duration_seconds_bucket{le="+Inf"}') >= 5
    # Another instance keeps its own.
    assert _value(_scrape(elsewhere), HEALTHZ) == 1
    # Each scrape is itself a request, counted after it is answered.
    assert _value(_scrape(first), SCRAPES) == 2
    for app in (first, second, elsewhere):
        with app.app_context():
            db.engine.dispose()


@needs_redis
def test_rate_limits_are_counted_in_redis_for_every_worker(database_url, store):
    def worker():  # type: ignore[no-untyped-def]
        return make_app(
            database_url,
            RATELIMIT_ENABLED=True,
            REDIS_URL=REDIS_URL,
            LOGIN_RATE_LIMIT="3 per minute",
        )

    first, second = worker(), worker()
    statuses = [_post_login(first.test_client(), store.address).status_code for _ in range(2)]
    statuses += [_post_login(second.test_client(), store.address).status_code for _ in range(2)]
    assert statuses == [422, 422, 422, 429]
    counters = {
        key.decode(): int(store.get(key)) for key in store.scan_iter(f"*/{store.address}/*")
    }
    assert list(counters.values()) == [4]
    assert next(iter(counters)).endswith("/auth.login/3/1/minute")
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_the_service_keeps_answering_while_redis_is_away(database_url, caplog):
    away = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        REDIS_URL=away,
        METRICS_ENABLED=True,
        LOGIN_RATE_LIMIT="2 per minute",
    )
    client = app.test_client()
    # Each process counts on its own meanwhile: the limit still holds.
    assert [_post_login(client).status_code for _ in range(3)] == [422, 422, 429]
    text = _scrape(app)
    assert _value(text, "kick_metrics_store_up") == 0
    assert _value(text, "kick_submissions_total") is not None
    assert "Metrics not kept: Redis did not answer" in caplog.text
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
