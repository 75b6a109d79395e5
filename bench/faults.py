"""Whether every acknowledged answer survives workers being killed in the middle of requests.

Usage::

    .venv/bin/python bench/faults.py [--database sqlite|postgresql|both] [--workers 4]
                                     [--submitters 8] [--per-submitter 25] [--kills 3]
                                     [--kill-interval 8]

For each database the script makes a fresh database as ``submissions.py`` does, serves the app
with gunicorn and ``gunicorn.conf.py`` with several workers, and lets concurrent submitters walk
the answering flow over HTTP: start a draft, answer every section, open the check page, press
"send", and press it again with the same nonce (a double click). Meanwhile it sends SIGKILL to a
worker every few seconds, picked at random among those holding a submitter's connection (found
in /proc); gunicorn's master starts a new one. A request whose connection
breaks is sent again, unchanged and so with the same nonce, as a browser's retry would, a few
times at most ("retried"). A submit whose POST was answered with the redirect to its
confirmation is "acknowledged"; one that never got that answer is "unacknowledged", which is
allowed, since the submitter saw no receipt.

Afterwards the database is read directly. An acknowledged submission is "found" when its
response is submitted, has exactly one version, that version has the submit's nonce and is the
current one, and it holds as many answers as the working copy; otherwise it is "missing".
"Duplicates" counts second responses of one submitter's draft (every draft has its own
organisation name), second versions of a response, and nonces stored twice. SQLite must pass
``PRAGMA integrity_check``, and the board's counters must equal a fresh count of the answers
("counters off": how many differ).

The exit code is 1 when anything is missing, duplicated, miscounted or corrupt, 2 when the
script could not run. gunicorn is stopped on exit, also after Ctrl-C or SIGTERM.

SQLite lives in a temporary directory. PostgreSQL is ``KICK_BENCH_FAULTS_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/kick_bench_faults``), created when missing and wiped at
the start, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import databases
import flow
from server import ServerError, child_environment, report_failure, serve
from sqlalchemy import Connection, bindparam, create_engine, text

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/kick_bench_faults"
POSTGRESQL_SETTING = "KICK_BENCH_FAULTS_DATABASE_URL"
# The organisation names ``flow.start_draft`` gives the submitters' drafts, one per draft.
OURS = "Benchmark society %"
# How long a replacement worker may take to start before the next kill waits no longer.
REPLACEMENT_TIMEOUT = 20.0
# Flows that failed for a reason other than a killed worker, shown after the table.
ERRORS_SHOWN = 5
# Set by Ctrl-C or SIGTERM: the submitters and the killer stop, and gunicorn is stopped as after
# a normal run. A flag rather than an exception, which could land in the middle of stopping.
INTERRUPTED = threading.Event()


class FaultClient(flow.Client):
    """A browser tab whose user presses reload when the page does not come: the same request,
    with the same form and nonce, a few times, a moment apart."""

    attempts = 5
    retry_on = (OSError, http.client.HTTPException)
    # What a proxy in front of gunicorn answers while a worker is gone.
    retry_statuses = frozenset({502, 503, 504})

    def __init__(self, port: int, stop: threading.Event, source_address: str | None = None) -> None:
        super().__init__(port, source_address)
        self._stop = stop

    def _before_retry(self, attempt: int) -> None:
        super()._before_retry(attempt)
        if self._stop.wait(0.2 * attempt):
            raise Interrupted


class Interrupted(Exception):
    """The run is being stopped (Ctrl-C): a submitter gives up at once."""


@dataclass(frozen=True)
class Acknowledged:
    token: str
    nonce: str


@dataclass
class Tally:
    """What the submitters saw, added up under a lock."""

    acknowledged: list[Acknowledged] = field(default_factory=list)
    unacknowledged: int = 0
    repeats_confirmed: int = 0
    # Drafts whose start was stored but whose answer never arrived: the retry with the same
    # nonce is told the draft exists and its link went by mail.
    drafts_lost: int = 0
    # Flows given up before the submit because a request failed for good.
    abandoned: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Verdict:
    found: int
    missing: int
    duplicates: int
    submitted: int
    integrity: str
    counters_off: int


@dataclass(frozen=True)
class Result:
    database: str
    workers: int
    kills: int
    workers_at_end: int
    submitters: int
    tally: Tally
    verdict: Verdict
    seconds: float

    @property
    def failed(self) -> bool:
        verdict = self.verdict
        return bool(
            verdict.missing
            or verdict.duplicates
            or verdict.counters_off
            or verdict.integrity not in ("ok", "-")
        )


# The submitters ---------------------------------------------------------------------------


def answer_once(client: FaultClient, submitter: int, number: int, tally: Tally) -> None:
    """One organisation's whole flow, ending with a submit and its double click."""
    retried_before = client.retried
    try:
        token = flow.start_draft(client, submitter, number)
    except flow.FlowError:
        if client.retried == retried_before:
            raise
        with tally.lock:
            tally.drafts_lost += 1
        return
    flow.answer_sections(client, token)
    check = client.get(f"/respond/{token}/check")
    if check.status != 200:
        raise flow.FlowError(f"check page: expected HTTP 200, got {check.status}")
    nonce = flow.hidden_value(check.body, "nonce")
    if not send(client, token, nonce, tally):
        with tally.lock:
            tally.unacknowledged += 1
        return
    with tally.lock:
        tally.acknowledged.append(Acknowledged(token, nonce))
    if send(client, token, nonce, tally):
        with tally.lock:
            tally.repeats_confirmed += 1


def send(client: FaultClient, token: str, nonce: str, tally: Tally) -> bool:
    """Press "send"; true when the server acknowledged it with the confirmation's address."""
    try:
        reply = client.post(f"/respond/{token}/submit", [("nonce", nonce)])
    except (OSError, http.client.HTTPException) as error:
        with tally.lock:
            tally.errors.append(f"submit: {type(error).__name__}: {error}")
        return False
    if reply.status == 303 and reply.location == f"/respond/{token}/confirmation/1":
        return True
    with tally.lock:
        tally.errors.append(f"submit: HTTP {reply.status} {reply.location}".rstrip())
    return False


def submitter(
    port: int, number: int, per_submitter: int, tally: Tally, stop: threading.Event
) -> None:
    client = FaultClient(port, stop)
    try:
        for flow_number in range(per_submitter):
            if stop.is_set():
                return
            try:
                answer_once(client, number, flow_number, tally)
            except (OSError, http.client.HTTPException, flow.FlowError) as error:
                with tally.lock:
                    tally.abandoned += 1
                    tally.errors.append(f"submitter {number}: {type(error).__name__}: {error}")
    except Interrupted:
        return
    finally:
        client.close()
        with tally.lock:
            tally.retried += client.retried


# The killer -------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses; the fields after it do not.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_for_workers(master_pid: int, workers: int, stop: threading.Event) -> list[int]:
    """The master's workers once there are ``workers`` of them (or after a timeout)."""
    deadline = time.monotonic() + REPLACEMENT_TIMEOUT
    alive = children_of(master_pid)
    while len(alive) < workers and time.monotonic() < deadline and not stop.is_set():
        time.sleep(0.1)
        alive = children_of(master_pid)
    return alive


def client_connections(port: int) -> set[str]:
    """The socket inodes of the established connections to the server's ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":
                inodes.add(f"socket:[{fields[9]}]")
    return inodes


def busy(workers: list[int], port: int) -> list[int]:
    """The workers holding a submitter's connection: killing one breaks requests."""
    connections = client_connections(port)
    holding = []
    for pid in workers:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if links & connections:
            holding.append(pid)
    return holding


def kill_workers(
    port: int,
    master_pid: int,
    workers: int,
    kills: int,
    interval: float,
    running: list[threading.Thread],
    stop: threading.Event,
) -> int:
    """SIGKILL a random worker, one holding a submitter's connection when there is one, every
    ``interval`` seconds while the submitters run; return how many were killed."""
    done = 0
    while done < kills:
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline and any(thread.is_alive() for thread in running):
            time.sleep(0.05)
        if stop.is_set() or not any(thread.is_alive() for thread in running):
            break
        alive = wait_for_workers(master_pid, workers, stop)
        if not alive:
            break
        victim = random.choice(busy(alive, port) or alive)  # noqa: S311  not cryptography
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            continue
        done += 1
        print(f"  killed worker {victim} ({done} of {kills})", flush=True)
    return done


# Reading the database ---------------------------------------------------------------------


def verify(target: databases.Target, acknowledged: Sequence[Acknowledged]) -> Verdict:
    """Hold what the acknowledgements promised against what the database holds."""
    engine = create_engine(target.kick_url)
    with engine.connect() as connection:
        found = sum(_found(connection, chunk) for chunk in _chunks(acknowledged, 500))
        duplicates = _duplicates(connection)
        submitted = connection.scalar(
            text(
                "SELECT COUNT(*) FROM response WHERE status = 'submitted'"
                " AND organisation_name LIKE :ours"
            ),
            {"ours": OURS},
        )
    counters_off = databases.counters_off(engine)
    engine.dispose()
    return Verdict(
        found=found,
        missing=len(acknowledged) - found,
        duplicates=duplicates,
        submitted=submitted or 0,
        integrity=databases.sqlite_integrity(target.sqlite_file) if target.sqlite_file else "-",
        counters_off=counters_off,
    )


def _chunks(items: Sequence[Acknowledged], size: int) -> list[Sequence[Acknowledged]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _found(connection: Connection, acknowledged: Sequence[Acknowledged]) -> int:
    """How many of these submissions are stored whole: submitted, one version, the submit's
    nonce, current, with every answer of the working copy copied into it."""
    by_hash = {hashlib.sha256(a.token.encode()).hexdigest(): a.nonce for a in acknowledged}
    responses = connection.execute(
        text(
            "SELECT id, token_hash, status, current_version_id FROM response"
            " WHERE token_hash IN :hashes"
        ).bindparams(bindparam("hashes", expanding=True)),
        {"hashes": list(by_hash)},
    ).all()
    if not responses:
        return 0
    ids = [row.id for row in responses]
    versions: dict[int, list[tuple[int, str]]] = {}
    for row in connection.execute(
        text(
            "SELECT id, response_id, submit_nonce FROM response_version WHERE response_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": ids},
    ):
        versions.setdefault(row.response_id, []).append((row.id, row.submit_nonce))
    answers: Counter[tuple[int, int | None]] = Counter()
    for row in connection.execute(
        text(
            "SELECT response_id, version_id, COUNT(*) AS n FROM answer"
            " WHERE response_id IN :ids GROUP BY response_id, version_id"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": ids},
    ):
        answers[(row.response_id, row.version_id)] = row.n
    found = 0
    for response in responses:
        kept = versions.get(response.id, [])
        if response.status != "submitted" or len(kept) != 1:
            continue
        version_id, nonce = kept[0]
        draft_answers = answers[(response.id, None)]
        if (
            nonce == by_hash[response.token_hash]
            and response.current_version_id == version_id
            and draft_answers > 0
            and answers[(response.id, version_id)] == draft_answers
        ):
            found += 1
    return found


def _duplicates(connection: Connection) -> int:
    """Rows stored twice: a draft's second response, a response's second version, a nonce
    kept twice."""
    repeated = (
        "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM {table}"
        " WHERE {column} IS NOT NULL{only} GROUP BY {column} HAVING COUNT(*) > 1) AS repeated"
    )
    queries = [
        # The demo data has responses of its own; only the submitters' drafts are one each.
        repeated.format(
            table="response", column="organisation_name", only=" AND organisation_name LIKE :ours"
        ),
        repeated.format(table="response", column="start_nonce", only=""),
        repeated.format(table="response_version", column="response_id", only=""),
        repeated.format(table="response_version", column="submit_nonce", only=""),
    ]
    return sum(int(connection.scalar(text(query), {"ours": OURS}) or 0) for query in queries)


# One run ----------------------------------------------------------------------------------


def run(target: databases.Target, workdir: Path, arguments: argparse.Namespace) -> Result:
    print(f"{target.kind}: preparing the database", flush=True)
    databases.prepare(target)
    log = workdir / f"gunicorn-{target.kind}.log"
    print(
        f"{target.kind}: {arguments.workers} workers, {arguments.submitters} submitters x "
        f"{arguments.per_submitter} answers, {arguments.kills} kills",
        flush=True,
    )
    tally = Tally()
    stop = INTERRUPTED
    env = child_environment(DATABASE_URL=target.kick_url)
    with serve("wsgi:app", env, log, workers=arguments.workers) as served:
        wait_for_workers(served.master_pid, arguments.workers, stop)
        began = time.perf_counter()
        threads = [
            threading.Thread(
                target=submitter,
                args=(served.port, number, arguments.per_submitter, tally, stop),
                daemon=True,
            )
            for number in range(arguments.submitters)
        ]
        for thread in threads:
            thread.start()
        kills = kill_workers(
            served.port,
            served.master_pid,
            arguments.workers,
            arguments.kills,
            arguments.kill_interval,
            threads,
            stop,
        )
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
        workers_at_end = len(
            wait_for_workers(served.master_pid, arguments.workers, threading.Event())
        )
    if tally.errors:
        # The server's tracebacks explain the errors; the temporary directory goes at exit.
        kept = Path(tempfile.gettempdir()) / f"kick-bench-faults-{target.kind}.log"
        kept.write_bytes(log.read_bytes())
        tally.errors.append(f"gunicorn's log: {kept}")
    verdict = verify(target, tally.acknowledged)
    return Result(
        database=target.kind,
        workers=arguments.workers,
        kills=kills,
        workers_at_end=workers_at_end,
        submitters=arguments.submitters,
        tally=tally,
        verdict=verdict,
        seconds=seconds,
    )


ROWS = (
    ("workers", lambda r: r.workers),
    ("workers alive at end", lambda r: r.workers_at_end),
    ("kills done", lambda r: r.kills),
    ("submitters", lambda r: r.submitters),
    ("acknowledged", lambda r: len(r.tally.acknowledged)),
    ("found", lambda r: r.verdict.found),
    ("missing", lambda r: r.verdict.missing),
    ("duplicates", lambda r: r.verdict.duplicates),
    ("retried requests", lambda r: r.tally.retried),
    ("unacknowledged", lambda r: r.tally.unacknowledged),
    ("drafts lost at start", lambda r: r.tally.drafts_lost),
    ("flows abandoned", lambda r: r.tally.abandoned),
    ("repeats confirmed", lambda r: r.tally.repeats_confirmed),
    ("submitted in database", lambda r: r.verdict.submitted),
    ("integrity", lambda r: r.verdict.integrity),
    ("counters off", lambda r: r.verdict.counters_off),
    ("elapsed", lambda r: f"{r.seconds:.1f} s"),
)


def print_table(results: Sequence[Result]) -> None:
    width = max(len(name) for name, _ in ROWS)
    print()
    print(f"{'':<{width}}" + "".join(f"  {result.database:>10}" for result in results))
    for name, value in ROWS:
        print(f"{name:<{width}}" + "".join(f"  {value(result)!s:>10}" for result in results))
    for result in results:
        for error in result.tally.errors[:ERRORS_SHOWN]:
            print(f"{result.database}: {error}")
        if len(result.tally.errors) > ERRORS_SHOWN:
            print(f"{result.database}: ... {len(result.tally.errors) - ERRORS_SHOWN} more")


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql", "both"), default="both", help="(both)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--submitters", type=int, default=8, help="concurrent submitters (8)")
    parser.add_argument(
        "--per-submitter", type=int, default=25, help="answers each submitter sends (25)"
    )
    parser.add_argument("--kills", type=int, default=3, help="workers to kill (3)")
    parser.add_argument(
        "--kill-interval", type=float, default=8.0, help="seconds between kills (8)"
    )
    arguments = parser.parse_args(argv)
    if min(arguments.workers, arguments.submitters, arguments.per_submitter) < 1:
        parser.error("--workers, --submitters and --per-submitter must be at least 1")
    if arguments.kills < 0 or arguments.kill_interval <= 0:
        parser.error("--kills must not be negative and --kill-interval must be positive")
    return arguments


def _interrupt(signum: int, frame: object) -> None:
    INTERRUPTED.set()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    kinds = ("sqlite", "postgresql") if arguments.database == "both" else (arguments.database,)
    postgresql_url = os.environ.get(POSTGRESQL_SETTING, DEFAULT_POSTGRESQL_URL)
    results = []
    with tempfile.TemporaryDirectory(prefix="kick-bench-faults-") as directory:
        workdir = Path(directory)
        try:
            for kind in kinds:
                target = (
                    databases.sqlite_target(workdir)
                    if kind == "sqlite"
                    else databases.postgresql_target(postgresql_url, POSTGRESQL_SETTING)
                )
                results.append(run(target, workdir, arguments))
                if INTERRUPTED.is_set():
                    print("interrupted; gunicorn stopped", file=sys.stderr)
                    return 2
        except ServerError as error:
            return report_failure(error, workdir)
    print_table(results)
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
