"""The Council of Europe's Code as ``data/coe_code.json`` records it, and how far it was checked.

The data file marks every value: ``verbatim`` (wording checked against a source), ``paraphrase``
(content checked, wording ours) or not checked. /metod shows the first as the Code's words, the
second as a summary, and never presents the rest as the Code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.i18n import gettext
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import CodeExample, CodeLevel, CodePrinciple, CodeStep

VERBATIM = "verbatim"
SUMMARY = "summary"
UNCHECKED = "unchecked"


def N_(text: str) -> str:
    """Marks a text for extraction; it is translated where it is shown."""
    return text


# The English prose of the data file that /metod shows. Marked here so that it is extracted for
# translation; a test checks that every text shown is one of these.
DATA_TEXTS = frozenset(
    {
        N_(
            "30 October 2019 by the Conference of INGOs; adopted in parallel by the Congress of "
            "Local and Regional Authorities (Resolution 452 (2019))"
        ),
        N_("2009 Code, CONF/PLE(2009)CODE1, adopted by the Conference of INGOs on 1 October 2009"),
        N_("NOD together with MUCF, 2020"),
        N_(
            "One-way provision of information from public authorities; interaction with or "
            "involvement of civil society is neither requested nor expected; access to information "
            "is the basis/precondition for every further step of involvement. Relatively low level "
            "of participation."
        ),
        N_(
            "Public authorities ask civil society organisations for their opinion on a specific "
            "policy topic or development, or on a specific document."
        ),
        N_(
            "The political agenda is agreed by parliament and government but can be shaped by "
            "NGOs or groups of NGOs through campaigning and lobbying for issues, needs and "
            "concerns; NGOs try to influence decision-makers on behalf of a collective interest."
        ),
        N_(
            "An enabling environment is required, including the rule of law, adherence to "
            "fundamental democratic principles, political will, favourable legislation, clear and "
            "precise procedures, long-term support and resources for a sustainable civil society, "
            "and shared spaces for dialogue and cooperation."
        ),
        N_(
            "Up-to-date, accurate and timely information in an accessible format for all "
            "interested parties."
        ),
        N_(
            "Develop and adhere to a transparent decision-making process; clear, open and "
            "accessible procedures for participation."
        ),
        N_(
            "Enable active civil-society participation, e.g. through 'budgetary provision, in-kind "
            "support or administrative services'."
        ),
        N_(
            "Active involvement of relevant public-authority representatives; 'listen, react and "
            "give feedback'."
        ),
        N_("Timely and comprehensive information on current consultation processes."),
        N_(
            "Develop and adhere to minimum consultation standards (clear objectives, rules for "
            "participation, timelines, contacts/contracts etc.); organise open consultation "
            "meetings inviting all potential stakeholders."
        ),
        N_(
            "Adequate timelines and means for consultation so that different levels of civil "
            "society can take part."
        ),
        N_(
            "Active involvement of relevant public-authority representatives; 'listen, react and "
            "give feedback to consultation responses'."
        ),
        N_("Information on policies currently in the decision-making process."),
        N_("'Offer and follow procedures for co-decision mechanisms where applicable.'"),
        N_(
            "Enable and support civil-society participation by associating NGOs in the decision "
            "step."
        ),
        N_("'Listen, take into consideration and respond to civil society input.'"),
        N_(
            "Information on implementation strategies, public tendering procedures and project "
            "guidelines."
        ),
        N_("Follow established rules and regulations for policy implementation."),
        N_(
            "Revision aims to adapt the Code to social and technological changes since 2009; "
            "prepared by a joint working group of the Congress and the Conference of INGOs; "
            "rapporteur Thomas Andersson (Sweden, ILDG)."
        ),
        N_(
            "The revised Code is accompanied by a toolkit of practical examples/case studies of "
            "good (and less good) practice."
        ),
        N_(
            "The 2017 CM Guidelines for civil participation in political decision-making "
            "(Sept 2017) were one trigger for the revision."
        ),
        N_(
            "The Code (2009) is non-binding: it prescribes no rules and requires no enforcement "
            "mechanisms."
        ),
    }
)

CONDITION_HEADINGS = {
    "information_sharing": _l("Information sharing"),
    "procedures": _l("Procedures"),
    "resource_provision": _l("Resources"),
    "responsiveness": _l("Responsiveness"),
}


@cache
def code_data() -> dict[str, Any]:
    text = resources.files("kick_forms.data").joinpath("coe_code.json").read_text("utf-8")
    return json.loads(text)


def translated(text: str | None) -> str | None:
    """A prose text of the data file in the page's language."""
    return gettext(text) if text else None


@dataclass
class Source:
    url: str
    what: str
    number: int = 0  # set once the page knows which sources it cites

    @property
    def site(self) -> str:
        """The host name, readable: 'www.xn--samhllsentreprenrskap-81b04b.com' is decoded."""
        host = urlsplit(self.url).hostname or self.url
        return host.encode("ascii").decode("idna") if "xn--" in host else host


@dataclass(frozen=True)
class Provenance:
    """How far a value was checked (VERBATIM, SUMMARY or UNCHECKED), and where."""

    kind: str
    sources: tuple[Source, ...] = ()


@dataclass
class PrincipleList:
    version: str
    principles: list[tuple[CodePrinciple, str]]  # the row and its checked English wording
    provenance: Provenance
    swedish_checked: bool


@dataclass
class Described:
    """A level or a step, with its summary where one was checked."""

    row: CodeLevel | CodeStep
    summary: str | None
    provenance: Provenance
    forms_source: Source | None = None  # the two forms of dialogue, for that level only


@dataclass
class StepConditions:
    step: CodeStep
    conditions: dict[str, str | None]
    provenance: Provenance | None


@dataclass
class CodePage:
    title_sv: str
    title_en: str
    version_facts: list[tuple[Any, str]]
    version_provenance: Provenance
    facts: list[tuple[str, Provenance]]
    principle_lists: list[PrincipleList]
    levels: list[Described]
    levels_provenance: Provenance
    steps: list[Described]
    steps_provenance: Provenance
    examples: dict[tuple[str, str], list[CodeExample]]
    matrix_provenance: Provenance
    conditions: list[StepConditions]
    general_conditions: tuple[str, Provenance]
    sources: list[Source] = field(default_factory=list)


class _Sources:
    """The sources the page cites, numbered in the order of the data file's list."""

    def __init__(self, listed: list[dict[str, str]]) -> None:
        self.by_url = {entry["url"]: Source(entry["url"], entry["what"]) for entry in listed}
        self.cited: set[str] = set()

    def cite(self, urls: str | list[str] | None) -> tuple[Source, ...]:
        if urls is None:
            return ()
        urls = [urls] if isinstance(urls, str) else urls
        self.cited.update(urls)
        return tuple(self.by_url.setdefault(url, Source(url, "")) for url in urls)

    def numbered(self) -> list[Source]:
        """The cited sources, each given its number for the page's list."""
        cited = [source for url, source in self.by_url.items() if url in self.cited]
        for number, source in enumerate(cited, start=1):
            source.number = number
        return cited

    def provenance(self, verified: Any, urls: str | list[str] | None) -> Provenance:
        return Provenance(kind_of(verified), self.cite(urls))


def kind_of(verified: Any) -> str:
    """The data file's ``verified`` value as VERBATIM, SUMMARY or UNCHECKED."""
    text = verified if isinstance(verified, str) else ""
    if text.startswith("verbatim"):
        return VERBATIM
    if text.startswith("paraphrase"):
        return SUMMARY
    return UNCHECKED


def examples_by_cell() -> dict[tuple[str, str], list[CodeExample]]:
    """KICK's examples of ways of working, by cell, in their order."""
    cells: dict[tuple[str, str], list[CodeExample]] = {}
    query = select(CodeExample).order_by(CodeExample.position, CodeExample.id)
    for example in db.session.scalars(query):
        cells.setdefault((example.level_key, example.step_key), []).append(example)
    return cells


def _principle_lists(code: dict[str, Any], sources: _Sources) -> list[PrincipleList]:
    rows = {row.key: row for row in db.session.scalars(select(CodePrinciple))}
    lists: dict[str, PrincipleList] = {}
    for entry in code["principles"]:
        listed = lists.get(entry["version"])
        if listed is None:
            listed = lists[entry["version"]] = PrincipleList(
                entry["version"],
                [],
                sources.provenance(entry["verified"], entry["source"]),
                swedish_checked=entry["sv_verified"] is True,
            )
        listed.principles.append((rows[entry["key"]], entry["en"].split(" (")[0]))
    return list(lists.values())


def _described(
    entries: list[dict[str, Any]], model: type[CodeLevel] | type[CodeStep], sources: _Sources
) -> list[Described]:
    rows = {row.key: row for row in db.session.scalars(select(model))}
    described = []
    for entry in sorted(entries, key=lambda entry: entry["order"]):
        checked = kind_of(entry.get("definition_verified")) != UNCHECKED
        described.append(
            Described(
                rows[entry["key"]],
                translated(entry.get("definition_en")) if checked else None,
                sources.provenance(
                    entry.get("definition_verified"), entry.get("definition_source")
                ),
                next(iter(sources.cite(entry.get("subtypes_source"))), None),
            )
        )
    return described


def _conditions(code: dict[str, Any], steps: list[CodeStep], sources: _Sources):  # type: ignore[no-untyped-def]
    enabling = code["enabling_conditions"]
    result = []
    for step in steps:
        entry = enabling.get(step.key)
        if entry is None:
            result.append(StepConditions(step, dict.fromkeys(CONDITION_HEADINGS), None))
            continue
        conditions = {heading: translated(entry.get(heading)) for heading in CONDITION_HEADINGS}
        provenance = sources.provenance(entry["verified"], entry["source"])
        result.append(StepConditions(step, conditions, provenance))
    return result


def code_page() -> CodePage:
    """Everything /metod shows, each part with how far it was checked."""
    code = code_data()
    sources = _Sources(code["source"])
    version = code["version"]
    levels = _described(code["levels"], CodeLevel, sources)
    steps = _described(code["steps"], CodeStep, sources)
    general = code["enabling_conditions"]["_general_enabling_environment_2009"]
    page = CodePage(
        title_sv=version["title_sv"],
        title_en=version["title_en"],
        version_facts=[
            (_l("Adopted"), translated(version["adopted"])),
            (_l("Revises"), translated(version["original"])),
            (_l("Swedish translation"), translated(version["sv_translation"])),
        ],
        version_provenance=sources.provenance(version["verified"], version["sources"]),
        facts=[
            (translated(fact["fact"]), sources.provenance(fact["verified"], fact["source"]))
            for fact in code["other_verified_facts"]
        ],
        principle_lists=_principle_lists(code, sources),
        levels=levels,
        levels_provenance=sources.provenance(VERBATIM, code["levels_sources"]),
        steps=steps,
        steps_provenance=sources.provenance(VERBATIM, code["steps_sources"]),
        examples=examples_by_cell(),
        matrix_provenance=sources.provenance("paraphrase", code["matrix_sources_for_existence"]),
        conditions=_conditions(code, [d.row for d in steps], sources),  # type: ignore[misc]
        general_conditions=(
            translated(general["text"]),
            sources.provenance(general["verified"], general["source"]),
        ),
    )
    page.sources = sources.numbered()
    return page
