"""The method manual: for each step and level of the Code, what to do (KICK's advice), what the
Code says (with its provenance), ways of working, and consultations in KICK Forms placed there.

The same parts make the web page, its print version and its PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.method import advice
from kick_forms.method.code import Code, Level, Step, code, examples_by_cell
from kick_forms.method.matrix import year_of
from kick_forms.models import (
    CodeExample,
    CodeLevel,
    CodeStep,
    Consultation,
    ConsultationStatus,
)

# How many consultations a step shows as examples; the overview's matrix shows them all.
EXAMPLES_PER_STEP = 4


def step_anchor(key: str) -> str:
    return f"steg-{key}"


def level_anchor(key: str) -> str:
    return f"niva-{key}"


@dataclass
class ManualLevel:
    row: CodeLevel
    advice: advice.LevelAdvice
    code: Level

    @property
    def anchor(self) -> str:
        return level_anchor(self.row.key)


@dataclass
class Placed:
    consultation: Consultation
    level: CodeLevel
    year: int


@dataclass
class ManualStep:
    row: CodeStep
    advice: advice.StepAdvice
    code: Step
    ways: list[tuple[CodeLevel, list[CodeExample]]]
    placed: list[Placed] = field(default_factory=list)
    placed_total: int = 0

    @property
    def anchor(self) -> str:
        return step_anchor(self.row.key)

    def ways_at(self, level_key: str) -> list[CodeExample]:
        return next((examples for level, examples in self.ways if level.key == level_key), [])


@dataclass
class Manual:
    code: Code
    levels: list[ManualLevel]
    steps: list[ManualStep]


def _placed():  # type: ignore[no-untyped-def]
    """Public consultations with both a level and a step."""
    return (
        Consultation.status != ConsultationStatus.DRAFT,
        Consultation.code_level_key.is_not(None),
        Consultation.code_step_key.is_not(None),
    )


def _newest_per_step() -> list[Consultation]:
    """The newest few placed consultations of each step, in one query however many there are."""
    rank = (
        func.row_number()
        .over(
            partition_by=Consultation.code_step_key,
            order_by=(Consultation.created_at.desc(), Consultation.id.desc()),
        )
        .label("rank")
    )
    ranked = select(Consultation.id, rank).where(*_placed()).subquery()
    query = (
        select(Consultation)
        .join(ranked, ranked.c.id == Consultation.id)
        .where(ranked.c.rank <= EXAMPLES_PER_STEP)
        .options(selectinload(Consultation.region))
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    )
    return list(db.session.scalars(query))


def _count_per_step() -> dict[str, int]:
    query = select(Consultation.code_step_key, func.count()).where(*_placed())
    return dict(db.session.execute(query.group_by(Consultation.code_step_key)).tuples().all())  # type: ignore[arg-type]


def manual() -> Manual:
    """Everything the manual shows, in the order of the levels and steps."""
    the_code = code()
    level_rows = list(db.session.scalars(select(CodeLevel).order_by(CodeLevel.position)))
    step_rows = list(db.session.scalars(select(CodeStep).order_by(CodeStep.position)))
    levels_by_key = {row.key: row for row in level_rows}
    examples = examples_by_cell()
    steps = {
        row.key: ManualStep(
            row,
            advice.STEPS[row.key],
            the_code.steps[row.key],
            [
                (level, examples[(level.key, row.key)])
                for level in level_rows
                if examples.get((level.key, row.key))
            ],
        )
        for row in step_rows
    }
    for consultation in _newest_per_step():
        level = levels_by_key[consultation.code_level_key]  # type: ignore[index]
        step = steps[consultation.code_step_key]  # type: ignore[index]
        step.placed.append(Placed(consultation, level, year_of(consultation)))
    counts = _count_per_step()
    for step in steps.values():
        step.placed_total = counts.get(step.row.key, 0)
    return Manual(
        code=the_code,
        levels=[
            ManualLevel(row, advice.LEVELS[row.key], the_code.levels[row.key]) for row in level_rows
        ],
        steps=list(steps.values()),
    )
