"""Request ids on every request and log record; one JSON object per log line when asked.

Only the method and the path (private links masked) of a request are logged: never its query
string, its form data, an e-mail address or a token. Exceptions are written with their
traceback, but with messages from ``faults.safe_message``: a database error names the
constraint it hit, not the values it was given.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import IO, Any

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.logging import default_handler

from kick_forms.accesslog import redact
from kick_forms.ops.faults import safe_traceback

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_EMAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[A-Za-z]{2,}")
_HANDLER_MARK = "_kick_json_handler"

request_log = logging.getLogger("kick_forms.request")
error_log = logging.getLogger("kick_forms.errors")


def request_id_from(header: str | None) -> str:
    """The client's (or proxy's) request id when it is a sane token, else a fresh one."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Adds the request id, method and path (private links masked) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.method = request.method
            record.path = redact(request.path)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _EMAIL.sub("[email]", redact(record.getMessage())),
        }
        for key in ("request_id", "method", "path", "status", "duration_ms"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        return _format_exception(ei)


class TextFormatter(logging.Formatter):
    """Flask's text format, with messages and tracebacks kept free of personal data."""

    def __init__(self) -> None:
        super().__init__("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802
        return _EMAIL.sub("[email]", redact(super().formatMessage(record)))

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        return _format_exception(ei)


def _format_exception(ei) -> str:  # type: ignore[no-untyped-def]
    _kind, error, _traceback = ei
    return safe_traceback(error) if error is not None else ""


def log_unexpected(error: BaseException, what: str) -> None:
    """An exception no handler expected, with the request's id and its traceback."""
    where = f"{request.method} {redact(request.path)}" if has_request_context() else "-"
    error_log.error(
        "%s: %s in %s (request %s)",
        what,
        type(error).__name__,
        where,
        g.get("request_id") if has_request_context() else "-",
        exc_info=(type(error), error, error.__traceback__),
    )


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    return handler


def _use_json_logs(app: Flask) -> None:
    """Route every logger through one JSON handler on the root logger (once per process)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = json_handler()
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.removeHandler(default_handler)


def _start_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    if started is not None and current_app.config["LOG_FORMAT"] == "json":
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        request_log.info(
            "%s %s %s",
            request.method,
            redact(request.path),
            response.status_code,
            extra={"status": response.status_code, "duration_ms": duration_ms},
        )
    return response


def init_app(app: Flask) -> None:
    if app.config["LOG_FORMAT"] == "json":
        _use_json_logs(app)
    else:
        default_handler.setFormatter(TextFormatter())
    # First of all the app's checks, so that a request refused by one (the CSRF check, say)
    # still gets its id, its log line and its place in the metrics.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
