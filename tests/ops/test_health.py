"""Health and readiness: what load balancers and orchestrators ask."""

from __future__ import annotations

from flask_migrate import upgrade

from kick_forms.ops import views
from tests.conftest import make_app


def _assert_probe_headers(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_ok_without_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    _assert_probe_headers(response)


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "revision": views.head_revision()}
    _assert_probe_headers(response)


def test_readyz_refuses_when_the_code_expects_another_revision(client, monkeypatch):
    monkeypatch.setattr(views, "head_revision", lambda: "9999_not_yet_applied")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["reason"] == "migrations not current"
    assert body["code"] == "9999_not_yet_applied"
    _assert_probe_headers(response)


def test_readyz_refuses_a_database_behind_the_code(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with app.app_context():
        upgrade(revision="0009")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] != views.head_revision()


def test_readyz_refuses_an_empty_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "reason": "migrations not current",
        "database": None,
        "code": views.head_revision(),
    }


def test_readyz_refuses_an_unreachable_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "reason": "database unreachable"}
