"""Two application servers behind nginx, on PostgreSQL and Redis: throughput, a server stopped
mid-run, rate limits shared by both, and every mail sent once.

Usage::

    .venv/bin/python bench/scale.py [--submitters 8] [--per-submitter 10] [--rounds 2]
                                    [--stop-per-submitter 15]

The script builds what "Running in production" describes for several application servers, on
one machine: a fresh PostgreSQL database made with ``flask db upgrade``, ``flask kick
load-reference`` and ``flask kick load-demo``; two gunicorn instances ("a" and "b", each with
``gunicorn.conf.py`` and two workers) on their own ports, sharing the database, Redis for the
rate limits and ``SECRET_KEY``; nginx (Debian's package) in front of both with the site from
``deploy/nginx/kick-forms.conf``, its upstream naming both instances (plain HTTP on a free port
instead of TLS, logs in a temporary directory, static files from this checkout); and one mail
worker (``flask kick outbox --loop``) beside each instance, sending to an SMTP server in this
script. The rate limits are on, with the production settings and ``KICK_PROXY_FIX=1``; each
organisation answers from its own address in 127.0.0.0/8, as organisations do.

The phases, in one run:

1. **alone**: N submitters each walk the answering flow M times (start a draft, answer every
   section, open the check page, send, send again with the same nonce) directly against
   instance a.
2. **pair**: the same load through nginx, which shares it between a and b. Throughput is
   acknowledged answers (and requests) per second of wall-clock; the ratio pair/alone is the
   figure to compare. Both run on the same cores here, so the ratio shows what the proxy and
   the second instance cost or gain on one machine, not what a second machine would add.
   An untimed warm-up (one answer per submitter, to a and through nginx) comes first, and
   alone and pair take turns for ``--rounds`` rounds (alone first in odd rounds), so that
   neither gains from going second; the ratio is taken over all rounds.
3. **rate limit**: one client address sends twice the public write limit of POSTs through
   nginx, which hands them to a and b in turn. Counted in Redis, exactly the limit gets through
   and the rest get 429; counted in each process, up to four times the limit would.
4. **stop**: the load again through nginx, and once a third of the answers are acknowledged,
   instance b's gunicorn (master and workers) gets SIGKILL, as in a crash, and its mail worker
   SIGTERM, as when its machine is shut down. A request that fails (nginx answers 502 while b
   goes away) is sent again unchanged, with the same nonce, as a browser's reload would.

Then the outbox is left to empty, the mail worker on a is stopped, and the database and the
SMTP server are read: every acknowledged submission must be stored once and whole (as
``faults.py`` checks it), and every mail the outbox records as sent must have arrived exactly
once (by its Message-ID, which carries the outbox row's id). The script prints each phase's
figures and a summary; the exit code is 1 when anything is missing, duplicated or let through
past the limit, 2 when the run could not be made.

PostgreSQL is ``KICK_BENCH_SCALE_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/kick_bench_scale``), created when missing and wiped at the
start, so its name must contain "bench". Redis is ``KICK_BENCH_REDIS_URL`` (default
``redis://127.0.0.1:6379/0``); the run's keys have a prefix of their own and are deleted at the
end. nginx must be installed (``make scale`` installs Debian's nginx-light when it is missing).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import databases
import faults
import flow
import redis
from aiosmtpd.controller import Controller
from limits import parse_many
from server import (
    BIN,
    PROJECT_ROOT,
    Served,
    ServerError,
    child_environment,
    free_port,
    report_failure,
    serve,
    tail,
)
from sqlalchemy import create_engine, text

from kick_forms.config import defaults

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/kick_bench_scale"
POSTGRESQL_SETTING = "KICK_BENCH_SCALE_DATABASE_URL"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_SETTING = "KICK_BENCH_REDIS_URL"
SITE = PROJECT_ROOT / "deploy" / "nginx" / "kick-forms.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKERS_PER_INSTANCE = 2
# The limit every public write has in production, per client address.
PUBLIC_WRITE_LIMIT = defaults("")["PUBLIC_WRITE_RATE_LIMIT"]
# How long the mail workers may take to empty the outbox after the last answer.
DRAIN_TIMEOUT = 120.0
OUTBOX_INTERVAL = "0.5"
ERRORS_SHOWN = 5
# Each phase's organisations answer from 127.<phase>.<submitter>.<flow>.
PHASES = {"alone": 1, "pair": 2, "limit": 3, "stop": 4, "warm-up": 5}
MESSAGE_ID = re.compile(r"\.(\d+)\.outbox@")


# Clients ----------------------------------------------------------------------------------


def address(phase: str, submitter: int, number: int) -> str:
    return f"127.{PHASES[phase]}.{submitter}.{number + 1}"


@dataclass
class Load:
    """What one phase's submitters saw."""

    name: str
    round: int = 1
    tally: faults.Tally = field(default_factory=faults.Tally)
    requests: int = 0
    seconds: float = 0.0
    attempts: int = 0

    @property
    def answers_per_second(self) -> float:
        return len(self.tally.acknowledged) / self.seconds if self.seconds else 0.0

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_load(
    name: str,
    port: int,
    submitters: int,
    per_submitter: int,
    round_: int = 1,
    during: Callable[[Load], None] | None = None,
) -> Load:
    """N submitters, each answering M times, one organisation (and client address) per answer;
    ``during`` runs beside them, given the phase's tally as it grows."""
    load = Load(name, round_, attempts=submitters * per_submitter)
    lock = threading.Lock()
    stop = faults.INTERRUPTED

    def submitter(number: int) -> None:
        # Submitter numbers differ between phases and rounds: every draft has its own name.
        named = PHASES[name] * 10000 + round_ * 1000 + number
        for flow_number in range(per_submitter):
            if stop.is_set():
                return
            client = faults.FaultClient(port, stop, address(name, number, flow_number))
            try:
                faults.answer_once(client, named, flow_number, load.tally)
            except (OSError, http.client.HTTPException, flow.FlowError) as error:
                with load.tally.lock:
                    load.tally.abandoned += 1
                    load.tally.errors.append(f"{name} {number}: {type(error).__name__}: {error}")
            except faults.Interrupted:
                return
            finally:
                client.close()
                with lock:
                    load.requests += client.requests
                    load.tally.retried += client.retried

    threads = [
        threading.Thread(target=submitter, args=(n,), daemon=True) for n in range(submitters)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    if during is not None:
        during(load)
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - began
    return load


@dataclass(frozen=True)
class LimitProbe:
    limit: int
    sent: int
    statuses: Counter[int]

    @property
    def let_through(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 429)


def probe_rate_limit(port: int) -> LimitProbe:
    """Twice the per-minute public write limit of POSTs from one address, one after another."""
    limit = min(item.amount for item in parse_many(PUBLIC_WRITE_LIMIT))
    client = flow.Client(port, address("limit", 0, 0))
    statuses: Counter[int] = Counter()
    try:
        for _ in range(2 * limit):
            # An empty start form: refused with its errors, but counted like any write.
            statuses[client.post(flow.START_PATH, []).status] += 1
    finally:
        client.close()
    return LimitProbe(limit, 2 * limit, statuses)


def limiter_counts(store: redis.Redis, prefix: str, client: str) -> dict[str, int]:
    """The limiter's counters for one client address, read from Redis: one per limit."""
    counts = {}
    for key in store.scan_iter(f"*/{prefix}/{client}/*"):
        # LIMITS:LIMITER/<prefix>/<address>/<endpoint>/<amount>/<multiples>/<granularity>
        name = key.decode().split(f"/{client}/", 1)[1]
        counts[name] = int(store.get(key) or 0)
    return counts


# nginx ------------------------------------------------------------------------------------


def _replace_once(site: str, pattern: str, replacement: str) -> str:
    changed, count = re.subn(pattern, lambda _: replacement, site, flags=re.MULTILINE)
    if count != 1:
        raise ServerError(
            f"{SITE.relative_to(PROJECT_ROOT)} no longer has {pattern!r} once; "
            "update bench/scale.py"
        )
    return changed


def nginx_conf(workdir: Path, port: int, upstreams: Sequence[int]) -> str:
    """The site from deploy/, on plain HTTP, in front of ``upstreams``, logging to ``workdir``."""
    site = SITE.read_text()
    # The catch-all that answers unknown host names with nothing: here nginx is asked by address.
    site = _replace_once(site, r"^server \{\n    listen 80 default_server;[\s\S]*?^\}\n", "")
    # The HTTP server only redirects to HTTPS; the HTTPS server is the one under test.
    site = _replace_once(site, r"^server \{\n    listen 80;[\s\S]*?^\}\n", "")
    servers = "".join(f"    server 127.0.0.1:{upstream};\n" for upstream in upstreams)
    site = _replace_once(site, r"^    server 127\.0\.0\.1:8000;.*\n", servers)
    site = _replace_once(site, r"^    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{port};\n")
    site = _replace_once(site, r"^    listen \[::\]:443 ssl http2;\n", "")
    site = re.sub(r"^    ssl_\w+ .*\n", "", site, flags=re.MULTILINE)
    site = _replace_once(
        site, r"^    access_log off;\n", f"    access_log {workdir}/access.log scale;\n"
    )
    site = _replace_once(site, r"^    error_log .*\n", f"    error_log {workdir}/error.log warn;\n")
    site = _replace_once(site, r"alias /opt/kick-forms/static/;", f"alias {PROJECT_ROOT}/static/;")
    temp = "\n".join(
        f"    {kind}_temp_path {workdir}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    indented = "".join(f"    {line}\n" if line else "\n" for line in site.splitlines())
    return (
        f"daemon off;\nworker_processes 1;\npid {workdir}/nginx.pid;\n"
        f"error_log {workdir}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"{temp}\n"
        "    log_format scale '$remote_addr $request_method $status"
        ' "$upstream_addr" "$upstream_status"\';\n'
        f"{indented}}}\n"
    )


@contextmanager
def nginx(workdir: Path, upstreams: Sequence[int]) -> Iterator[int]:
    """nginx with the deploy site in front of ``upstreams``; yield its port; always stop it."""
    if not os.access(NGINX, os.X_OK):
        raise ServerError("nginx is not installed (Debian: apt-get install nginx-light)")
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(nginx_conf(workdir, port, upstreams))
    command = [NGINX, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")]
    checked = subprocess.run(  # noqa: S603  fixed command
        [*command, "-t", "-q"], capture_output=True, text=True, check=False
    )
    if checked.returncode != 0:
        raise ServerError(f"nginx -t refused the configuration:\n{checked.stderr}")
    with (workdir / "nginx.out").open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_for(lambda: _status(port, "/healthz") == 200, process, workdir / "error.log")
        yield port
    finally:
        _terminate(process, signal.SIGQUIT)


def _status(port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def _wait_for(ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"{process.args[0]} exited with {process.returncode}:\n{tail(log)}")
        if ready():
            return
        time.sleep(0.1)
    raise ServerError(f"{process.args[0]} did not get ready in 30 s:\n{tail(log)}")


def _terminate(process: subprocess.Popen[bytes], signum: int = signal.SIGTERM) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signum)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def served_by(log: Path, phase: str) -> Counter[str]:
    """How many of a phase's requests each upstream answered, from nginx's access log; a
    request nginx had to try on both shows as "a, b"."""
    octet = f"127.{PHASES[phase]}."
    counts: Counter[str] = Counter()
    for line in log.read_text().splitlines():
        if line.startswith(octet):
            counts[line.split('"')[1]] += 1
    return counts


# Mail -------------------------------------------------------------------------------------


class MailSink:
    """An SMTP server that counts the messages it receives by their outbox id."""

    def __init__(self) -> None:
        self.received: Counter[int] = Counter()
        self.unknown = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        found = MESSAGE_ID.search(envelope.content.decode("utf-8", "replace"))
        if found:
            self.received[int(found.group(1))] += 1
        else:
            self.unknown += 1
        return "250 Message accepted"


@contextmanager
def smtp_server() -> Iterator[tuple[MailSink, int]]:
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


@contextmanager
def mail_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    command = [str(BIN / "flask"), "kick", "outbox", "--loop", "--interval", OUTBOX_INTERVAL]
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603  fixed command
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        _terminate(process)


def worker_sent(log: Path) -> int:
    return sum(int(n) for n in re.findall(r"^Outbox: (\d+) sent", log.read_text(), re.MULTILINE))


@dataclass(frozen=True)
class MailCount:
    sent: int
    received: int
    duplicates: int
    missing: int
    unrecorded: int
    waiting: int
    failed: int
    sent_by_a: int
    sent_by_b: int


def outbox_rows(url: str) -> tuple[set[int], int, int]:
    """The ids of the messages recorded as sent, how many wait, how many failed."""
    engine = create_engine(url)
    with engine.connect() as connection:
        sent = set(
            connection.scalars(text("SELECT id FROM outbox_message WHERE sent_at IS NOT NULL"))
        )
        waiting = connection.scalar(
            text("SELECT COUNT(*) FROM outbox_message WHERE sent_at IS NULL AND failed_at IS NULL")
        )
        failed = connection.scalar(
            text("SELECT COUNT(*) FROM outbox_message WHERE failed_at IS NOT NULL")
        )
    engine.dispose()
    return sent, waiting or 0, failed or 0


def wait_for_outbox(url: str) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while time.monotonic() < deadline and not faults.INTERRUPTED.is_set():
        if outbox_rows(url)[1] == 0:
            return
        time.sleep(0.5)


def count_mail(url: str, sink: MailSink, logs: tuple[Path, Path]) -> MailCount:
    sent, waiting, failed = outbox_rows(url)
    received = sink.received
    return MailCount(
        sent=len(sent),
        received=sum(received.values()) + sink.unknown,
        duplicates=sum(count - 1 for count in received.values() if count > 1),
        missing=len(sent - received.keys()),
        # Arrived, but the outbox does not say it was sent: it would go out again.
        unrecorded=len(received.keys() - sent) + sink.unknown,
        waiting=waiting,
        failed=failed,
        sent_by_a=worker_sent(logs[0]),
        sent_by_b=worker_sent(logs[1]),
    )


# The instances ----------------------------------------------------------------------------


def crash(served: Served) -> None:
    """SIGKILL an instance's gunicorn master and its workers at once, as a crash would."""
    for pid in [served.master_pid, *faults.children_of(served.master_pid)]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop_b_when(
    fraction: float, b: Served, b_mail: subprocess.Popen[bytes], log: list[str]
) -> Callable[[Load], None]:
    """Beside the load: once ``fraction`` of its answers are acknowledged, stop instance b."""

    def watch(load: Load) -> None:
        target = max(1, int(load.attempts * fraction))
        while len(load.tally.acknowledged) < target and not faults.INTERRUPTED.is_set():
            time.sleep(0.02)
        crash(b)
        b_mail.send_signal(signal.SIGTERM)
        log.append(f"instance b stopped after {len(load.tally.acknowledged)} acknowledged answers")
        print(f"  {log[-1]}", flush=True)

    return watch


# The run ----------------------------------------------------------------------------------


@dataclass
class Report:
    loads: list[Load] = field(default_factory=list)
    served: dict[str, Counter[str]] = field(default_factory=dict)
    probe: LimitProbe | None = None
    # The limiter's counters for the probe's address, as Redis holds them.
    limiter_counts: dict[str, int] = field(default_factory=dict)
    verdict: faults.Verdict | None = None
    mail: MailCount | None = None
    events: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        verdict, mail, probe = self.verdict, self.mail, self.probe
        return bool(
            verdict is None
            or mail is None
            or probe is None
            or verdict.missing
            or verdict.duplicates
            or verdict.counters_off
            or probe.let_through != probe.limit
            or mail.missing
            or mail.duplicates
            or mail.unrecorded
            or mail.waiting
        )


def run(arguments: argparse.Namespace, workdir: Path) -> Report:
    target = databases.postgresql_target(
        os.environ.get(POSTGRESQL_SETTING, DEFAULT_POSTGRESQL_URL), POSTGRESQL_SETTING
    )
    redis_url = os.environ.get(REDIS_SETTING, DEFAULT_REDIS_URL)
    store = redis.Redis.from_url(redis_url)
    try:
        store.ping()
    except redis.RedisError as error:
        raise ServerError(f"cannot reach Redis at {redis_url}: {error}") from None
    prefix = f"kick-bench-scale-{secrets.token_hex(4)}"
    print("preparing the database", flush=True)
    databases.prepare(target)
    report = Report()
    with ExitStack() as stack:
        sink, smtp_port = stack.enter_context(smtp_server())
        shared = child_environment(
            DATABASE_URL=target.kick_url,
            REDIS_URL=redis_url,
            KICK_RATELIMIT_ENABLED="true",
            KICK_RATELIMIT_KEY_PREFIX=prefix,
            KICK_PROXY_FIX="1",
            KICK_MAIL_SERVER="127.0.0.1",
            KICK_MAIL_PORT=str(smtp_port),
        )
        # One secret for both, as on every machine of a deployment: a draft started on a
        # may be continued on b.
        logs = (workdir / "outbox-a.log", workdir / "outbox-b.log")
        stack.enter_context(mail_worker(shared, logs[0]))
        b_mail = stack.enter_context(mail_worker(shared, logs[1]))
        a = stack.enter_context(
            serve("wsgi:app", shared, workdir / "gunicorn-a.log", workers=WORKERS_PER_INSTANCE)
        )
        b = stack.enter_context(
            serve("wsgi:app", shared, workdir / "gunicorn-b.log", workers=WORKERS_PER_INSTANCE)
        )
        names = {f"127.0.0.1:{a.port}": "a", f"127.0.0.1:{b.port}": "b"}
        proxy = stack.enter_context(nginx(workdir, (a.port, b.port)))
        access_log = workdir / "access.log"
        load = (arguments.submitters, arguments.per_submitter)

        # Untimed: every worker of both instances has its connections and templates ready.
        report.loads.append(run_load("warm-up", a.port, arguments.submitters, 1, 1))
        report.loads.append(run_load("warm-up", proxy, arguments.submitters, 1, 2))
        # Alone and pair take turns, so neither gains from going second.
        for round_ in range(1, arguments.rounds + 1):
            order = ("alone", "pair") if round_ % 2 else ("pair", "alone")
            for name in order:
                port = a.port if name == "alone" else proxy
                where = "straight to instance a" if name == "alone" else "through nginx to a and b"
                print(f"{name}, round {round_}: {load[0]} submitters x {load[1]} answers, {where}")
                report.loads.append(run_load(name, port, *load, round_))
        print(f"rate limit: one address, {PUBLIC_WRITE_LIMIT} on public writes", flush=True)
        report.probe = probe_rate_limit(proxy)
        report.limiter_counts = limiter_counts(store, prefix, address("limit", 0, 0))
        stopped = (arguments.submitters, arguments.stop_per_submitter)
        print(f"stop: {stopped[0]} submitters x {stopped[1]} answers; b stops mid-run", flush=True)
        report.loads.append(
            run_load("stop", proxy, *stopped, during=stop_b_when(1 / 3, b, b_mail, report.events))
        )
        for phase in ("pair", "limit", "stop"):
            report.served[phase] = Counter(
                {
                    _rename(upstream, names): n
                    for upstream, n in served_by(access_log, phase).items()
                }
            )
        print("waiting for the outbox to empty", flush=True)
        wait_for_outbox(target.kick_url)
    # Every process is stopped now, the mail workers included.
    report.mail = count_mail(target.kick_url, sink, logs)
    acknowledged = [ack for load in report.loads for ack in load.tally.acknowledged]
    report.verdict = faults.verify(target, acknowledged)
    for key in store.scan_iter(f"*/{prefix}/*"):
        store.delete(key)
    return report


def _rename(upstreams: str, names: dict[str, str]) -> str:
    return ", ".join(names.get(part.strip(), part.strip()) for part in upstreams.split(","))


# Printing ---------------------------------------------------------------------------------


def combined(loads: Sequence[Load], name: str) -> Load:
    """A phase's rounds added up: answers, requests and seconds."""
    total = Load(name, 0)
    for load in loads:
        if load.name == name:
            total.tally.acknowledged.extend(load.tally.acknowledged)
            total.requests += load.requests
            total.seconds += load.seconds
            total.attempts += load.attempts
    return total


def print_report(report: Report) -> None:
    print()
    print(
        f"{'phase':<8} {'round':>5} {'answers':>8} {'seconds':>8} {'answers/s':>10}"
        f" {'requests/s':>11} {'retried':>8} {'abandoned':>9}"
    )
    for load in report.loads:
        print(
            f"{load.name:<8} {load.round:>5} {len(load.tally.acknowledged):>8} {load.seconds:>8.1f}"
            f" {load.answers_per_second:>10.2f} {load.requests_per_second:>11.1f}"
            f" {load.tally.retried:>8} {load.tally.abandoned:>9}"
        )
    alone, pair = combined(report.loads, "alone"), combined(report.loads, "pair")
    if alone.answers_per_second and alone.requests_per_second:
        print(
            f"throughput, all rounds: instance a alone {alone.answers_per_second:.2f} answers/s "
            f"({alone.requests_per_second:.1f} requests/s), through nginx to a and b "
            f"{pair.answers_per_second:.2f} answers/s ({pair.requests_per_second:.1f} requests/s); "
            f"ratio pair/alone {pair.answers_per_second / alone.answers_per_second:.2f} "
            f"(answers), {pair.requests_per_second / alone.requests_per_second:.2f} (requests)"
        )
    for phase, counts in report.served.items():
        shares = ", ".join(f"{name}: {n}" for name, n in sorted(counts.items()))
        print(f"requests answered through nginx, {phase}: {shares}")
    for event in report.events:
        print(event)
    probe = report.probe
    if probe:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(probe.statuses.items()))
        print(
            f"rate limit: {probe.sent} POSTs from one address, {probe.let_through} let through "
            f"(limit {probe.limit} a minute, counted across both instances), {statuses}"
        )
        for name, value in sorted(report.limiter_counts.items()):
            print(f"  its counter in Redis, {name}: {value}")
    verdict = report.verdict
    if verdict:
        acknowledged = sum(len(load.tally.acknowledged) for load in report.loads)
        unacknowledged = sum(load.tally.unacknowledged for load in report.loads)
        print(
            f"submissions: {acknowledged} acknowledged, {verdict.found} found whole, "
            f"missing {verdict.missing}, duplicates {verdict.duplicates}, "
            f"unacknowledged {unacknowledged}, counters off {verdict.counters_off}"
        )
    mail = report.mail
    if mail:
        print(
            f"mail: {mail.sent} recorded as sent (worker a {mail.sent_by_a}, worker b "
            f"{mail.sent_by_b}), {mail.received} received, duplicates {mail.duplicates}, "
            f"missing {mail.missing}, received but not recorded {mail.unrecorded}, "
            f"still waiting {mail.waiting}, failed {mail.failed}"
        )
    for load in report.loads:
        for error in load.tally.errors[:ERRORS_SHOWN]:
            print(f"{load.name}: {error}")


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submitters", type=int, default=8, help="concurrent submitters (8)")
    parser.add_argument(
        "--per-submitter", type=int, default=10, help="answers each sends in alone and pair (10)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of alone and pair, taking turns (2)"
    )
    parser.add_argument(
        "--stop-per-submitter", type=int, default=15, help="answers each sends in stop (15)"
    )
    arguments = parser.parse_args(argv)
    # Each answer has its own client address, 127.<phase>.<submitter>.<answer>.
    if arguments.rounds < 1:
        parser.error("--rounds must be at least 1")
    for name in ("submitters", "per_submitter", "stop_per_submitter"):
        if not 1 <= getattr(arguments, name) <= 250:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 250")
    return arguments


def _interrupt(signum: int, frame: object) -> None:
    faults.INTERRUPTED.set()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    workdir = Path(tempfile.mkdtemp(prefix="kick-bench-scale-"))
    # nginx's workers run as an unprivileged user and write their temporary files here.
    workdir.chmod(0o755)
    try:
        report = run(arguments, workdir)
    except ServerError as error:
        code = report_failure(error, workdir)
        print(f"logs kept in {workdir}", file=sys.stderr)
        return code
    if faults.INTERRUPTED.is_set():
        print("interrupted; every server stopped", file=sys.stderr)
        return 2
    print_report(report)
    if report.failed or any(load.tally.errors for load in report.loads):
        print(f"logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
