"""How many answers KICK Forms accepts per second, and whether every acknowledged one is kept.

Usage::

    .venv/bin/python bench/submissions.py [--submitters N] [--per-submitter M]
                                          [--database sqlite|postgresql|both]
                                          [--sqlite-synchronous full|normal|both]

For each database the script makes a fresh database with ``flask db upgrade``, ``flask kick
load-reference`` and ``flask kick load-demo``, serves the app with gunicorn and
``gunicorn.conf.py`` (gthread, two workers), and lets N concurrent submitters each answer the
demo consultation M times over HTTP: start a draft, answer every section, open the check page.
Once every draft is ready, all submitters press "send" at once; the wall-clock time of that
submit phase gives submissions per second. The whole flow (drafts and submits) is timed too.
Each submit is then repeated with the same nonce, as a double click or a retry after a lost
answer would, and must lead to the same confirmation.

The same run measures a baseline: a bare Flask + SQLAlchemy Core app (``baseline_app.py``)
whose POST inserts one row and answers 303, under the same gunicorn settings, database kind,
concurrency and number of POSTs. Absolute figures depend on the machine and on whatever else
it is doing (the submitters themselves share its cores with the server); the ratio
KICK/baseline, measured seconds apart under the same conditions, says how much KICK's own work
per submit costs, and is the figure to compare between runs and machines.

Afterwards the database is read directly: an acknowledged submission whose response is missing
or has no version is a lost answer, a response with two versions from one nonce is a
duplicate, SQLite must pass ``PRAGMA integrity_check``, and the board's counters, kept by the
concurrent submits, must equal a fresh count of the answers ("counters off": how many differ).
The exit code is 1 when anything was lost, duplicated, miscounted, corrupt or refused, 2 when
the benchmark could not run.

SQLite lives in a temporary directory, with KICK's ``synchronous=FULL``.
``--sqlite-synchronous both`` measures SQLite twice in the same run, each on a fresh database
with its own baseline: FULL (KICK's setting, durable) and NORMAL (``bench/sqlite_normal_app.py``,
the setting before, which may lose acknowledged answers on a power cut), and prints what FULL
costs as ratios: KICK against its baseline in each mode, and FULL against NORMAL.

PostgreSQL is ``KICK_BENCH_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/kick_bench``), created when missing and wiped at the
start, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import databases
import flow
from server import BENCH_DIR, ServerError, child_environment, gunicorn, report_failure

T = TypeVar("T")


@dataclass(frozen=True)
class Phase:
    """Acknowledged submissions of one timed phase and how long the phase took."""

    acknowledged: list[flow.Submission]
    attempts: int
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.acknowledged) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class KickRun:
    prepare_seconds: float
    requests: int
    submit: Phase
    repeats_confirmed: int


@dataclass(frozen=True)
class Result:
    database: str
    submitters: int
    kick: KickRun
    baseline: Phase
    findings: databases.Findings

    @property
    def failed(self) -> bool:
        """Anything lost, duplicated, corrupt, or refused that should have been accepted."""
        findings = self.findings
        submit = self.kick.submit
        return bool(
            findings.missing
            or findings.duplicates
            or findings.integrity not in ("ok", "-")
            or findings.counters_off
            or len(submit.acknowledged) != submit.attempts
            or self.kick.repeats_confirmed != submit.attempts
            or len(self.baseline.acknowledged) != self.baseline.attempts
        )


def timed(
    pool: ThreadPoolExecutor, work: Callable[[int], T], submitters: int
) -> tuple[list[T], float]:
    """Run ``work(submitter)`` for every submitter at once; return the results and wall-clock."""
    began = time.perf_counter()
    results = list(pool.map(work, range(submitters)))
    return results, time.perf_counter() - began


def run_kick(port: int, submitters: int, per_submitter: int) -> KickRun:
    clients = [flow.Client(port) for _ in range(submitters)]

    def prepare(i: int) -> list[flow.Draft]:
        return [flow.prepare_draft(clients[i], i, n) for n in range(per_submitter)]

    def submit(i: int) -> list[flow.Submission | None]:
        return [flow.submit(clients[i], draft) for draft in drafts[i]]

    with ThreadPoolExecutor(max_workers=submitters) as pool:
        drafts, prepare_seconds = timed(pool, prepare, submitters)
        outcomes, submit_seconds = timed(pool, submit, submitters)
        requests = sum(client.requests for client in clients)
        repeats, _ = timed(pool, submit, submitters)
    for client in clients:
        client.close()
    acknowledged = [s for per_client in outcomes for s in per_client if s is not None]
    return KickRun(
        prepare_seconds=prepare_seconds,
        requests=requests,
        submit=Phase(acknowledged, submitters * per_submitter, submit_seconds),
        repeats_confirmed=sum(1 for per_client in repeats for s in per_client if s is not None),
    )


def run_baseline(port: int, submitters: int, per_submitter: int) -> Phase:
    clients = [flow.Client(port) for _ in range(submitters)]

    def warm_up(i: int) -> None:
        # KICK's workers are warm from the drafts; give the baseline's the same chance.
        clients[i].get("/")

    def post(i: int) -> list[flow.Submission | None]:
        return [flow.post_baseline(clients[i]) for _ in range(per_submitter)]

    with ThreadPoolExecutor(max_workers=submitters) as pool:
        timed(pool, warm_up, submitters)
        outcomes, seconds = timed(pool, post, submitters)
    for client in clients:
        client.close()
    acknowledged = [s for per_client in outcomes for s in per_client if s is not None]
    return Phase(acknowledged, submitters * per_submitter, seconds)


def benchmark(
    target: databases.Target,
    workdir: Path,
    submitters: int,
    per_submitter: int,
    synchronous: str = "FULL",
) -> Result:
    label = f"{target.kind}-{synchronous.lower()}" if target.kind == "sqlite" else target.kind
    print(f"{label}: preparing the database", flush=True)
    databases.prepare(target)
    log = workdir / f"gunicorn-{label}.log"
    print(f"{label}: {submitters} submitters x {per_submitter} answers", flush=True)
    kick_env = child_environment(DATABASE_URL=target.kick_url)
    if synchronous == "FULL":
        kick_server = gunicorn("wsgi:app", kick_env, log)
    else:
        pythonpath = ["--pythonpath", str(BENCH_DIR)]
        kick_server = gunicorn("sqlite_normal_app:create_app()", kick_env, log, pythonpath)
    with kick_server as port:
        kick = run_kick(port, submitters, per_submitter)
    print(f"{label}: baseline", flush=True)
    baseline_env = child_environment(
        BASELINE_DATABASE_URL=target.baseline_url, BASELINE_SQLITE_SYNCHRONOUS=synchronous
    )
    baseline_app = "baseline_app:create_app()"
    with gunicorn(baseline_app, baseline_env, log, ["--pythonpath", str(BENCH_DIR)]) as port:
        baseline = run_baseline(port, submitters, per_submitter)
    findings = databases.check(target, (s.token for s in kick.submit.acknowledged))
    return Result(label, submitters, kick, baseline, findings)


def _milliseconds(latencies: Sequence[float], quantile: int) -> str:
    if len(latencies) < 2:
        return "-"
    return f"{statistics.quantiles(latencies, n=100)[quantile - 1] * 1000:.0f} ms"


def print_details(result: Result) -> None:
    kick = result.kick
    answers = kick.submit.attempts
    flow_seconds = kick.prepare_seconds + kick.submit.seconds
    latencies = [s.latency for s in kick.submit.acknowledged]
    baseline_latencies = [s.latency for s in result.baseline.acknowledged]
    print(
        f"\n{result.database}:\n"
        f"  whole flow: {answers} answers in {flow_seconds:.1f} s "
        f"({answers / flow_seconds:.1f} answers/s, {kick.requests / flow_seconds:.0f} requests/s)\n"
        f"  submit phase: {len(kick.submit.acknowledged)} of {answers} acknowledged in "
        f"{kick.submit.seconds:.2f} s; latency p50 {_milliseconds(latencies, 50)}, "
        f"p95 {_milliseconds(latencies, 95)}\n"
        f"  repeated submits confirmed: {kick.repeats_confirmed} of {answers}\n"
        f"  baseline: {len(result.baseline.acknowledged)} of {result.baseline.attempts} "
        f"acknowledged, {result.findings.baseline_rows} rows stored; latency p50 "
        f"{_milliseconds(baseline_latencies, 50)}, p95 {_milliseconds(baseline_latencies, 95)}"
    )


COLUMNS = (
    ("database", "<13"),
    ("submitters", ">10"),
    ("submissions", ">11"),
    ("seconds", ">7"),
    ("submissions/s", ">13"),
    ("baseline/s", ">10"),
    ("ratio", ">6"),
    ("missing", ">7"),
    ("duplicates", ">10"),
    ("integrity", "<9"),
    ("counters off", ">12"),
)


def print_table(results: Sequence[Result]) -> None:
    print()
    print("  ".join(f"{name:{spec}}" for name, spec in COLUMNS).rstrip())
    for result in results:
        kick, baseline = result.kick.submit, result.baseline
        ratio = kick.per_second / baseline.per_second if baseline.per_second else 0.0
        values = (
            result.database,
            result.submitters,
            len(kick.acknowledged),
            f"{kick.seconds:.2f}",
            f"{kick.per_second:.1f}",
            f"{baseline.per_second:.1f}",
            f"{ratio:.3f}",
            result.findings.missing,
            result.findings.duplicates,
            result.findings.integrity,
            result.findings.counters_off,
        )
        cells = (f"{value:{spec}}" for value, (_, spec) in zip(values, COLUMNS, strict=True))
        print("  ".join(cells).rstrip())


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submitters", type=int, default=8, help="concurrent submitters (8)")
    parser.add_argument(
        "--per-submitter", type=int, default=10, help="answers each submitter sends (10)"
    )
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql", "both"), default="both", help="(both)"
    )
    parser.add_argument(
        "--sqlite-synchronous",
        choices=("full", "normal", "both"),
        default="full",
        help="SQLite's synchronous setting for KICK and the baseline; both: measure each (full)",
    )
    arguments = parser.parse_args(argv)
    if arguments.submitters < 1 or arguments.per_submitter < 1:
        parser.error("--submitters and --per-submitter must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    kinds = ("sqlite", "postgresql") if arguments.database == "both" else (arguments.database,)
    postgresql_url = os.environ.get("KICK_BENCH_DATABASE_URL", databases.DEFAULT_POSTGRESQL_URL)
    results = []
    with tempfile.TemporaryDirectory(prefix="kick-bench-") as directory:
        workdir = Path(directory)
        try:
            for kind in kinds:
                for synchronous in _modes(kind, arguments.sqlite_synchronous):
                    if kind == "sqlite":
                        directory = workdir / synchronous.lower()
                        directory.mkdir()
                        target = databases.sqlite_target(directory)
                    else:
                        target = databases.postgresql_target(postgresql_url)
                    result = benchmark(
                        target, workdir, arguments.submitters, arguments.per_submitter, synchronous
                    )
                    print_details(result)
                    results.append(result)
        except (ServerError, flow.FlowError) as error:
            return report_failure(error, workdir)
    print_table(results)
    print_synchronous_cost(results)
    return 1 if any(result.failed for result in results) else 0


def _modes(kind: str, chosen: str) -> tuple[str, ...]:
    if kind != "sqlite":
        return ("FULL",)  # not a PostgreSQL setting here; PostgreSQL syncs every commit
    return ("FULL", "NORMAL") if chosen == "both" else (chosen.upper(),)


def print_synchronous_cost(results: Sequence[Result]) -> None:
    """With both SQLite modes measured: what FULL costs, as ratios of figures of this run."""
    by_label = {result.database: result for result in results}
    full, normal = by_label.get("sqlite-full"), by_label.get("sqlite-normal")
    if full is None or normal is None:
        return

    def per_second(phase: Phase) -> float:
        return phase.per_second or float("nan")

    kick_full, kick_normal = per_second(full.kick.submit), per_second(normal.kick.submit)
    base_full, base_normal = per_second(full.baseline), per_second(normal.baseline)
    print(
        "\nSQLite synchronous=FULL against NORMAL, in this run:\n"
        f"  KICK/baseline, each in its mode: FULL {kick_full / base_full:.3f}, "
        f"NORMAL {kick_normal / base_normal:.3f}\n"
        f"  KICK FULL against the NORMAL baseline: {kick_full / base_normal:.3f} "
        f"(NORMAL: {kick_normal / base_normal:.3f})\n"
        f"  FULL/NORMAL submissions per second: KICK {kick_full / kick_normal:.3f}, "
        f"baseline {base_full / base_normal:.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
