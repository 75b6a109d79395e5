"""Consultations placed in the Code's matrix: a level of participation at a step of the decision.

The region's page and the KICK overview show where consultations sit, so that anyone can see
whether a region only informs and consults or also enters dialogue and partnership.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from babel.lists import format_list
from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.i18n import ngettext
from kick_forms.models import CodeLevel, CodeStep, Consultation, ConsultationStatus, Region
from kick_forms.timeutil import from_local, to_local

Cell = tuple[str, str]


def _dated_at():  # type: ignore[no-untyped-def]
    """The moment that dates a consultation: when it closed, as the KICK overview counts years."""
    return func.coalesce(Consultation.closes_at, Consultation.created_at)


def year_of(consultation: Consultation) -> int:
    """The year (Swedish time) the consultation closed, or was created if it has no closing."""
    moment = consultation.closes_at or consultation.created_at
    return to_local(moment).year  # type: ignore[union-attr]


@dataclass
class Placement:
    """Consultations by cell (level key, step key), oldest first; those missing either apart."""

    cells: dict[Cell, list[Consultation]] = field(default_factory=dict)
    unplaced: list[Consultation] = field(default_factory=list)

    def at(self, level_key: str, step_key: str) -> list[Consultation]:
        return self.cells.get((level_key, step_key), [])

    def count(self, level_key: str, step_key: str) -> int:
        return len(self.at(level_key, step_key))

    @property
    def placed(self) -> int:
        return sum(len(consultations) for consultations in self.cells.values())

    def level_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (level_key, _step_key), consultations in self.cells.items():
            counts[level_key] += len(consultations)
        return counts


def placement(consultations: Iterable[Consultation]) -> Placement:
    """Put each consultation in the cell of its level and step; without both, it is unplaced."""
    result = Placement()
    ordered = sorted(consultations, key=lambda c: (year_of(c), c.title.casefold(), c.id))
    for consultation in ordered:
        level_key, step_key = consultation.code_level_key, consultation.code_step_key
        if level_key and step_key:
            result.cells.setdefault((level_key, step_key), []).append(consultation)
        else:
            result.unplaced.append(consultation)
    return result


@dataclass(frozen=True)
class YearRange:
    """The years chosen with ``?from=&to=``; None leaves that end open."""

    first: int | None = None
    last: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> YearRange:
        first, last = _year(args.get("from")), _year(args.get("to"))
        if first is not None and last is not None and first > last:
            first, last = last, first
        return cls(first, last)

    @property
    def chosen(self) -> bool:
        return self.first is not None or self.last is not None


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2200 else None


def _public_query(region: Region | None):  # type: ignore[no-untyped-def]
    # Public means no longer a draft, as ``Consultation.is_public`` says.
    query = select(Consultation).where(Consultation.status != ConsultationStatus.DRAFT)
    if region is not None:
        query = query.where(Consultation.region_id == region.id)
    return query


def public_consultations(region: Region | None, years: YearRange) -> list[Consultation]:
    """The public consultations of one region (or of all) that closed within the years."""
    query = _public_query(region).options(selectinload(Consultation.region))
    if years.first is not None:
        query = query.where(_dated_at() >= from_local(datetime(years.first, 1, 1)))
    if years.last is not None:
        query = query.where(_dated_at() < from_local(datetime(years.last + 1, 1, 1)))
    return list(db.session.scalars(query))


def public_years(region: Region | None) -> list[int]:
    """The years in which public consultations closed, for the year filter's choices."""
    dated = _public_query(region).with_only_columns(_dated_at())
    return sorted({to_local(moment).year for moment in db.session.scalars(dated)})  # type: ignore[union-attr]


def levels_by_region(consultations: Iterable[Consultation]) -> dict[int, Counter[str | None]]:
    """Per region: how many consultations sit at each level; None counts the unplaced."""
    counts: dict[int, Counter[str | None]] = {}
    for consultation in consultations:
        level_key = consultation.code_level_key if consultation.code_step_key else None
        counts.setdefault(consultation.region_id, Counter())[level_key] += 1
    return counts


def _levels_phrase(levels: list[CodeLevel]) -> str:
    names = format_list([level.name.lower() for level in levels], locale=get_locale())
    return ngettext("the level %(levels)s", "the levels %(levels)s", len(levels), levels=names)


def reading(placed: Placement, levels: list[CodeLevel], region: Region | None) -> str:
    """One sentence on which levels a region (or the whole country) has reached, and which not."""
    counts = placed.level_counts()
    used = [level for level in levels if counts[level.key]]
    unused = [level for level in levels if not counts[level.key]]
    if region is None:
        if not used:
            return _("No consultation is placed in the matrix yet.")
        if not unused:
            return _("Across the country, regions have consulted at all four levels.")
        return _(
            "Across the country, regions have consulted at %(used)s; not yet at %(unused)s.",
            used=_levels_phrase(used),
            unused=_levels_phrase(unused),
        )
    if not used:
        return _("No consultation of %(region)s is placed in the matrix yet.", region=region.name)
    if not unused:
        return _("%(region)s has consulted at all four levels.", region=region.name)
    return _(
        "%(region)s has consulted at %(used)s; not yet at %(unused)s.",
        region=region.name,
        used=_levels_phrase(used),
        unused=_levels_phrase(unused),
    )


@dataclass
class MatrixView:
    """What a page needs to show consultations in the matrix, with the year filter."""

    levels: list[CodeLevel]
    steps: list[CodeStep]
    placement: Placement
    years: list[int]
    chosen: YearRange
    reading: str
    by_region: dict[int, Counter[str | None]]

    year_of = staticmethod(year_of)


def matrix_view(region: Region | None, args: Mapping[str, str]) -> MatrixView:
    """The matrix of one region's public consultations, or of the whole country's."""
    chosen = YearRange.from_args(args)
    consultations = public_consultations(region, chosen)
    levels = list(db.session.scalars(select(CodeLevel).order_by(CodeLevel.position)))
    placed = placement(consultations)
    return MatrixView(
        levels=levels,
        steps=list(db.session.scalars(select(CodeStep).order_by(CodeStep.position))),
        placement=placed,
        years=public_years(region),
        chosen=chosen,
        reading=reading(placed, levels, region),
        by_region=levels_by_region(consultations) if region is None else {},
    )
