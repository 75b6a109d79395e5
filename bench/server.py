"""Running the applications as in production: gunicorn with the project's own settings."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_ROOT / "bench"
# Tools of the virtualenv that runs this script.
BIN = Path(sys.executable).parent
# The machine this is sized for has two cores; one worker per core.
WORKERS = 2
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
# Settings that would steer the children away from the benchmark database (KICK_DATABASE_URL
# wins over DATABASE_URL) or change their behaviour; the children get only what we set.
_STEERING_PREFIXES = ("KICK_", "FLASK_")
_STEERING_NAMES = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "BASELINE_DATABASE_URL")


class ServerError(RuntimeError):
    """A command or server of the benchmark did not start or failed."""


def child_environment(**settings: str) -> dict[str, str]:
    """The environment for KICK's commands and servers: ours, with no inherited KICK settings."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_STEERING_PREFIXES) and name not in _STEERING_NAMES
    }
    return {
        **inherited,
        "FLASK_APP": "kick_forms",
        "KICK_SECRET_KEY": secrets.token_urlsafe(48),
        # Every submitter comes from 127.0.0.1, so the per-address limit would throttle the load.
        "KICK_RATELIMIT_ENABLED": "false",
        **settings,
    }


def run_flask(arguments: Sequence[str], env: dict[str, str]) -> None:
    """Run ``flask <arguments>`` in the project, as an operator would."""
    command = [str(BIN / "flask"), *arguments]
    done = subprocess.run(  # noqa: S603  fixed commands, no shell
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ServerError(f"flask {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Served:
    """A running gunicorn: the port it answers on and its master's process id."""

    port: int
    master_pid: int


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], log_path: Path, extra_arguments: Sequence[str] = ()
) -> Iterator[int]:
    """Serve ``app`` with ``gunicorn.conf.py`` on a free port; yield the port; always stop it."""
    with serve(app, env, log_path, extra_arguments) as served:
        yield served.port


@contextmanager
def serve(
    app: str,
    env: dict[str, str],
    log_path: Path,
    extra_arguments: Sequence[str] = (),
    workers: int = WORKERS,
) -> Iterator[Served]:
    """Serve ``app`` with ``gunicorn.conf.py`` and ``workers`` workers on a free port; always
    stop it."""
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "-c",
        "gunicorn.conf.py",
        # gunicorn's control socket has one path per user; without this, each benchmark server
        # would take it over from any other gunicorn on the machine and remove it on exit.
        "--no-control-socket",
        *extra_arguments,
        app,
    ]
    env = {**env, "KICK_BIND": f"127.0.0.1:{port}", "KICK_WORKERS": str(workers)}
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603  fixed commands, no shell
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_ready(process, port, log_path)
        yield Served(port, process.pid)
    finally:
        _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"gunicorn exited with {process.returncode}:\n{tail(log_path)}")
        if _answers(port):
            return
        time.sleep(0.1)
    raise ServerError(f"gunicorn did not answer in {READY_TIMEOUT:.0f} s:\n{tail(log_path)}")


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM lets gunicorn finish the requests in flight, as in a deployment."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tail(log_path: Path, lines: int = 30) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def report_failure(error: Exception, workdir: Path) -> int:
    """Say why the run could not be made, with the end of each server's log; exit code 2."""
    print(f"error: {error}", file=sys.stderr)
    for log in sorted(workdir.glob("*.log")):
        print(f"--- end of {log.name}\n{tail(log)}", file=sys.stderr)
    return 2
