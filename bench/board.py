"""How the summary board's server time grows with the number of submitted responses.

Usage::

    .venv/bin/python bench/board.py [--sizes 1000,10000,100000] [--repeats N]
                                    [--database sqlite|postgresql|both]

For each database the script makes a fresh database with ``flask db upgrade``, ``flask kick
load-reference`` and ``flask kick load-demo``, copies the demo consultation once per size
(``kulturplan-2027-2030-1000`` and so on), lets the public see every board while it is open, and
adds that many submitted responses to each copy in bulk (``board_data.py``); the demo
consultation itself stays empty. After ANALYZE (VACUUM ANALYZE on PostgreSQL) it renders, round
after round, every size's board, the board filtered by a kind of organisation
(``?category=choir``) and a page that reads nothing from the database (``/admin/login``) as the
baseline. Because all sizes live in one database and are rendered in turn, the machine's noise
falls on every size alike and the ratios between sizes are steady. The renders go through the
Flask test client in this process, so the figures are server time without the network or a
WSGI server; each is the median of ``--repeats`` renders after one warm-up.

The product owners' target is the board at 100k responses within 2x of its time at 1k; the
number of SQL statements one render issues must not grow with the responses at all. The
slowest statements of the last board render at the largest size are printed, to show where the
time goes.

The exit code is 1 when a render failed, showed the wrong count or issued more statements as
the responses grew, 2 when the benchmark could not run.

SQLite lives in a temporary directory. PostgreSQL is ``KICK_BENCH_BOARD_DATABASE_URL``
(default ``postgresql://postgres@127.0.0.1:5432/kick_bench_board``), created when missing and
wiped at the start, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import board_data
import databases
from server import ServerError
from sqlalchemy import Engine, create_engine, event, func, select

from kick_forms import create_app
from kick_forms.extensions import db
from kick_forms.models import Response
from kick_forms.models.response import response_category

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/kick_bench_board"
REGION = "kronoberg"
CONSULTATION = "kulturplan-2027-2030"
CATEGORY = "choir"
FILTER = f"?category={CATEGORY}"
BASELINE_PATH = "/admin/login"
TARGET_RATIO = 2.0
SLOWEST_SHOWN = 5
# A board statement that runs longer than this on PostgreSQL is cancelled and the render counts
# as failed: a plan that goes quadratic would otherwise keep the benchmark waiting for hours.
STATEMENT_TIMEOUT_MS = 30_000
# The first figure under "Responses" on the board, to check that it counted what was inserted.
_RESPONSE_COUNT = re.compile(r'<dl class="totals">\s*<div><dt>[^<]*</dt><dd>(\d+)</dd>')


class RenderError(RuntimeError):
    """A page did not render, or the board did not count the responses it should have."""


@dataclass
class StatementLog:
    """The SQL statements of one request, each with the seconds it took in the database, and
    the first database error with the statement that raised it (the app turns it into a 500)."""

    statements: list[tuple[float, str]] = field(default_factory=list)
    error: str = ""

    def clear(self) -> None:
        self.statements = []
        self.error = ""

    def listen(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _before(connection, _cursor, _statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
            connection.info["bench_started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(connection, _cursor, statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
            began = connection.info.pop("bench_started")
            self.statements.append((time.perf_counter() - began, statement))

        @event.listens_for(engine, "handle_error")
        def _failed(context):  # type: ignore[no-untyped-def]
            if not self.error:
                cause = str(context.original_exception).strip().splitlines() or ["?"]
                self.error = f"{cause[0]}\n  while running: {_one_line(context.statement or '')}"


@dataclass(frozen=True)
class Page:
    """One page at one size: the median render, its statements and the slowest of them."""

    median: float
    statements: int
    in_database: float
    slowest: list[tuple[float, str]]


@dataclass(frozen=True)
class Measurement:
    responses: int
    board: Page
    filtered: Page
    baseline: Page


class Pages:
    """The application in this process, with a test client and a log of its SQL."""

    def __init__(self, url: str) -> None:
        engine_options: dict[str, object] = {"pool_pre_ping": True}
        if url.startswith("postgresql"):
            engine_options["connect_args"] = {
                "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
            }
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
                "SECRET_KEY": secrets.token_urlsafe(48),
                "RATELIMIT_ENABLED": False,
            }
        )
        self.client = self.app.test_client()
        self.log = StatementLog()
        with self.app.app_context():
            self.log.listen(db.engine)

    def forget_connections(self) -> None:
        """New connections after a bulk load: SQLite reads the planner's statistics on opening."""
        with self.app.app_context():
            db.engine.dispose()

    def render(self, path: str) -> tuple[float, str, list[tuple[float, str]]]:
        """Seconds to answer ``path``, the page, and the statements it issued."""
        self.log.clear()
        began = time.perf_counter()
        reply = self.client.get(path)
        body = reply.get_data(as_text=True)
        elapsed = time.perf_counter() - began
        if reply.status_code != 200:
            raise RenderError(
                f"GET {path} answered {reply.status_code} after {elapsed:.1f} s"
                + (f": {self.log.error}" if self.log.error else "")
            )
        return elapsed, body, list(self.log.statements)


def board_path(responses: int) -> str:
    """The board of the copy of the demo consultation that holds this many responses (the demo
    consultation itself holds none)."""
    slug = CONSULTATION if responses == 0 else f"{CONSULTATION}-{responses}"
    return f"/r/{REGION}/c/{slug}/board"


def measure(pages: Pages, expected: dict[int, dict[str, int]], repeats: int) -> list[Measurement]:
    """Render every size's board and filtered board, and the baseline, in turn, round after
    round, so that anything else the machine does slows every figure alike."""
    sizes = sorted(expected)
    paths = [path for size in sizes for path in (board_path(size), board_path(size) + FILTER)] + [
        BASELINE_PATH
    ]
    times: dict[str, list[float]] = {path: [] for path in paths}
    renders: dict[str, list[list[tuple[float, str]]]] = {path: [] for path in paths}
    counts = {path: count for by_path in expected.values() for path, count in by_path.items()}
    for repeat in range(repeats + 1):
        for path in paths:
            elapsed, body, statements = pages.render(path)
            if path in counts:
                _check_count(path, body, counts[path])
            if repeat:
                times[path].append(elapsed)
                renders[path].append(statements)
    pages_measured = {path: _page(path, times[path], renders[path]) for path in paths}
    return [
        Measurement(
            size,
            pages_measured[board_path(size)],
            pages_measured[board_path(size) + FILTER],
            pages_measured[BASELINE_PATH],
        )
        for size in sizes
    ]


def _page(path: str, times: list[float], renders: list[list[tuple[float, str]]]) -> Page:
    counts = {len(statements) for statements in renders}
    if len(counts) > 1:
        raise RenderError(f"GET {path} issued {sorted(counts)} statements on repeats")
    # Every render issues the same statements in the same order, so the n-th statements of all
    # renders are one statement; its median time is steadier than one render's.
    per_statement = [
        (statistics.median(seconds for seconds, _ in same), same[0][1])
        for same in zip(*renders, strict=True)
    ]
    return Page(
        median=statistics.median(times),
        statements=counts.pop(),
        in_database=sum(seconds for seconds, _ in per_statement),
        slowest=sorted(per_statement, reverse=True)[:SLOWEST_SHOWN],
    )


def _check_count(path: str, body: str, expected: int) -> None:
    found = _RESPONSE_COUNT.search(body)
    if found is None:
        raise RenderError(f"GET {path}: no response count found on the board")
    if int(found.group(1)) != expected:
        raise RenderError(f"GET {path} counted {found.group(1)} responses, not {expected}")


def expected_counts(engine: Engine, consultation_id: int, responses: int) -> dict[str, int]:
    with engine.connect() as connection:
        in_category = connection.scalar(
            select(func.count())
            .select_from(response_category)
            .join(Response, Response.id == response_category.c.response_id)
            .where(
                response_category.c.category_key == CATEGORY,
                Response.consultation_id == consultation_id,
            )
        )
    path = board_path(responses)
    return {path: responses, path + FILTER: in_category or 0}


@dataclass
class Run:
    """What one database measured, up to the first render that failed, if any."""

    kind: str
    results: list[Measurement] = field(default_factory=list)
    failure: str = ""


def benchmark(
    target: databases.Target, sizes: Sequence[int], repeats: int, report: Callable[[str], None]
) -> Run:
    run = Run(target.kind)
    report(f"{target.kind}: preparing the database")
    # prepare() also makes the submissions benchmark's baseline table; it stays empty here.
    databases.prepare(target)
    engine = create_engine(target.kick_url)
    expected: dict[int, dict[str, int]] = {}
    try:
        for size in (0, *sizes):
            slug = board_path(size).split("/")[4]
            if size:
                board_data.copy_consultation(engine, REGION, CONSULTATION, slug)
            demo = board_data.open_board(engine, REGION, slug)
            began = time.perf_counter()
            board_data.add_responses(engine, demo, size, seed=size)
            report(f"{target.kind}: {size} responses ready in {time.perf_counter() - began:.1f} s")
            expected[size] = expected_counts(engine, demo.consultation_id, size)
        board_data.analyse(engine)
        pages = Pages(target.kick_url)
        try:
            run.results = measure(pages, expected, repeats)
        finally:
            pages.forget_connections()
    except RenderError as error:
        run.failure = str(error)
        report(f"{target.kind}: {run.failure}")
    finally:
        engine.dispose()
    return run


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def print_table(run: Run) -> None:
    results = run.results
    # Ratios are to 1 000 responses when measured, else to the smallest size measured.
    reference = next((r for r in results if r.responses == 1_000), None) or next(
        (r for r in results if r.responses), None
    )
    per = f"/{reference.responses}" if reference else "/-"
    columns = (
        ("responses", ">9"),
        ("board ms", ">8"),
        ("filtered ms", ">11"),
        ("baseline ms", ">11"),
        (f"board{per}", ">10"),
        (f"filtered{per}", ">13"),
        ("statements", ">10"),
        ("filtered st.", ">12"),
    )
    print(
        f"\n{run.kind}: medians of server time; board: GET {board_path(0)}[-<size>], "
        f"filtered: {FILTER}, baseline: GET {BASELINE_PATH}"
    )
    print("  ".join(f"{name:{spec}}" for name, spec in columns))
    for result in results:
        values = (
            result.responses,
            f"{result.board.median * 1000:.1f}",
            f"{result.filtered.median * 1000:.1f}",
            f"{result.baseline.median * 1000:.1f}",
            _ratio(result.board.median, reference.board.median if reference else 0.0),
            _ratio(result.filtered.median, reference.filtered.median if reference else 0.0),
            result.board.statements,
            result.filtered.statements,
        )
        cells = (f"{value:{spec}}" for value, (_, spec) in zip(values, columns, strict=True))
        print("  ".join(cells))
    if run.failure:
        print(f"failed {run.failure}")
        return
    if reference is not None and results[-1] is not reference:
        largest = results[-1]
        ratio = largest.board.median / reference.board.median
        verdict = "met" if ratio <= TARGET_RATIO else "missed"
        print(
            f"target {largest.responses} within {TARGET_RATIO:g}x of {reference.responses}: "
            f"{verdict} ({ratio:.2f}x)"
        )
        print(
            f"the board at {largest.responses} responses: "
            f"{largest.board.in_database * 1000:.0f} ms of {largest.board.median * 1000:.0f} ms "
            "in the database; the slowest statements (medians):"
        )
        for seconds, statement in largest.board.slowest:
            print(f"  {seconds * 1000:8.1f} ms  {_one_line(statement)}")
        print(f"filtered by {CATEGORY}, the slowest statements (medians):")
        for seconds, statement in largest.filtered.slowest:
            print(f"  {seconds * 1000:8.1f} ms  {_one_line(statement)}")


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}" if reference else "-"


def _one_line(statement: str, width: int = 150) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def statements_grew(results: Sequence[Measurement]) -> bool:
    """Whether a render issued more statements with more responses (the empty board excluded:
    with nothing to summarise, it may skip work)."""
    counts = {(r.board.statements, r.filtered.statements) for r in results if r.responses}
    return len(counts) > 1


def parse_sizes(value: str) -> list[int]:
    try:
        sizes = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {value!r}") from None
    if not sizes or sizes != sorted(set(sizes)) or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive and increasing, e.g. 1000,10000")
    return sizes


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[1_000, 10_000, 100_000],
        help="responses to measure at, increasing (1000,10000,100000)",
    )
    parser.add_argument("--repeats", type=int, default=7, help="renders per median (7)")
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql", "both"), default="both", help="(both)"
    )
    arguments = parser.parse_args(argv)
    if arguments.repeats < 1:
        parser.error("--repeats must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    kinds = ("sqlite", "postgresql") if arguments.database == "both" else (arguments.database,)
    postgresql_url = os.environ.get("KICK_BENCH_BOARD_DATABASE_URL", DEFAULT_POSTGRESQL_URL)
    runs = []
    could_not_run = False
    with tempfile.TemporaryDirectory(prefix="kick-bench-board-") as directory:
        for kind in kinds:
            try:
                target = (
                    databases.sqlite_target(Path(directory))
                    if kind == "sqlite"
                    else databases.postgresql_target(postgresql_url)
                )
                runs.append(
                    benchmark(
                        target,
                        arguments.sizes,
                        arguments.repeats,
                        lambda line: print(line, flush=True),
                    )
                )
            except ServerError as error:
                print(f"{kind}: error: {error}", file=sys.stderr)
                could_not_run = True
                break
    failed = False
    for run in runs:
        print_table(run)
        if statements_grew(run.results):
            print(f"{run.kind}: the statements per render grew with the responses")
        failed = failed or bool(run.failure) or statements_grew(run.results)
    if could_not_run:
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
