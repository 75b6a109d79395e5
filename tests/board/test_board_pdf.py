"""The public board as PDF is drawn once per state of the board, and rate limited.

Drawing costs about a second of CPU: sixteen visitors at once must not cost sixteen seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from flask import Flask

from kick_forms import pdf, pdf_cache
from kick_forms.board import views
from kick_forms.extensions import db, limiter
from kick_forms.models import ConsultationStatus, Role
from tests.board.generated import add_response
from tests.conftest import _delete_test_rows, login, make_app, make_consultation, make_user

URL = "/r/kronoberg/c/kulturplan/board.pdf"
REDIS_URL = os.environ.get("KICK_TEST_REDIS_URL", "")


class Drawings:
    """Stands in for WeasyPrint: counts the drawings, each taking a while, as the real one does."""

    def __init__(self, seconds: float = 0.3) -> None:
        self.seconds = seconds
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, html: str, **_kwargs: object) -> bytes:
        with self._lock:
            self.count += 1
            number = self.count
        time.sleep(self.seconds)
        return b"%PDF-1.4 drawing " + str(number).encode()


@pytest.fixture
def drawings(monkeypatch) -> Drawings:
    counter = Drawings()
    monkeypatch.setattr(pdf, "render_pdf", counter)
    return counter


@pytest.fixture
def public_board(app):  # type: ignore[no-untyped-def]
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    consultation.board_visibility = "while_open"
    db.session.commit()
    return consultation


def _answer(consultation, name: str) -> None:  # type: ignore[no-untyped-def]
    add_response(
        consultation, name=name, municipality="0780", categories=["choir"], named=True, answers={}
    )
    db.session.commit()


def test_sixteen_visitors_at_once_get_one_drawing(app, client, public_board, drawings):
    _sixteen_at_once(app, drawings)


def test_the_first_visitors_after_a_start_share_one_store(
    app, client, public_board, drawings, monkeypatch
):
    """The store is made on first use; visitors who arrive while it is being made (a slow
    Redis connection) must not each make one and draw into it."""
    making = pdf_cache._make_store

    def slow(flask_app: Flask) -> None:
        time.sleep(0.05)
        making(flask_app)

    monkeypatch.setattr(pdf_cache, "_make_store", slow)
    _sixteen_at_once(app, drawings)


def _sixteen_at_once(app: Flask, drawings: Drawings) -> None:
    results: list[tuple[int, bytes]] = []
    start = threading.Barrier(16)

    def visit() -> None:
        with app.app_context():
            visitor = app.test_client()
            start.wait()
            response = visitor.get(URL)
            results.append((response.status_code, response.data))
            db.session.remove()

    threads = [threading.Thread(target=visit) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert drawings.count == 1
    assert [status for status, _ in results] == [200] * 16
    assert {data for _, data in results} == {b"%PDF-1.4 drawing 1"}


def test_a_minute_later_the_same_board_is_the_same_pdf(client, public_board, drawings, monkeypatch):
    """The summary says when it was drawn, and when the consultation opened: drawn in the
    minute it opened and again a minute later, it is still the same board."""
    opened = public_board.opens_at
    monkeypatch.setattr(views, "utcnow", lambda: opened)
    assert client.get(URL).data == b"%PDF-1.4 drawing 1"
    monkeypatch.setattr(views, "utcnow", lambda: opened + timedelta(minutes=1))
    assert client.get(URL).data == b"%PDF-1.4 drawing 1"
    assert drawings.count == 1


def test_a_change_to_the_board_draws_a_new_pdf(client, public_board, drawings):
    assert client.get(URL).data == b"%PDF-1.4 drawing 1"
    assert client.get(URL).data == b"%PDF-1.4 drawing 1"
    # Whatever is added to the address, the board is the same.
    assert client.get(URL + "?x=1").data == client.get(URL + "?utm_source=2").data
    assert drawings.count == 1

    _answer(public_board, "Växjö kammarkör")
    assert client.get(URL).data == b"%PDF-1.4 drawing 2"

    public_board.title = "Kulturplan 2028–2031"
    db.session.commit()
    assert client.get(URL).data == b"%PDF-1.4 drawing 3"

    # The English summary is another PDF; the Swedish one is still kept.
    assert client.get(URL + "?lang=en").data == b"%PDF-1.4 drawing 4"
    assert client.get(URL + "?lang=sv").data == b"%PDF-1.4 drawing 3"
    assert drawings.count == 4


def test_staff_and_the_public_get_their_own_pdf(client, public_board, drawings):
    public_board.board_visibility = "when_published"
    db.session.commit()
    assert client.get(URL).status_code == 404  # not public yet
    login(client, make_user("kronoberg", Role.VIEWER))
    assert client.get(URL).data == b"%PDF-1.4 drawing 1"
    public_board.board_visibility = "while_open"
    db.session.commit()
    anonymous = client.application.test_client()
    # Staff saw the note that only staff see the board: the public's PDF is drawn anew.
    assert anonymous.get(URL).data == b"%PDF-1.4 drawing 2"


def test_the_pdf_has_a_rate_limit_of_its_own(database_url, drawings):
    app = make_app_with_limits(database_url, PDF_RATE_LIMIT="3 per minute")
    with app.app_context():
        consultation = make_consultation(status=ConsultationStatus.OPEN)
        consultation.board_visibility = "while_open"
        db.session.commit()
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
        statuses = [client.get(URL).status_code for _ in range(4)]
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.9.8.6"
        assert other.get(URL).status_code == 200
        # The board page itself is not limited by it.
        assert client.get("/r/kronoberg/c/kulturplan/board").status_code == 200
        _cleanup()
    assert statuses == [200, 200, 200, 429]
    assert drawings.count == 1


def test_a_busy_process_answers_503_with_retry_after(client, public_board, drawings, monkeypatch):
    monkeypatch.setattr(pdf_cache, "RENDER_WAIT_SECONDS", 0.1)
    drawings.seconds = 1.0
    other = client.application.test_client()
    first: list[int] = []
    app = client.application

    def draw_first() -> None:
        with app.app_context():
            first.append(app.test_client().get(URL + "?lang=en").status_code)
            db.session.remove()

    thread = threading.Thread(target=draw_first)
    thread.start()
    time.sleep(0.3)  # the English PDF is being drawn
    busy = other.get(URL)
    thread.join()

    assert first == [200]
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "10"
    assert "Tjänsten är upptagen" in busy.get_data(as_text=True)


@pytest.mark.skipif(not REDIS_URL, reason="KICK_TEST_REDIS_URL is not set")
def test_app_servers_share_the_pdfs_in_redis(database_url, drawings, redis_keys):
    servers = [make_app_with_limits(database_url, REDIS_URL=REDIS_URL) for _ in range(2)]
    with servers[0].app_context():
        consultation = make_consultation(status=ConsultationStatus.OPEN)
        consultation.board_visibility = "while_open"
        db.session.commit()
    try:
        bodies = [server.test_client().get(URL).data for server in servers]
    finally:
        with servers[0].app_context():
            _cleanup()
        for server in servers:
            with server.app_context():
                db.engine.dispose()
    assert bodies == [b"%PDF-1.4 drawing 1"] * 2
    assert drawings.count == 1
    assert redis_keys()


@pytest.fixture
def redis_keys() -> Iterator:  # type: ignore[type-arg]
    client = redis.Redis.from_url(REDIS_URL)

    def keys() -> list[bytes]:
        return list(client.scan_iter(pdf_cache.REDIS_PREFIX + "*"))

    yield keys
    for key in keys():
        client.delete(key)
    client.close()


def make_app_with_limits(database_url: str, **overrides) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(database_url, RATELIMIT_ENABLED=True, **overrides)


def _cleanup() -> None:
    db.session.remove()
    _delete_test_rows()
    limiter.reset()
    db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_memory() -> Iterator[None]:
    """Each test starts with nothing drawn: the store lives on the app, and the lock is free."""
    yield
    assert not pdf_cache._drawing.locked()


def test_a_pdf_is_named_by_the_article_it_prints_and_a_page_without_one_is_an_error():
    page = '<a href="?x={x}">English</a><article class="s" data-pdf-content>{body}</article>'
    key = pdf_cache.state_key("manual", "sv", page.format(x=1, body="Steg 1"))
    assert key.startswith("manual:")
    assert pdf_cache.state_key("manual", "sv", page.format(x=2, body="Steg 1")) == key
    assert pdf_cache.state_key("manual", "sv", page.format(x=1, body="Steg 2")) != key
    assert pdf_cache.state_key("manual", "en", page.format(x=1, body="Steg 1")) != key
    with pytest.raises(ValueError, match="data-pdf-content"):
        pdf_cache.state_key("manual", "sv", "<article>Steg 1</article>")
