"""`make audit` is a check only if it can fail: a package it could not look up fails it."""

from __future__ import annotations

import shlex
import subprocess

from tests.conftest import ROOT

# No such project on PyPI: the advisory service cannot know it, so the audit must not pass.
UNKNOWN = "kick-forms-no-such-package-7c1e==1.0"


def _audit_command() -> list[str]:
    """The pip-audit command of `make audit`, as make would run it."""
    planned = subprocess.run(
        ["make", "-s", "-n", "audit"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.replace("\\\n", " ")
    (line,) = [line for line in planned.splitlines() if "pip-audit" in line]
    return shlex.split(line)


def test_an_audit_that_could_not_look_a_package_up_fails(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(UNKNOWN + "\n")
    command = _audit_command()
    command[command.index("--requirement") + 1] = str(requirements)

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)  # noqa: S603

    assert done.returncode != 0, done.stdout + done.stderr
    assert "No known vulnerabilities found" not in done.stdout


def test_ci_does_not_run_an_audit_that_cannot_reach_the_advisory_service():
    steps = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make audit" not in [step.strip() for step in steps]
