"""Prometheus metrics, written by hand in the text exposition format.

Request counts and latencies are kept per instance (one gunicorn, one machine): in Redis when
``REDIS_URL`` is set, so every worker of the instance adds to the same counters and a scrape sees
them all whichever worker answers; otherwise in each process, which with several workers makes
a scrape a sample. The gauges are read from the database at each scrape, so they are the same
from every worker and instance.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network

import redis
from flask import Flask, Response, current_app, g, request
from sqlalchemy import func, select

from kick_forms import redis_guard
from kick_forms.config import ConfigError
from kick_forms.extensions import db
from kick_forms.models import OutboxMessage
from kick_forms.models import Response as ConsultationResponse
from kick_forms.models.response import ResponseStatus

logger = logging.getLogger("kick_forms.metrics")

BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, math.inf)
# An instance's counters in Redis are dropped after a month without a request, so instances
# that are gone do not pile up; Prometheus sees that as a counter reset.
REDIS_KEY_SECONDS = 30 * 24 * 3600
# While Redis is away, say so in the log at most this often.
WARN_EVERY_SECONDS = 60.0


@dataclass
class Snapshot:
    """The counters as one scrape sees them."""

    requests: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    duration_sum: float = 0.0
    duration_count: int = 0

    def lines(self) -> list[str]:
        lines = [
            "# HELP kick_requests_total HTTP requests handled by this instance.",
            "# TYPE kick_requests_total counter",
        ]
        for (method, endpoint, status), value in sorted(self.requests.items()):
            labels = _labels(method=method, endpoint=endpoint, status=status)
            lines.append(f"kick_requests_total{labels} {value}")
        lines += [
            "# HELP kick_request_duration_seconds Time to handle a request, in this instance.",
            "# TYPE kick_request_duration_seconds histogram",
        ]
        for bound, value in zip(BUCKETS, self.buckets, strict=True):
            le = "+Inf" if bound == math.inf else repr(bound)
            lines.append(f'kick_request_duration_seconds_bucket{{le="{le}"}} {value}')
        lines.append(f"kick_request_duration_seconds_sum {self.duration_sum:.6f}")
        lines.append(f"kick_request_duration_seconds_count {self.duration_count}")
        return lines


def _bucket_index(seconds: float) -> int:
    """The first (smallest) bucket the duration falls in; the histogram is cumulative."""
    return next(index for index, bound in enumerate(BUCKETS) if seconds <= bound)


class Registry:
    """Counters in this process, safe for gunicorn's threads."""

    scope = "process"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = Snapshot()

    def observe(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        with self._lock:
            snapshot = self._snapshot
            snapshot.requests[(method, endpoint, str(status))] += 1
            snapshot.duration_sum += seconds
            snapshot.duration_count += 1
            for index in range(_bucket_index(seconds), len(BUCKETS)):
                snapshot.buckets[index] += 1

    def snapshot(self) -> Snapshot:
        with self._lock:
            current = self._snapshot
            return Snapshot(
                Counter(current.requests),
                list(current.buckets),
                current.duration_sum,
                current.duration_count,
            )


class RedisRegistry:
    """Counters of one instance in a Redis hash, shared by all its workers.

    Fields: ``r <method> <endpoint> <status>`` per request kind, ``b <index>`` per latency
    bucket (not cumulative; summed at the scrape), ``sum`` and ``count``.
    """

    scope = "instance"

    def __init__(self, client: redis.Redis, instance: str) -> None:
        self.client = client
        self.key = f"kick-forms:metrics:{instance}"
        self._warned_at = -WARN_EVERY_SECONDS

    def observe(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        pipeline = self.client.pipeline(transaction=False)
        pipeline.hincrby(self.key, f"r {method} {endpoint} {status}", 1)
        pipeline.hincrby(self.key, f"b {_bucket_index(seconds)}", 1)
        pipeline.hincrbyfloat(self.key, "sum", seconds)
        pipeline.hincrby(self.key, "count", 1)
        pipeline.expire(self.key, REDIS_KEY_SECONDS)
        try:
            pipeline.execute()
        except redis.RedisError as error:
            self._warn(error)

    def snapshot(self) -> Snapshot:
        """The instance's counters; raises ``redis.RedisError`` when Redis does not answer."""
        fields = {
            name.decode(): value.decode() for name, value in self.client.hgetall(self.key).items()
        }
        snapshot = Snapshot()
        below = 0
        for index in range(len(BUCKETS)):
            below += int(fields.get(f"b {index}", 0))
            snapshot.buckets[index] = below
        snapshot.duration_sum = float(fields.get("sum", 0))
        snapshot.duration_count = int(fields.get("count", 0))
        for name, value in fields.items():
            if name.startswith("r "):
                method, endpoint, status = name[2:].split(" ")
                snapshot.requests[(method, endpoint, status)] = int(value)
        return snapshot

    def _warn(self, error: redis.RedisError) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning("Metrics not kept: Redis did not answer (%s)", type(error).__name__)


def instance_name(configured: str) -> str:
    """What tells this instance's counters from other instances': the setting, else the
    machine's name and gunicorn's address."""
    return configured or f"{socket.gethostname()}:{os.environ.get('KICK_BIND', '127.0.0.1:8000')}"


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{key}="{escape(value)}"' for key, value in labels.items()) + "}"


def _gauge(name: str, help_text: str, value: int) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value}"]


def _count(statement) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(statement) or 0


def database_lines() -> list[str]:
    """Gauges read from the database now: the same whichever worker answers."""
    submitted = _count(
        select(func.count(ConsultationResponse.id)).where(
            ConsultationResponse.status == ResponseStatus.SUBMITTED
        )
    )
    waiting = _count(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
        )
    )
    failed = _count(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.failed_at.is_not(None))
    )
    return (
        _gauge("kick_submissions_total", "Submitted responses.", submitted)
        + _gauge("kick_outbox_backlog", "Messages in the outbox waiting to be sent.", waiting)
        + _gauge("kick_outbox_failed", "Messages in the outbox given up on.", failed)
    )


def registry() -> Registry | RedisRegistry:
    return current_app.extensions["kick_metrics"]


def exposition() -> str:
    store = registry()
    try:
        snapshot, up = store.snapshot(), 1
    except redis.RedisError:
        snapshot, up = Snapshot(), 0
    store_lines = _gauge(
        "kick_metrics_store_up",
        f"1 when the request counters could be read (kept per {store.scope}).",
        up,
    )
    return "\n".join(snapshot.lines() + store_lines + database_lines()) + "\n"


def allowed_networks(setting: str) -> tuple:
    """The addresses (or networks, like 10.0.0.0/8) that may read the metrics."""
    try:
        return tuple(
            ip_network(entry.strip(), strict=False) for entry in setting.split(",") if entry.strip()
        )
    except ValueError as error:
        raise ConfigError(f"KICK_METRICS_ALLOW: {error}") from None


def client_allowed() -> bool:
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.extensions["kick_metrics_allow"])


def _observe(response: Response) -> Response:
    started = g.get("request_started")
    if started is not None:
        endpoint = request.url_rule.endpoint if request.url_rule else "none"
        registry().observe(
            request.method, endpoint, response.status_code, time.perf_counter() - started
        )
    return response


def init_app(app: Flask) -> None:
    if app.config.get("REDIS_URL"):
        # A Redis that does not answer must not hold up requests: see redis_guard.
        client = redis_guard.client(
            app.config["REDIS_URL"],
            app.config["REDIS_TIMEOUT_SECONDS"],
            app.config["REDIS_RETRY_SECONDS"],
        )
        instance = instance_name(app.config["METRICS_INSTANCE"])
        app.extensions["kick_metrics"] = RedisRegistry(client, instance)
    else:
        app.extensions["kick_metrics"] = Registry()
    app.extensions["kick_metrics_allow"] = allowed_networks(app.config["METRICS_ALLOW"])
    if app.config["METRICS_ENABLED"]:
        app.after_request(_observe)
