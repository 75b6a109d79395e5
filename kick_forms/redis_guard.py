"""Every Redis call of the app is bounded: short timeouts, no retries, and a circuit breaker.

A Redis that hangs (accepts connections, never answers) would otherwise hold up every request
that counts a metric or a rate limit, each for the socket timeout times redis-py's default
retries. Here a call waits at most the timeout once; after a failure, the app stops asking
that Redis for a while (``KICK_REDIS_RETRY_SECONDS``) and every call fails at once, so the
rate limits count in each process and the metrics are skipped; then one call tries again.

The breaker sits in the connection class, so the rate limiter's client (built by
Flask-Limiter from ``RATELIMIT_STORAGE_OPTIONS``) and ours share it. There is one breaker per
Redis URL in a process.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.retry import Retry


class CircuitBreaker:
    """Closed while Redis answers; open for ``cooldown`` seconds after a failure; then one
    caller at a time may try again.

    ``epoch`` counts failures: a connection made before the last failure is not trusted, so a
    pooled connection to a Redis that has since hung is dropped, not waited on.
    """

    def __init__(self, cooldown: float, probe_seconds: float) -> None:
        self.cooldown = cooldown
        self.probe_seconds = probe_seconds
        self.epoch = 0
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failed = False

    def allow(self) -> bool:
        with self._lock:
            if not self._failed:
                return True
            now = time.monotonic()
            if now < self._open_until:
                return False
            # Half open: this caller tries; the others keep failing fast while it does.
            self._open_until = now + self.probe_seconds
            return True

    def failed(self) -> None:
        with self._lock:
            self._failed = True
            self.epoch += 1
            self._open_until = time.monotonic() + self.cooldown

    def succeeded(self) -> None:
        if self._failed:
            with self._lock:
                self._failed = False
                self._open_until = 0.0


class RedisSkipped(redis.ConnectionError):
    """Not sent: Redis failed a moment ago and the breaker is open."""


_FAILURES = (redis.ConnectionError, redis.TimeoutError, OSError)


class _Guarded:
    """Mixed into redis-py's connection classes: ask the breaker before connecting, tell it
    how each exchange went."""

    breaker: CircuitBreaker
    _breaker_epoch = -1

    def connect_check_health(self, *args: Any, **kwargs: Any) -> None:
        if self._sock:  # type: ignore[attr-defined]
            return
        if not self.breaker.allow():
            raise RedisSkipped("Redis failed a moment ago; not asked again yet")
        # Set first: connecting sends commands of its own (CLIENT SETINFO, SELECT).
        self._breaker_epoch = self.breaker.epoch
        try:
            super().connect_check_health(*args, **kwargs)  # type: ignore[misc]
        except RedisSkipped:
            raise
        except _FAILURES:
            self.breaker.failed()
            raise

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        if self._sock and self._breaker_epoch != self.breaker.epoch:  # type: ignore[attr-defined]
            self.disconnect()  # type: ignore[attr-defined]
        try:
            super().send_packed_command(command, check_health)  # type: ignore[misc]
        except RedisSkipped:
            raise
        except _FAILURES:
            self.breaker.failed()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().read_response(*args, **kwargs)  # type: ignore[misc]
        except _FAILURES:
            self.breaker.failed()
            raise
        self.breaker.succeeded()
        return response


_breakers: dict[tuple[str, float, float], CircuitBreaker] = {}
_classes: dict[tuple[str, float, float], type] = {}
_registry_lock = threading.Lock()


def _scheme_base(url: str) -> type:
    if url.startswith("rediss://"):
        return SSLConnection
    if url.startswith(("unix://", "redis+unix://")):
        return UnixDomainSocketConnection
    return Connection


def breaker_for(url: str, timeout: float, cooldown: float) -> CircuitBreaker:
    """The process's breaker for this Redis."""
    key = (url, timeout, cooldown)
    with _registry_lock:
        if key not in _breakers:
            # A try after the cooldown may take one timeout to connect and one to answer.
            _breakers[key] = CircuitBreaker(cooldown, probe_seconds=2 * timeout)
        return _breakers[key]


def client_options(url: str, timeout: float, cooldown: float) -> dict[str, Any]:
    """Keyword arguments for ``redis.Redis.from_url`` (and Flask-Limiter's storage options)."""
    key = (url, timeout, cooldown)
    breaker = breaker_for(url, timeout, cooldown)
    with _registry_lock:
        if key not in _classes:
            base = _scheme_base(url)
            _classes[key] = type(f"Guarded{base.__name__}", (_Guarded, base), {"breaker": breaker})
        connection_class = _classes[key]
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        # redis-py retries three times with back-off by default: seconds per call.
        "retry": Retry(NoBackoff(), 0),
        "connection_class": connection_class,
    }


def client(url: str, timeout: float, cooldown: float) -> redis.Redis:
    return redis.Redis.from_url(url, **client_options(url, timeout, cooldown))
