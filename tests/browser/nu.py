"""The W3C Nu HTML checker (npm package vnu-jar) over many saved pages in one Java run."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def available() -> bool:
    return VNU.exists() and shutil.which("java") is not None


def errors(files: Sequence[Path]) -> dict[Path, list[str]]:
    """Nu's errors per file (warnings and info left out); files without errors are left out."""
    if not files:
        return {}
    run = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *map(str, files),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    found: dict[Path, list[str]] = {}
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        if message.get("type") != "error":
            continue
        path = Path(message.get("url", "").removeprefix("file:"))
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        found.setdefault(path, []).append(f"{where}{message['message']}")
    return found
