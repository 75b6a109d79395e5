"""Every text in the code and templates has a Swedish translation, Swedish being the default."""

from __future__ import annotations

import subprocess
import sys

from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOG = ROOT / "kick_forms" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"


def test_every_message_is_translated_to_swedish(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )  # fmt: skip
    with template.open("rb") as file:
        wanted = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in read_po(file) if message.id}  # fmt: skip
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    translated = {
        (message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id
        and message.string
        and all(message.string if isinstance(message.string, tuple) else [message.string])
        and "fuzzy" not in message.flags
    }
    missing = sorted(wanted - translated)
    assert missing == [], "run `make extract-messages` and translate: " + "; ".join(missing)
