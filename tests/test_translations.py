"""Every text in the code and templates has a Swedish translation, Swedish being the default."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOG = ROOT / "kick_forms" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"

# `make extract-messages` and this test look for the same functions: the Makefile says which.
KEYWORDS = shlex.split(
    re.search(r"^MESSAGE_KEYWORDS := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
)


def _key(message) -> tuple[str | None, str]:
    """A message as gettext looks it up: its context and its (singular) text. The same English
    word can be two messages ("Form" the channel of an answer, "Form" the page), so the context
    is part of the key."""
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str | None, str]]:
    """Every message the code and templates ask for, as `make extract-messages` finds them."""
    template = tmp_path_factory.mktemp("messages") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         *KEYWORDS, "-o", str(template), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )  # fmt: skip
    with template.open("rb") as file:
        return {_key(message) for message in read_po(file) if message.id}


def _catalog():  # type: ignore[no-untyped-def]
    with CATALOG.open("rb") as file:
        return read_po(file)


def test_every_message_is_translated_to_swedish(extracted):
    translated = {
        _key(message)
        for message in _catalog()
        if message.id
        and message.string
        and all(message.string if isinstance(message.string, tuple) else [message.string])
        and "fuzzy" not in message.flags
    }
    missing = sorted(
        f"{text} ({context})" if context else text for context, text in extracted - translated
    )
    assert missing == [], "run `make extract-messages` and translate: " + "; ".join(missing)


def test_the_catalogue_holds_no_translation_nothing_asks_for(extracted):
    """A translation left behind by a text that changed is dead weight a translator still
    reads and keeps to the glossary; `make extract-messages` marks such entries obsolete (#~)."""
    catalog = _catalog()
    left_over = sorted(
        text for context, text in {_key(m) for m in catalog if m.id} - extracted
    ) + sorted(str(key) for key in catalog.obsolete)
    assert left_over == [], "remove from the catalogue: " + "; ".join(left_over)


def test_every_translation_function_the_code_calls_is_extracted():
    """A text given to a translation function that extraction does not look for is never in the
    catalogue, and nothing else notices: the page just shows English."""
    keywords = set(DEFAULT_KEYWORDS) | {
        KEYWORDS[index + 1].split(":")[0] for index, flag in enumerate(KEYWORDS) if flag == "-k"
    }
    imported = re.compile(
        r"^from (?:flask_babel|kick_forms\.i18n) import (?:\(([\w, \n]+)\)|([\w, ]+)$)", re.M
    )
    called = set()
    for path in (ROOT / "kick_forms").rglob("*.py"):
        for names in imported.findall(path.read_text(encoding="utf-8")):
            for name in "".join(names).split(","):
                original, _, alias = name.strip().partition(" as ")
                if original.endswith("gettext"):
                    called.add((alias or original).strip())
    assert called, "the code imports no translation function: the pattern above is out of date"
    assert sorted(called - keywords) == []
