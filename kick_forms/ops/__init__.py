"""Operations: health and readiness checks, request ids, JSON logs and Prometheus metrics."""

from __future__ import annotations

from flask import Flask

from kick_forms.ops import logging, metrics


def init_app(app: Flask) -> None:
    logging.init_app(app)
    metrics.init_app(app)
