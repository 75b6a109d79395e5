"""Request ids and JSON log lines: one object per line, nothing private in it."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from kick_forms.accesslog import is_private_link, redact
from tests.ops.conftest import captured_json, json_logging_app, records
from tests.routes import all_rules


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2_x"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.2_x"


def test_a_request_id_is_made_when_none_is_given(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


@pytest.mark.parametrize(
    "odd", ["x" * 65, "a b", "id;drop", "<script>", "ümlaut", "a\tb", "id,other"]
)
def test_an_odd_request_id_is_replaced(client, odd):
    given = client.get("/healthz", headers={"X-Request-ID": odd}).headers["X-Request-ID"]
    assert given != odd
    assert len(given) == 32


@pytest.fixture
def json_app(database_url: str) -> Iterator:
    with json_logging_app(database_url) as app:
        yield app


@pytest.fixture
def captured(json_app) -> Iterator[io.StringIO]:
    with captured_json() as stream:
        yield stream


def test_each_request_logs_one_json_line_with_its_id(json_app, captured):
    client = json_app.test_client()
    response = client.get("/healthz", headers={"X-Request-ID": "probe-1"})
    (record,) = [r for r in records(captured) if r["logger"] == "kick_forms.request"]
    assert record["request_id"] == "probe-1" == response.headers["X-Request-ID"]
    assert record["level"] == "INFO"
    assert record["method"] == "GET"
    assert record["path"] == "/healthz"
    assert record["status"] == 200
    assert isinstance(record["duration_ms"], float)
    assert record["time"].endswith("+00:00")


def test_a_request_refused_by_the_csrf_check_is_logged_with_its_id(json_app, captured):
    client = json_app.test_client()
    response = client.post("/admin/login", data={"email": "a@example.se"})
    assert response.status_code == 400
    (record,) = [r for r in records(captured) if r["logger"] == "kick_forms.request"]
    assert record["status"] == 400 and record["path"] == "/admin/login"
    assert record["request_id"] == response.headers["X-Request-ID"]
    # Flask-WTF names the real reason (the person is told the form expired).
    (reason,) = [r for r in records(captured) if r["logger"] == "flask_wtf.csrf"]
    assert reason["message"] == "The CSRF token is missing."
    assert reason["request_id"] == record["request_id"]


def test_log_lines_carry_no_query_string_email_nor_private_link(json_app, captured):
    client = json_app.test_client()
    token = "A" * 43
    client.get(f"/respond/{token}?email=anna@example.se&next=secret")
    client.post("/admin/login", data={"email": "anna@example.se", "password": "hunter2"})
    text = captured.getvalue()
    assert text
    for line in text.splitlines():
        json.loads(line)
    for private in (token, "anna@example.se", "secret", "hunter2", "?"):
        assert private not in text
    paths = [r["path"] for r in records(captured) if r["logger"] == "kick_forms.request"]
    assert "/respond/[private-link]" in paths


def test_other_log_records_carry_the_request_id(json_app, captured):
    @json_app.get("/_test/log")
    def _log():  # type: ignore[no-untyped-def]
        json_app.logger.warning("Reminder queued for anna@example.se")
        return "ok"

    json_app.test_client().get("/_test/log", headers={"X-Request-ID": "abc"})
    (record,) = [r for r in records(captured) if r["logger"] == json_app.logger.name]
    assert record["request_id"] == "abc"
    assert record["message"] == "Reminder queued for [email]"


def test_text_logs_write_no_request_line(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "kick_forms.request"]


def test_every_route_behind_a_private_link_is_masked_in_logs_and_never_cached(client):
    """The routes are read from the URL map, so a new kind of private link cannot be left out."""
    signed = "NQ.Xr1rB9mJ8Kx0cQf3aWvZ2p4Lh7sTgYk"  # as itsdangerous writes a signed id
    private = [rule for rule in all_rules() if "<token>" in rule.rule]
    assert len(private) >= 20
    for rule in private:
        path = rule.rule.replace("<token>", signed)
        path = re.sub(r"<int:[a-z_]+>", "1", path)
        assert signed not in redact(f'"GET {path} HTTP/1.1"'), rule.rule
        assert is_private_link(path), rule.rule
        if "GET" in rule.methods:
            response = client.get(path)
            assert response.headers["Cache-Control"] == "no-store", rule.rule
