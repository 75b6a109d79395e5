"""The application's shape: configuration, reference data, migrations, headers."""

from __future__ import annotations

import pytest
from flask_migrate import check
from sqlalchemy import func, select

from kick_forms import create_app
from kick_forms.config import ConfigError
from kick_forms.extensions import db
from kick_forms.models import (
    CodeLevel,
    CodePrinciple,
    CodeStep,
    CultureAlliance,
    CultureArea,
    Municipality,
    OrganisationCategory,
    Region,
)
from kick_forms.reference import load_reference_data


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("KICK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("KICK_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_with_a_real_secret_sets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("KICK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_url_for_postgresql_uses_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://kick@db.example/kick")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://kick@db.example/kick"


def test_reference_data_is_complete(app):
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Region, Municipality, CultureArea, OrganisationCategory, CultureAlliance,
            CodeLevel, CodeStep, CodePrinciple,
        )
    }  # fmt: skip
    assert counts == {
        "Region": 21,
        "Municipality": 290,
        "CultureArea": 7,
        "OrganisationCategory": 17,
        "CultureAlliance": 6,
        "CodeLevel": 4,
        "CodeStep": 6,
        "CodePrinciple": 9,
    }
    kronoberg = db.session.scalars(select(Region).filter_by(slug="kronoberg")).one()
    assert [a.name for a in kronoberg.alliances] == ["Ideell kulturallians Kronoberg"]
    assert len(kronoberg.municipalities) == 8


def test_loading_reference_data_twice_changes_nothing(app):
    changes = load_reference_data()
    assert set(changes.values()) == {0}


def test_migrations_and_models_are_in_step(app):
    # Raises when autogenerate would find a difference between models and the migrated schema.
    check()


def test_every_page_sends_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_migrations_upgrade_an_empty_database_and_downgrade_again(tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"region", "consultation", "section", "question", "user"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()
