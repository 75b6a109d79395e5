"""Fixtures: an app on a migrated database (SQLite always, PostgreSQL when configured).

The schema comes from the migrations, as in production. Reference data is loaded once per
database; rows that tests create are deleted after each test.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from kick_forms import create_app
from kick_forms.auth import services as auth_services
from kick_forms.auth.services import create_user, grant_role
from kick_forms.consultations import services as builder
from kick_forms.extensions import db, limiter, sqlite_begin
from kick_forms.models import (
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    QuestionKind,
    Region,
    Role,
    User,
)
from kick_forms.reference import load_reference_data
from kick_forms.timeutil import utcnow

PASSWORD = "correct horse battery staple"
REFERENCE_TABLES = {
    "region", "municipality", "culture_area", "organisation_category", "culture_alliance",
    "code_level", "code_step", "code_principle", "alembic_version",
    # Kept, and only ever raised: a page kept at one value never meets another test's data.
    "data_epoch",
}  # fmt: skip

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("KICK_TEST_DATABASE_URL") else [])


def worker_suffix() -> str:
    """ "_gw0", "_gw1"… under pytest-xdist, so that workers' databases never meet; else ""."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"_{worker}" if worker else ""


def postgresql_server(url: str) -> str:
    """The maintenance database of the server of ``url``: where databases are made and dropped."""
    server = make_url(url).set(drivername="postgresql", database="postgres")
    return server.render_as_string(hide_password=False)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets a PostgreSQL database and a Redis database of its
    own, made from the ones given, before any test module reads them."""
    suffix = worker_suffix()
    if not suffix:
        return
    if shared := os.environ.get("KICK_TEST_DATABASE_URL"):
        url = make_url(shared)
        name = f"{url.database}{suffix}"
        with psycopg.connect(postgresql_server(shared), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["KICK_TEST_DATABASE_URL"] = url.set(database=name).render_as_string(
            hide_password=False
        )
    if redis_url := os.environ.get("KICK_TEST_REDIS_URL"):
        parts = urlsplit(redis_url)
        base = int(parts.path.strip("/") or 0)
        index = (base - int(suffix.removeprefix("_gw"))) % 16
        os.environ["KICK_TEST_REDIS_URL"] = urlunsplit(parts._replace(path=f"/{index}"))


# Files that take long for their number of tests: one test that crawls every page for minutes.
LONG_FILES = ("test_crawl.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first, since each xdist worker takes whole files in this order and
    the run lasts as long as its busiest worker: the crawl, then the files with the most tests.
    (Started last, as xdist's own order by number of tests had it, the crawl kept one worker
    busy for minutes after the other had finished.) The order within a file is kept."""
    tests_in = Counter(item.path for item in items)
    items.sort(
        key=lambda item: (item.path.name not in LONG_FILES, -tests_in[item.path], str(item.path))
    )


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Argon2id with the least work, for the suite's thousands of logins: the same algorithm
    and code paths, without a tenth of a second of CPU for each hash and check. Servers the
    tests start in other processes keep the real cost."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth_services, "_hasher", cheap)
        patch.setattr(auth_services, "_DUMMY_HASH", cheap.hash("not a real password"))
        yield


@pytest.fixture(scope="session", autouse=True)
def _url_builders_compiled_once() -> Iterator[None]:
    """Werkzeug writes and compiles two URL builders for each of the app's ~230 rules whenever
    an app is made: a tenth of a second, most of what a test's setup costs. The code it writes
    depends only on the rule (its text, parsed parts and defaults), so the suite's thousands of
    apps share it; each app's rules still build URLs through their own converters. (Should
    Werkzeug rename what this replaces, ``setattr`` fails at once rather than nothing happening.)"""
    compile_builder = Rule._compile_builder
    compiled: dict[tuple, Callable[..., tuple[str, str]]] = {}

    def shared(rule: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        key = (
            rule.rule,
            rule.host if rule.map.host_matching else rule.subdomain,
            tuple(rule._trace),
            repr(sorted((rule.defaults or {}).items())),
            append_unknown,
        )
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", shared)
        yield


def _database_url(kind: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    return os.environ["KICK_TEST_DATABASE_URL"]


def _reset_postgresql(app: Flask) -> None:
    """Start from an empty schema so that the migrations, not leftovers, make the tables."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    url = _database_url(request.param, tmp_path_factory)
    migrate_with_reference_data(url, reset=request.param == "postgresql")
    yield url


def migrate_with_reference_data(url: str, reset: bool = False) -> None:
    """Make the schema by the migrations (on an emptied schema when ``reset``) and load the
    reference data, as an operator would."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    if reset:
        _reset_postgresql(app)
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in an application context of its own, as in production.

    Tests hold an app context for their own queries; without this, requests would share it,
    and with it ``g`` and the database session.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        outer = has_app_context() and current_app._get_current_object() is self.application
        if outer:
            db.session.commit()  # end the test's transaction: SQLite would keep its snapshot
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            db.session.expire_all()
        return response


def make_app(database_url: str, **overrides) -> Flask:
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=1),
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    with app.app_context():
        # The test's own queries only read between requests; they must not hold SQLite's
        # write lock while a request runs.
        token = sqlite_begin.set("DEFERRED")
        yield app
        sqlite_begin.reset(token)
        db.session.remove()
        _delete_test_rows()
        db.engine.dispose()
    # The limiter has a storage to reset only once an app in this run has enabled it.
    with contextlib.suppress(AssertionError):
        limiter.reset()


def _delete_test_rows() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def region(slug: str) -> Region:
    return db.session.scalars(db.select(Region).filter_by(slug=slug)).one()


def make_user(region_slug: str | None, role: Role | None, platform: bool = False) -> User:
    suffix = f"{region_slug or 'platform'}-{role.value if role else 'none'}"
    user = create_user(f"{suffix}@example.se", PASSWORD, platform_admin=platform)
    if region_slug and role:
        grant_role(user, region(region_slug), role)
    db.session.commit()
    return user


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token from a page's form, as a browser would send it back."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client: FlaskClient, user: User) -> None:
    token = csrf_token(client, "/admin/login")
    response = client.post(
        "/admin/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def make_consultation(
    region_slug: str = "kronoberg",
    slug: str = "kulturplan",
    with_questions: bool = True,
    status: ConsultationStatus = ConsultationStatus.DRAFT,
) -> Consultation:
    """A consultation with two sections of questions, built through the builder's services."""
    now = utcnow()
    consultation = builder.create_consultation(
        region(region_slug),
        builder.Settings(
            title="Kulturplan 2027–2030",
            slug=slug,
            intro="Vi vill **höra er**.",
            plan_start_year=2027,
            plan_end_year=2030,
            culture_area_keys=["museums"],
            opens_at_local=None,
            closes_at_local=(now + timedelta(days=30)).replace(microsecond=0),
            code_level_key="consultation",
            code_step_key="drafting",
        ),
    )
    if with_questions:
        for title in ("Om er", "Prioriteringar"):
            section = builder.add_section(consultation, title, "")
            for label in ("Fråga A", "Fråga B"):
                builder.add_question(section, question_data(label=f"{title}: {label}"))
    if status != ConsultationStatus.DRAFT:
        builder.change_status(consultation, ConsultationStatus.OPEN, now)
        if status in (ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED):
            builder.change_status(consultation, ConsultationStatus.CLOSED, now)
        if status == ConsultationStatus.PUBLISHED:
            builder.change_status(consultation, ConsultationStatus.PUBLISHED, now)
    db.session.commit()
    return consultation


def question_data(**changes) -> builder.QuestionData:
    values = dict(
        kind=QuestionKind.SHORT_TEXT,
        label="Vad tycker ni?",
        help_text="",
        required=False,
        options=[],
        allow_other=False,
        max_length=None,
        scale_min_label="",
        scale_max_label="",
        number_min=None,
        number_max=None,
    )
    values.update(changes)
    return builder.QuestionData(**values)


def pdf_document(title: str, filename: str, data: bytes) -> ConsultationDocument:
    """A consultation's PDF document, as the upload stores it."""
    return ConsultationDocument(
        title=title,
        filename=filename,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


@pytest.fixture
def consultation(app):
    """An open consultation in Kronoberg with every kind of question, in two sections."""
    consultation = make_consultation(with_questions=False, status=ConsultationStatus.DRAFT)
    first = builder.add_section(consultation, "Om er", "")
    builder.add_question(
        first, question_data(kind=QuestionKind.SHORT_TEXT, label="Ort", required=True)
    )
    builder.add_question(
        first,
        question_data(kind=QuestionKind.NUMBER, label="Medlemmar", number_min=0, number_max=5000),
    )
    builder.add_question(
        first,
        question_data(
            kind=QuestionKind.MULTIPLE_CHOICE,
            label="Områden",
            options=["Museer", "Film"],
            allow_other=True,
        ),
    )
    second = builder.add_section(consultation, "Tankar", "")
    builder.add_question(
        second, question_data(kind=QuestionKind.LONG_TEXT, label="Vad saknas?", max_length=100)
    )
    builder.add_question(
        second, question_data(kind=QuestionKind.SCALE, label="Hur väl?", required=True)
    )
    builder.add_question(second, question_data(kind=QuestionKind.YES_NO, label="Tillfrågade?"))
    builder.add_question(
        second,
        question_data(kind=QuestionKind.SINGLE_CHOICE, label="Viktigast", options=["A", "B"]),
    )
    builder.change_status(consultation, ConsultationStatus.OPEN, consultation.created_at)
    db.session.commit()
    return consultation


class Collector:
    """An SMTP handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


T = TypeVar("T")


def at_once(app: Flask, count: int, work: Callable[[], T]) -> list[T]:
    """Run ``work`` in ``count`` threads that start together, each with an app context (and so a
    database connection) of its own, as processes on several machines would; their results."""
    start = threading.Barrier(count)
    results: list[T] = []

    def run() -> None:
        with app.app_context():
            start.wait()
            results.append(work())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == count, "a thread failed; its traceback is above"
    return results


def free_port() -> int:
    """A port nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app: Flask) -> Iterator[Collector]:
    collector = Collector()
    controller = Controller(
        collector, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test"
    )
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(app: Flask) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)


ROOT = Path(__file__).resolve().parent.parent
