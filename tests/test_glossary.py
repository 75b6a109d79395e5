"""The Swedish catalogue keeps to docs/ordlista.md: no word the glossary rules out, nothing
untranslated or fuzzy."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOG = ROOT / "kick_forms" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
GLOSSARY = ROOT / "docs" / "ordlista.md"
RULED_OUT_HEADING = "## Ord vi inte använder"


def ruled_out() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, what to write instead) from the glossary's table of words not used."""
    text = GLOSSARY.read_text(encoding="utf-8").split(RULED_OUT_HEADING, 1)[1]
    rules = []
    for line in text.splitlines():
        match = re.match(r"\| `(.+?)` \| (.+?) \|", line)
        if match:
            pattern = match.group(1).replace(r"\|", "|")
            rules.append((re.compile(pattern, re.IGNORECASE), match.group(2)))
    return rules


def _messages():
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    return [message for message in catalog if message.id]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _breaches(texts: Iterable[tuple[str, str]]) -> list[str]:
    """Each use of a word the glossary rules out, in (where, text) pairs, and what to write."""
    rules = ruled_out()
    return [
        f"{where}: {match.group(0)!r} ({pattern.pattern}; write {instead})"
        for where, text in texts
        for pattern, instead in rules
        for match in pattern.finditer(text)
    ]


def test_the_glossary_rules_words_out():
    patterns = [pattern.pattern for pattern, _instead in ruled_out()]
    assert "mejl" in patterns and r"\bej\b" in patterns and "förening" in patterns
    assert len(patterns) >= 8


def test_no_catalogue_entry_uses_a_word_the_glossary_rules_out():
    texts = [(repr(string), string) for message in _messages() for string in _strings(message)]
    found = _breaches(texts)
    assert found == [], "\n".join(found)


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated = [m.id for m in _messages() if not all(_strings(m))]
    fuzzy = [m.id for m in _messages() if "fuzzy" in m.flags]
    assert untranslated == [] and fuzzy == []


def test_a_count_column_is_headed_antal_and_the_question_kind_is_tal():
    by_key = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in _messages()}
    assert by_key[(None, "Number")].string == "Antal"
    assert by_key[("question kind", "Number")].string == "Tal"


def _swedish_of(value, key=""):  # type: ignore[no-untyped-def]
    """Every Swedish text of a data file: values under keys "sv" and "what_sv"."""
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _swedish_of(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from _swedish_of(inner, key)
    elif isinstance(value, str) and key in ("sv", "what_sv"):
        yield value


def test_the_codes_swedish_texts_keep_to_the_glossary_too():
    data = json.loads((ROOT / "kick_forms" / "data" / "coe_code.json").read_text("utf-8"))
    texts = list(_swedish_of(data))
    assert len(texts) > 50
    found = _breaches((repr(text), text) for text in texts)
    assert found == [], "\n".join(found)


def test_the_help_guides_swedish_keeps_to_the_glossary_too():
    pages = sorted((ROOT / "kick_forms" / "help" / "content" / "sv").rglob("*.md"))
    assert len(pages) >= 10
    found = _breaches((path.name, path.read_text(encoding="utf-8")) for path in pages)
    assert found == [], "\n".join(found)
