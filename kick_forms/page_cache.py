"""Pages many visitors see alike, rendered once for each change of what they show.

A consultation's public page and its summary board are the same for every visitor who is not
signed in, until something they show changes. Rendering them costs a dozen queries and
thousands of template calls (the board at 10 000 answers: some 30 ms); keeping the result
costs one query per request.

Freshness does not rest on views remembering to forget: every transaction that writes to a
table a page may show raises the **data epoch** (one row, ``models.DataEpoch``) in the same
commit, whatever wrote it (a view, a command, a bulk statement). A view reads the epoch
*before* anything else (``start``), so what it renders is at least as new as that epoch, and
a page is kept under the epoch it was rendered at. A request that reads a newer epoch misses
and renders again; nothing older than the last commit is ever served.

Each process keeps its own pages (bounded by ``PAGE_CACHE_BYTES``), so several workers and
servers need no shared store. Only what is the same for every visitor is kept: requests of
visitors who are signed in or have a message waiting, and pages that asked for a form token,
are rendered and not kept.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection, Engine

from kick_forms.extensions import db
from kick_forms.i18n import current_locale
from kick_forms.models import DataEpoch

# Writes to these tables show on no page kept here (and the epoch's own update), so they do
# not make every page render again: the audit log, mail queue, staff sign-ins and tokens,
# the register's uploaded files waiting for their check, and who follows the news by e-mail.
UNSHOWN_TABLES = frozenset(
    {
        "data_epoch",
        "audit_event",
        "outbox_message",
        "staff_session",
        "account_token",
        "recovery_code",
        "region_sign_in",
        "register_import",
        "follower",
        "follower_region",
        "digest_day",
        "alembic_version",
    }
)
# Statements that change rows (a WITH may, so it counts); the schema's changes (CREATE, DROP,
# ALTER) come with a new version of the app, which starts with nothing kept.
_CHANGES_ROWS = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|COPY|WITH)\b", re.I)
_WRITE_TARGET = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.I
)
_CHANGED = "kick_data_changed"
# Set in a connection's ``info`` that changes the schema (the migrations): its writes raise
# nothing, since the epoch's table may not exist yet.
UNWATCHED = "kick_unwatched"

_EPOCH = "page_cache_epoch"


def init_app(app: Flask) -> None:
    """Keep the app's pages (each app its own: tests run several on one database) and watch its
    database's writes."""
    app.extensions["kick_page_cache"] = _Pages()
    with app.app_context():
        watch(db.engine)


def watch(engine: Engine) -> None:
    """Raise the epoch in every transaction on ``engine`` that wrote what a page may show."""
    # Until its migration has run, the database has no epoch to raise (an upgrade in steps
    # writes between them); once seen, the table stays.
    epoch_table: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(conn: Connection, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if conn.info.get(_CHANGED) or conn.info.get(UNWATCHED):
            return
        if not _CHANGES_ROWS.match(statement):
            return
        target = _WRITE_TARGET.match(statement)
        if target is None or target.group(1).lower() not in UNSHOWN_TABLES:
            conn.info[_CHANGED] = True

    @event.listens_for(engine, "commit")
    def _raise_epoch(conn: Connection) -> None:
        # The "commit" event comes before the commit itself: the epoch goes with the writes.
        if not conn.info.pop(_CHANGED, False):
            return
        if not epoch_table and sa_inspect(conn).has_table(DataEpoch.__tablename__):
            epoch_table.append(True)
        if epoch_table:
            conn.exec_driver_sql("UPDATE data_epoch SET value = value + 1")

    @event.listens_for(engine, "rollback")
    def _forget(conn: Connection) -> None:
        conn.info.pop(_CHANGED, None)


_CURRENT_EPOCH = select(DataEpoch.value).where(DataEpoch.id == 1)


def current_epoch() -> int | None:
    """The epoch as this request's transaction sees it; None where the table has no row."""
    return db.session.execute(_CURRENT_EPOCH).scalar()


def start() -> None:
    """Call first in a view that may answer with a kept page, before it reads anything else:
    what it reads after is then at least as new as the epoch its page is kept under."""
    if _may_keep():
        g.setdefault(_EPOCH, current_epoch())


def page(render: Callable[[], str], *key: Hashable, personal: Sequence[str] = ()) -> str:
    """The page ``render`` makes, kept for the epoch read by ``start`` and for this address,
    language and htmx target; ``key`` names what else it depends on (a consultation's phase
    by the clock, say). ``personal`` are values of this request's own that the page holds (a
    form's CSRF token and nonce): they are kept as blanks and filled in anew for each request.
    Rendered and not kept when the request may not share its page."""
    epoch = g.get(_EPOCH)
    if epoch is None or not _may_keep():
        return render()
    full_key = (
        request.endpoint,
        request.full_path,
        str(current_locale()),
        request.headers.get("HX-Request"),
        request.headers.get("HX-Target"),
        len(personal),
        *key,
    )
    pages: _Pages = current_app.extensions["kick_page_cache"]
    kept = pages.get(epoch, full_key)
    if kept is not None:
        return _fill(kept, personal)
    html = render()
    # A page that asked for a form token of its own is the visitor's alone. (Their cookie, which
    # may change, is not part of what is kept: only the page's text is.)
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token is not None and token not in personal:
        return html
    blank = html
    for number, value in enumerate(personal):
        if not value or html.count(value) != 1:
            return html  # not where it can be told from the rest of the page
        blank = blank.replace(value, _blank(number))
    pages.put(epoch, full_key, blank, current_app.config["PAGE_CACHE_BYTES"])
    return html


def _blank(number: int) -> str:
    return f"\x00{number}\x00"  # no page's text holds a NUL


def _fill(kept: str, personal: Sequence[str]) -> str:
    for number, value in enumerate(personal):
        kept = kept.replace(_blank(number), value)
    return kept


def _may_keep() -> bool:
    return (
        current_app.config["PAGE_CACHE"]
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


class _Pages:
    """Rendered pages of the newest epoch seen, least recently used dropped first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch = -1
        self._pages: OrderedDict[tuple[Hashable, ...], str] = OrderedDict()
        self._bytes = 0

    def get(self, epoch: int, key: tuple[Hashable, ...]) -> str | None:
        with self._lock:
            if epoch != self._epoch:
                return None
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, epoch: int, key: tuple[Hashable, ...], html: str, limit: int) -> None:
        with self._lock:
            if epoch < self._epoch:
                return  # rendered from older data than the pages kept
            if epoch > self._epoch:  # every kept page is older than this one's data
                self._pages.clear()
                self._bytes = 0
                self._epoch = epoch
            size = len(html)
            if size > limit:
                return
            previous = self._pages.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous)
            self._pages[key] = html
            self._bytes += size
            while self._bytes > limit:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._pages)
