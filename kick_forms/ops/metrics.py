"""Prometheus metrics, written by hand in the text exposition format.

Counters live in this process: under gunicorn each worker counts its own requests, and a scrape
sees whichever worker answers. The gauges are read from the database at each scrape, so they are
the same from every worker.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from ipaddress import ip_address, ip_network

from flask import Flask, Response, current_app, g, request
from sqlalchemy import func, select

from kick_forms.config import ConfigError
from kick_forms.extensions import db
from kick_forms.models import OutboxMessage
from kick_forms.models import Response as ConsultationResponse
from kick_forms.models.response import ResponseStatus

BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, math.inf)


class Registry:
    """Request counts and a latency histogram, safe for gunicorn's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, str]] = Counter()
        self.bucket_counts = [0] * len(BUCKETS)
        self.duration_sum = 0.0
        self.duration_count = 0

    def observe(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, endpoint, str(status))] += 1
            self.duration_sum += seconds
            self.duration_count += 1
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.bucket_counts[index] += 1

    def lines(self) -> list[str]:
        with self._lock:
            requests = sorted(self.requests.items())
            buckets = list(self.bucket_counts)
            total, count = self.duration_sum, self.duration_count
        lines = [
            "# HELP kick_requests_total HTTP requests handled by this process.",
            "# TYPE kick_requests_total counter",
        ]
        for (method, endpoint, status), value in requests:
            labels = _labels(method=method, endpoint=endpoint, status=status)
            lines.append(f"kick_requests_total{labels} {value}")
        lines += [
            "# HELP kick_request_duration_seconds Time to handle a request, in this process.",
            "# TYPE kick_request_duration_seconds histogram",
        ]
        for bound, value in zip(BUCKETS, buckets, strict=True):
            le = "+Inf" if bound == math.inf else repr(bound)
            lines.append(f'kick_request_duration_seconds_bucket{{le="{le}"}} {value}')
        lines.append(f"kick_request_duration_seconds_sum {total:.6f}")
        lines.append(f"kick_request_duration_seconds_count {count}")
        return lines


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


def registry() -> Registry:
    return current_app.extensions["kick_metrics"]


def exposition() -> str:
    return "\n".join(registry().lines() + database_lines()) + "\n"


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
    app.extensions["kick_metrics"] = Registry()
    app.extensions["kick_metrics_allow"] = allowed_networks(app.config["METRICS_ALLOW"])
    if app.config["METRICS_ENABLED"]:
        app.after_request(_observe)
