"""GET /metrics: off by default, for allowed addresses only, counts from the database."""

from __future__ import annotations

import re

import pytest

from kick_forms.config import ConfigError
from kick_forms.extensions import db
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import Response, ResponseStatus
from kick_forms.timeutil import utcnow
from tests.conftest import make_app, make_consultation


@pytest.fixture
def metrics_app(app):
    metrics_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], METRICS_ENABLED=True)
    with metrics_app.app_context():
        yield metrics_app


def _value(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in metrics"
    return float(match.group(1))


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_other_addresses(metrics_app):
    client = metrics_app.test_client()
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 403


def test_metrics_allow_a_configured_network(app):
    metrics_app = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], METRICS_ENABLED=True, METRICS_ALLOW="10.0.0.0/8"
    )
    client = metrics_app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    assert client.get("/metrics").status_code == 403


def test_metrics_count_requests_and_read_the_database(metrics_app):
    consultation = make_consultation()
    for status in (ResponseStatus.SUBMITTED, ResponseStatus.SUBMITTED, ResponseStatus.DRAFT):
        db.session.add(Response(consultation_id=consultation.id, status=status))
    waiting = enqueue_mail("anna@example.se", "Hej", "Text")
    failed = enqueue_mail("bo@example.se", "Hej", "Text")
    failed.failed_at = utcnow()
    sent = enqueue_mail("cilla@example.se", "Hej", "Text")
    sent.sent_at = utcnow()
    db.session.commit()
    assert waiting.id

    client = metrics_app.test_client()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)

    submitted = db.session.scalar(
        db.select(db.func.count(Response.id)).filter_by(status=ResponseStatus.SUBMITTED)
    )
    assert _value(text, "kick_submissions_total") == submitted == 2
    assert _value(text, "kick_outbox_backlog") == 1
    assert _value(text, "kick_outbox_failed") == 1
    labels = 'method="GET",endpoint="ops.healthz",status="200"'
    assert _value(text, f"kick_requests_total{{{labels}}}") == 2
    assert _value(text, 'kick_requests_total{method="GET",endpoint="none",status="404"}') == 1
    assert _value(text, 'kick_request_duration_seconds_bucket{le="+Inf"}') == 3
    assert _value(text, "kick_request_duration_seconds_count") == 3
    assert "# TYPE kick_request_duration_seconds histogram" in text
    assert "anna@example.se" not in text


def test_a_bad_allow_list_stops_the_app(app):
    with pytest.raises(ConfigError, match="METRICS_ALLOW"):
        make_app(app.config["SQLALCHEMY_DATABASE_URI"], METRICS_ALLOW="localhost")
