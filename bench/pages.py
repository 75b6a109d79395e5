"""How fast KICK Forms serves its hot routes, against a bare Flask app on the same stack.

Usage::

    .venv/bin/python bench/pages.py [--database sqlite|postgresql|both] [--seconds S]
                                    [--clients N] [--drafts D] [--responses R]
                                    [--routes name,name,...]

For each database the script makes a fresh database the way an operator does (``flask db
upgrade``, ``flask kick load-reference``, ``flask kick load-demo``), adds a copy of the demo
consultation holding R submitted responses (10 000 unless told) for the board, and serves two
apps with gunicorn and ``gunicorn.conf.py`` (gthread, 2 workers x 4 threads): KICK Forms
(``wsgi:app``) and the floor, ``form_floor_app.py``, a bare Flask + SQLAlchemy app whose GET
renders a 10-question form after two reads and whose POST reads and inserts 11 rows in one
(on SQLite, IMMEDIATE) transaction.

N concurrent clients (8 unless told), keep-alive connections in threads of this process, then
request each route for S seconds after a short warm-up:

* GET the consultation's page, the answering start page, a section of a draft, the check page
  and the board at R responses, each against the floor's GET;
* POST saving a section (each client its own draft), against the floor's POST;
* POST submitting D prepared drafts (500 unless told), all of them, against the floor's POST.

Each line gives KICK's and the floor's requests per second, their ratio, KICK's p50 and p99
latency, the SQL statements one request of that route issues (counted in this process with the
Flask test client, on the same database, after one warm-up request), and the verdict against
the goal: GET routes at 0.5x the floor or better, POST routes at 0.3x the floor or better with
p99 at most 150 ms. After the submits the database is read: an acknowledged submission that is
missing, or a response with two versions, is an error.

Absolute figures depend on the machine and on what else it does (the clients share its cores
with the servers); the ratios, measured seconds apart under the same conditions, are the
figures to compare between runs.

The exit code is 1 when a request failed or a submission was lost or duplicated, 2 when the
benchmark could not run; a missed goal is reported, not an error.

SQLite lives in a temporary directory. PostgreSQL is ``KICK_BENCH_PAGES_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/kick_bench_pages``), created when missing and wiped at
the start, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import board_data
import databases
import flow
import form_floor_app
from server import BENCH_DIR, ServerError, child_environment, report_failure, serve
from sqlalchemy import create_engine, event
from werkzeug.datastructures import MultiDict

from kick_forms import create_app
from kick_forms.extensions import db

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/kick_bench_pages"
REGION = flow.REGION
CONSULTATION = flow.CONSULTATION
GET_GOAL = 0.5
POST_GOAL = 0.3
P99_GOAL = 0.150
WARM_UP_SECONDS = 1.0


class LoadError(RuntimeError):
    """A route answered something other than what a user would get."""


@dataclass
class Tally:
    """What the clients of one timed run saw."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float, failure: str | None) -> None:
        with self.lock:
            if failure is None:
                self.latencies.append(latency)
            else:
                self.failures.append(failure)


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    p50: float
    p99: float
    failures: list[str]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# One request of a route, by client number; answers None when it went as expected, else why not.
Request = Callable[[flow.Client, int], "str | None"]


def _expect(reply: flow.Reply, status: int, what: str) -> str | None:
    return None if reply.status == status else f"{what}: HTTP {reply.status}"


def get(path_for: Callable[[int], str]) -> Request:
    def request(client: flow.Client, number: int) -> str | None:
        path = path_for(number)
        return _expect(client.get(path), 200, f"GET {path}")

    return request


def timed_load(
    port: int, request: Request, clients: int, seconds: float, warm_up: float = WARM_UP_SECONDS
) -> Run:
    """``clients`` threads, each with its own connection, send ``request`` back to back for
    ``warm_up`` and then ``seconds`` seconds; only the second part counts."""
    tally = Tally()
    start = threading.Barrier(clients + 1)
    timing = threading.Event()
    stop = threading.Event()

    def client_loop(number: int) -> None:
        client = flow.Client(port)
        try:
            start.wait()
            while not stop.is_set():
                began = time.perf_counter()
                counted = timing.is_set()
                failure = request(client, number)
                if counted and not stop.is_set():
                    tally.add(time.perf_counter() - began, failure)
        finally:
            client.close()

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(warm_up)
    timing.set()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - began
    for thread in threads:
        thread.join()
    return _run(tally, elapsed)


def work_load(port: int, work: Sequence[Callable[[flow.Client], str | None]], clients: int) -> Run:
    """``clients`` threads share out a fixed list of requests; the run lasts until all are done."""
    tally = Tally()
    queue = iter(list(work))
    queue_lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client_loop() -> None:
        client = flow.Client(port)
        try:
            start.wait()
            while True:
                with queue_lock:
                    item = next(queue, None)
                if item is None:
                    return
                began = time.perf_counter()
                failure = item(client)
                tally.add(time.perf_counter() - began, failure)
        finally:
            client.close()

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return _run(tally, time.perf_counter() - began)


def _run(tally: Tally, seconds: float) -> Run:
    latencies = sorted(tally.latencies)
    if not latencies:
        return Run(0, seconds, 0.0, 0.0, tally.failures)
    return Run(
        requests=len(latencies),
        seconds=seconds,
        p50=statistics.median(latencies),
        p99=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        failures=tally.failures,
    )


class StatementCounter:
    """KICK in this process, on the benchmark's database, counting each request's statements."""

    def __init__(self, url: str) -> None:
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": secrets.token_urlsafe(48),
                "RATELIMIT_ENABLED": False,
            }
        )
        self.statements = 0
        with self.app.app_context():

            @event.listens_for(db.engine, "before_cursor_execute")
            def _count(*_args):  # type: ignore[no-untyped-def]
                self.statements += 1

        self.client = InProcessClient(self.app)

    def count(self, send: Callable[[InProcessClient], flow.Reply], status: int) -> int:
        """Statements of the second of two requests: the first fills what is cached."""
        send(self.client)
        self.statements = 0
        reply = send(self.client)
        if reply.status != status:
            raise LoadError(f"in-process request answered {reply.status}, not {status}")
        return self.statements

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


class InProcessClient:
    """``flow.Client``'s two methods over the Flask test client."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.test_client = app.test_client()

    def get(self, path: str) -> flow.Reply:
        return self._reply(self.test_client.get(path))

    def post(self, path: str, form: flow.Form) -> flow.Reply:
        return self._reply(self.test_client.post(path, data=MultiDict(form)))

    @staticmethod
    def _reply(response) -> flow.Reply:  # type: ignore[no-untyped-def]
        location = urlsplit(response.headers.get("Location", "")).path
        return flow.Reply(response.status_code, location, response.get_data(as_text=True))


@dataclass(frozen=True)
class Line:
    route: str
    method: str
    kick: Run
    floor: Run
    statements: int

    @property
    def ratio(self) -> float:
        return self.kick.per_second / self.floor.per_second if self.floor.per_second else 0.0

    @property
    def verdict(self) -> str:
        if self.kick.failures:
            return "FAILED"
        if self.method == "GET":
            return "met" if self.ratio >= GET_GOAL else "missed"
        return "met" if self.ratio >= POST_GOAL and self.kick.p99 <= P99_GOAL else "missed"


def board_slug(responses: int) -> str:
    return f"{CONSULTATION}-{responses}"


def add_board(url: str, responses: int) -> None:
    """A copy of the demo consultation with ``responses`` submitted answers and a public board."""
    engine = create_engine(url)
    try:
        board_data.copy_consultation(engine, REGION, CONSULTATION, board_slug(responses))
        demo = board_data.open_board(engine, REGION, board_slug(responses))
        board_data.add_responses(engine, demo, responses, seed=20)
        board_data.analyse(engine)
    finally:
        engine.dispose()


@dataclass
class Drafts:
    """Per client, a draft and the answers that save its first section; and drafts to submit."""

    tokens: list[str]
    section_answers: list[flow.Form]
    to_submit: list[flow.Draft]


def prepare_drafts(port: int, clients: int, to_submit: int) -> Drafts:
    """Drafts made through the answering flow, as organisations make them, by ``clients``
    clients at once."""
    tokens: list[str] = []
    answers: list[flow.Form] = []
    ready: list[flow.Draft] = []
    lock = threading.Lock()

    def own(number: int) -> None:
        client = flow.Client(port)
        try:
            token = flow.start_draft(client, 900 + number, 0)
            page = client.get(f"/respond/{token}/s/1")
            form = flow.answers_for(flow.form_fields(page.body), f"Svar från klient {number}")
            with lock:
                tokens.append(token)
                answers.append([*form, ("action", "save")])
            for index in range(number, to_submit, clients):
                draft = flow.prepare_draft(client, number, index)
                with lock:
                    ready.append(draft)
        finally:
            client.close()

    threads = [threading.Thread(target=own, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(tokens) != clients or len(ready) != to_submit:
        raise LoadError("the drafts could not all be prepared")
    return Drafts(tokens, answers, ready)


def measure(target: databases.Target, options: argparse.Namespace, workdir: Path) -> list[Line]:
    databases.prepare(target)
    form_floor_app.prepare(target.baseline_url)
    print(f"  adding {options.responses} responses for the board", flush=True)
    add_board(target.kick_url, options.responses)
    kick_env = child_environment(DATABASE_URL=target.kick_url)
    floor_env = child_environment(BASELINE_DATABASE_URL=target.baseline_url)
    clients, seconds = options.clients, options.seconds
    lines: list[Line] = []
    log = workdir / f"{target.kind}.log"
    with (
        serve("form_floor_app:create_app()", floor_env, log, ["--pythonpath", str(BENCH_DIR)])
        as floor,
        serve("wsgi:app", kick_env, log) as kick,
    ):  # fmt: skip
        print(f"  preparing {options.drafts} drafts", flush=True)
        drafts = prepare_drafts(kick.port, clients, options.drafts)
        counter = StatementCounter(target.kick_url)
        try:
            floor_get = timed_load(floor.port, get(lambda _n: "/form"), clients, seconds)
            floor_post = timed_load(floor.port, _floor_post, clients, seconds)
            for name, path_for in _get_routes(drafts, options.responses).items():
                if name not in options.routes:
                    continue
                run = timed_load(kick.port, get(path_for), clients, seconds)
                path = path_for(0)
                statements = counter.count(lambda c, p=path: c.get(p), 200)
                lines.append(Line(name, "GET", run, floor_get, statements))
                _progress(lines[-1])
            if "save" in options.routes:
                lines.append(_save_line(kick.port, drafts, counter, floor_post, options))
                _progress(lines[-1])
            if "submit" in options.routes:
                lines.append(_submit_line(kick.port, target, drafts, counter, floor_post, options))
                _progress(lines[-1])
        finally:
            counter.close()
    return lines


def _get_routes(drafts: Drafts, responses: int) -> dict[str, Callable[[int], str]]:
    tokens = drafts.tokens
    return {
        "consultation": lambda _n: flow.READY_PATH,
        "start": lambda _n: flow.START_PATH,
        "section": lambda n: f"/respond/{tokens[n]}/s/1",
        "check": lambda n: f"/respond/{tokens[n]}/check",
        "board": lambda _n: f"/r/{REGION}/c/{board_slug(responses)}/board",
    }


def _floor_post(client: flow.Client, _number: int) -> str | None:
    form = [("nonce", secrets.token_urlsafe(24))] + [
        (f"q-{n}", "Ett svar") for n in range(1, form_floor_app.QUESTIONS + 1)
    ]
    return _expect(client.post("/form", form), 303, "POST /form")


def _save_line(
    port: int, drafts: Drafts, counter: StatementCounter, floor: Run, options: argparse.Namespace
) -> Line:
    def save(client: flow.Client, number: int) -> str | None:
        path = f"/respond/{drafts.tokens[number]}/s/1"
        return _expect(client.post(path, drafts.section_answers[number]), 200, f"POST {path}")

    run = timed_load(port, save, options.clients, options.seconds)
    path, form = f"/respond/{drafts.tokens[0]}/s/1", drafts.section_answers[0]
    statements = counter.count(lambda c: c.post(path, form), 200)
    return Line("save", "POST", run, floor, statements)


def _submit_line(
    port: int,
    target: databases.Target,
    drafts: Drafts,
    counter: StatementCounter,
    floor: Run,
    options: argparse.Namespace,
) -> Line:
    acknowledged: list[str] = []
    lock = threading.Lock()

    def submitting(draft: flow.Draft) -> Callable[[flow.Client], str | None]:
        def send(client: flow.Client) -> str | None:
            done = flow.submit(client, draft)
            if done is None:
                return "submit of a draft was not acknowledged"
            with lock:
                acknowledged.append(done.token)
            return None

        return send

    run = work_load(port, [submitting(draft) for draft in drafts.to_submit], options.clients)
    findings = databases.check(target, acknowledged)
    if findings.missing or findings.duplicates:
        run.failures.append(f"{findings.missing} lost, {findings.duplicates} duplicated")
    statements = _submit_statements(counter)
    return Line("submit", "POST", run, floor, statements)


def _submit_statements(counter: StatementCounter) -> int:
    """A submit's statements: two drafts prepared in process, the second one counted."""
    made = [flow.prepare_draft(counter.client, 990, number) for number in range(2)]  # type: ignore[arg-type]
    drafts = iter(made)

    def send(client: InProcessClient) -> flow.Reply:
        draft = next(drafts)
        return client.post(f"/respond/{draft.token}/submit", [("nonce", draft.submit_nonce)])

    return counter.count(send, 303)


def _progress(line: Line) -> None:
    print(
        f"  {line.route}: {line.kick.per_second:.0f}/s against {line.floor.per_second:.0f}/s",
        flush=True,
    )


def report(kind: str, lines: list[Line]) -> None:
    print(f"\n{kind}")
    header = (
        f"{'route':13} {'method':6} {'KICK/s':>8} {'floor/s':>8} {'ratio':>6} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'SQL':>4}  verdict"
    )
    print(header)
    print("-" * len(header))
    for line in lines:
        print(
            f"{line.route:13} {line.method:6} {line.kick.per_second:8.0f} "
            f"{line.floor.per_second:8.0f} {line.ratio:6.2f} {line.kick.p50 * 1000:7.1f} "
            f"{line.kick.p99 * 1000:7.1f} {line.statements:4d}  {line.verdict}"
        )
        for failure in sorted(set(line.kick.failures))[:5]:
            print(f"    failure: {failure}")
    print(
        f"goal: GET >= {GET_GOAL}x the floor's GET; POST >= {POST_GOAL}x the floor's POST "
        f"with p99 <= {P99_GOAL * 1000:.0f} ms"
    )


ROUTES = ("consultation", "start", "section", "check", "board", "save", "submit")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--drafts", type=int, default=500)
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--routes", default=",".join(ROUTES))
    options = parser.parse_args(argv)
    options.routes = set(options.routes.split(","))
    unknown = options.routes - set(ROUTES)
    if unknown:
        parser.error(f"unknown routes: {', '.join(sorted(unknown))}")
    return options


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kick-bench-pages-") as directory:
        yield Path(directory)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_arguments(argv)
    kinds = ("sqlite", "postgresql") if options.database == "both" else (options.database,)
    failed = False
    with _workdir() as workdir:
        for kind in kinds:
            if kind == "sqlite":
                (workdir / "sqlite").mkdir()
                target = databases.sqlite_target(workdir / "sqlite")
            else:
                url = os.environ.get("KICK_BENCH_PAGES_DATABASE_URL", DEFAULT_POSTGRESQL_URL)
                target = databases.postgresql_target(url, "KICK_BENCH_PAGES_DATABASE_URL")
            print(f"{kind}: {options.clients} clients, {options.seconds:g} s per route", flush=True)
            try:
                lines = measure(target, options, workdir)
            except (ServerError, LoadError, flow.FlowError) as error:
                return report_failure(error, workdir)
            report(kind, lines)
            failed = failed or any(line.kick.failures for line in lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
