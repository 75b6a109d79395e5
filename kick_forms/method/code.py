"""The Council of Europe's Code as ``data/coe_code.json`` records it, each item with its provenance.

Every text item of the data file has its English (``en``, the source's or our summary of it), our
Swedish (``sv``) and ``verified``: ``verbatim`` (the English wording checked against the cited
source), ``paraphrase`` (the content checked, the wording ours), false (not checked) or
``not_retrievable`` (no source that could be read gives it). The manual shows the first as the
Code's words, the second as a summary in our words, says plainly where nothing could be found,
and never presents the rest as the Code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from babel.lists import format_list
from flask_babel import get_locale
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.i18n import gettext
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import CodeExample, CodePrinciple
from kick_forms.models.reference import in_locale

VERBATIM = "verbatim"
SUMMARY = "summary"
UNCHECKED = "unchecked"
MISSING = "missing"

AUTHORITY_HEADINGS = {
    "information_sharing": _l("Information"),
    "procedures": _l("Procedures"),
    "resource_provision": _l("Resources"),
    "responsiveness": _l("Responsiveness"),
}


@cache
def code_data() -> dict[str, Any]:
    text = resources.files("kick_forms.data").joinpath("coe_code.json").read_text("utf-8")
    return json.loads(text)


def kind_of(verified: Any) -> str:
    """The data file's ``verified`` value as VERBATIM, SUMMARY, UNCHECKED or MISSING."""
    text = verified if isinstance(verified, str) else ""
    if text.startswith("verbatim"):
        return VERBATIM
    if text.startswith("paraphrase"):
        return SUMMARY
    if text == "not_retrievable":
        return MISSING
    return UNCHECKED


@dataclass
class Source:
    url: str
    what_en: str
    what_sv: str
    number: int

    @property
    def site(self) -> str:
        """The host name, readable: 'www.xn--samhllsentreprenrskap-81b04b.com' is decoded."""
        host = urlsplit(self.url).hostname or self.url
        return host.encode("ascii").decode("idna") if "xn--" in host else host

    @property
    def what(self) -> str:
        return in_locale(self.what_sv, self.what_en)


@dataclass(frozen=True)
class Provenance:
    """How far an item was checked, against which sources and which edition of the Code."""

    kind: str
    sources: tuple[Source, ...] = ()
    version: str = ""
    searched: int = 0  # for MISSING: how many sources were read in vain

    @property
    def edition(self) -> str:
        """Which edition of the Code the sources follow, as a note on the page says it."""
        if "secondary" in self.version:
            return gettext("from a secondary source on the Code of 2009")
        if self.version.startswith("2009 and 2019"):
            return gettext("the Codes of 2009 and 2019")
        if self.version.startswith("2019"):
            return gettext("the revised Code of 2019")
        if self.version.startswith("2009"):
            return gettext("the Code of 2009")
        return ""


@dataclass(frozen=True)
class Text:
    """One text of the data file in both languages, with its provenance."""

    en: str
    sv: str
    provenance: Provenance

    @property
    def text(self) -> str:
        return in_locale(self.sv, self.en)


def grouped(parts: list[tuple[Any, Provenance]]) -> list[tuple[str, Provenance]]:
    """Parts of a section with the same provenance told once: "A and B: a summary …"."""
    groups: list[tuple[list[str], Provenance]] = []
    for what, provenance in parts:
        same = next((names for names, seen in groups if seen == provenance), None)
        if same is None:
            groups.append(([str(what)], provenance))
        else:
            same.append(str(what).lower())
    return [(format_list(names, locale=get_locale()), provenance) for names, provenance in groups]


class Sources:
    """Every source of the data file, numbered in its order: the sources page lists them all."""

    def __init__(self, listed: list[dict[str, str]]) -> None:
        self.all = [
            Source(entry["url"], entry["what_en"], entry["what_sv"], number)
            for number, entry in enumerate(listed, start=1)
        ]
        self._by_url = {source.url: source for source in self.all}

    def provenance(self, entry: dict[str, Any]) -> Provenance:
        kind = kind_of(entry.get("verified"))
        urls = entry.get("searched" if kind == MISSING else "source") or []
        found = tuple(self._by_url[url] for url in urls)
        if kind == MISSING:
            return Provenance(kind, searched=len(found))
        return Provenance(kind, found, entry.get("version", ""))

    def text(self, entry: dict[str, Any]) -> Text | None:
        """The item as a Text, or None when no source gives it."""
        provenance = self.provenance(entry)
        if provenance.kind == MISSING or not entry.get("en"):
            return None
        return Text(entry["en"], entry["sv"], provenance)


@dataclass(frozen=True)
class Contribution:
    """What organisations contribute at a step: the source's label, our explanation."""

    label: str
    explanation: Text


@dataclass
class Level:
    key: str
    definition: Text | None
    provenance: Provenance
    forms: list[Text]  # the two forms of dialogue, for that level only


@dataclass
class Step:
    key: str
    description: Text | None
    description_provenance: Provenance
    contributions: list[Contribution]
    contributions_provenance: Provenance
    authority: dict[str, Text | None]  # by heading; empty when no source gives any
    authority_provenance: Provenance


@dataclass
class PrincipleList:
    version: str
    principles: list[tuple[CodePrinciple, str]]  # the row and its checked English wording
    provenance: Provenance
    swedish_checked: bool


@dataclass
class Code:
    """The Code's content as far as sources could be read."""

    sources: Sources
    title_sv: str
    title_en: str
    facts_about: list[tuple[str, Text]]
    about_provenance: Provenance
    more_facts: list[Text]
    levels: dict[str, Level]
    levels_order: Provenance
    steps: dict[str, Step]
    steps_order: Provenance
    enabling: Text
    matrix: Provenance
    matrix_exists: Provenance

    def principle_lists(self) -> list[PrincipleList]:
        rows = {row.key: row for row in db.session.scalars(select(CodePrinciple))}
        lists: dict[str, PrincipleList] = {}
        for entry in code_data()["principles"]:
            listed = lists.get(entry["version"])
            if listed is None:
                listed = lists[entry["version"]] = PrincipleList(
                    entry["version"],
                    [],
                    self.sources.provenance({**entry, "source": _listed(entry["source"])}),
                    swedish_checked=entry["sv_verified"] is True,
                )
            listed.principles.append((rows[entry["key"]], entry["en"].split(" (")[0]))
        return list(lists.values())


def _listed(urls: str | list[str]) -> list[str]:
    return [urls] if isinstance(urls, str) else urls


def _level(entry: dict[str, Any], sources: Sources) -> Level:
    forms = entry.get("forms")
    form_texts = []
    if forms:
        provenance = sources.provenance(forms)
        form_texts = [
            Text(en, sv, provenance) for en, sv in zip(forms["en"], forms["sv"], strict=True)
        ]
    definition = entry["definition"]
    return Level(entry["key"], sources.text(definition), sources.provenance(definition), form_texts)


def _step(entry: dict[str, Any], sources: Sources) -> Step:
    contributions = entry["ngo_contributions"]
    contributions_provenance = sources.provenance(contributions)
    authority = entry["authority"]
    authority_provenance = sources.provenance(authority)
    parts = authority.get("parts") or {}
    return Step(
        entry["key"],
        sources.text(entry["description"]),
        sources.provenance(entry["description"]),
        [
            Contribution(item["label"], Text(item["en"], item["sv"], contributions_provenance))
            for item in contributions.get("items", [])
        ],
        contributions_provenance,
        {
            heading: Text(part["en"], part["sv"], authority_provenance) if part else None
            for heading, part in parts.items()
        },
        authority_provenance,
    )


@cache
def code() -> Code:
    """The data file read once: it changes only with a new release."""
    data = code_data()
    sources = Sources(data["source"])
    version = data["version"]
    about = sources.provenance(version)
    labels = {
        "adopted": _l("Adopted"),
        "revises": _l("Revises"),
        "sv_translation": _l("Swedish translation"),
    }
    return Code(
        sources=sources,
        title_sv=version["title_sv"],
        title_en=version["title_en"],
        facts_about=[
            (labels[fact["label"]], Text(fact["en"], fact["sv"], about))
            for fact in version["facts"]
        ],
        about_provenance=about,
        more_facts=[text for fact in data["facts"] if (text := sources.text(fact))],
        levels={entry["key"]: _level(entry, sources) for entry in data["levels"]},
        levels_order=sources.provenance(data["levels_order"]),
        steps={entry["key"]: _step(entry, sources) for entry in data["steps"]},
        steps_order=sources.provenance(data["steps_order"]),
        enabling=sources.text(data["enabling_environment"]),  # type: ignore[arg-type]
        matrix=sources.provenance(data["matrix"]),
        matrix_exists=sources.provenance(data["matrix"]["exists"]),
    )


def examples_by_cell() -> dict[tuple[str, str], list[CodeExample]]:
    """KICK's examples of ways of working, by cell, in their order."""
    cells: dict[tuple[str, str], list[CodeExample]] = {}
    query = select(CodeExample).order_by(CodeExample.position, CodeExample.id)
    for example in db.session.scalars(query):
        cells.setdefault((example.level_key, example.step_key), []).append(example)
    return cells
