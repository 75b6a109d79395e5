"""A live server on a migrated SQLite file and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from kick_forms import create_app
from kick_forms.extensions import db
from kick_forms.reference import load_reference_data

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "browser-test-secret-key-long-enough-for-tests",
            "RATELIMIT_ENABLED": False,
            "BOARD_REFRESH_SECONDS": 1,
        }
    )
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        # The migrations leave their SQLite connection with foreign keys off; new connections
        # turn them on (as tests/conftest.py does), so deletes cascade as in production.
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["PUBLIC_URL"] = url  # the address that links in mail and on pages name
    yield url
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the whole run: a second sync instance cannot start beside it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        # A 4xx answer is logged as a failed load; tests provoke those on purpose.
        expected = message.text.startswith("Failed to load resource: the server responded")
        if message.type == "error" and not expected:
            errors.append(message.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert errors == [], f"the browser reported errors: {errors}"


PASSWORD = "browser test password"


def add_staff(region_slug: str, role, email: str) -> None:  # type: ignore[no-untyped-def]
    """A staff account in the live database (call inside the live app's context)."""
    from kick_forms.auth.services import create_user, grant_role
    from kick_forms.models import Region

    region = db.session.scalars(db.select(Region).filter_by(slug=region_slug)).one()
    grant_role(create_user(email, PASSWORD), region, role)


def log_in(page, live_server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/admin/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/")


def open_consultation(  # type: ignore[no-untyped-def]
    region_slug: str,
    title: str,
    slug: str | None,
    level: str | None = "consultation",
    step: str | None = "drafting",
):
    """An open consultation with one question, closing in 20 days, in the live database (call
    inside the live app's context; the caller commits)."""
    from datetime import timedelta

    from kick_forms.consultations import services as builder
    from kick_forms.models import ConsultationStatus, Region
    from kick_forms.timeutil import to_local, utcnow
    from tests.conftest import question_data

    region = db.session.scalars(db.select(Region).filter_by(slug=region_slug)).one()
    closes = to_local(utcnow() + timedelta(days=20)).replace(tzinfo=None)
    consultation = builder.create_consultation(
        region,
        builder.Settings(title, slug, "Intro", 2027, 2030, ["film"], None, closes, level, step),
    )
    builder.add_question(builder.add_section(consultation, "Frågor", ""), question_data())
    builder.change_status(consultation, ConsultationStatus.OPEN, utcnow())
    return consultation
