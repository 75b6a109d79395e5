"""Logs as JSON, captured for the tests of what the app writes to its log."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator

from flask import Flask

from kick_forms.ops.logging import json_handler
from tests.conftest import make_app


@contextlib.contextmanager
def json_logging_app(database_url: str, **overrides) -> Iterator[Flask]:
    """An app that logs JSON, inside its context; the root logger is as before afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    app = make_app(database_url, LOG_FORMAT="json", **overrides)
    try:
        with app.app_context():
            yield app
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


@contextlib.contextmanager
def captured_json() -> Iterator[io.StringIO]:
    """What the root logger writes meanwhile, one JSON object a line."""
    stream = io.StringIO()
    handler = json_handler(stream)
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


def records(stream: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in stream.getvalue().splitlines()]
