"""KICK's examples of ways of working in the cells of the Code's matrix, kept by KICK's staff.

They start from the data file's ``matrix_examples``: ``load_reference_data`` seeds a cell that has
no example and that staff have never changed (the audit log tells, since a cell staff emptied
leaves nothing else behind). They are not the Code's words.
"""

from __future__ import annotations

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.method.examples_sv import EXAMPLES_SV
from kick_forms.models import AuditEvent, CodeExample, CodeLevel, CodeStep

ADDED, CHANGED, REMOVED, MOVED = (
    "code_example.add",
    "code_example.change",
    "code_example.remove",
    "code_example.move",
)
STAFF_ACTIONS = (ADDED, CHANGED, REMOVED, MOVED)


def cell_subject(level: CodeLevel, step: CodeStep) -> str:
    """How the audit log names a cell of the matrix."""
    return f"code_cell:{level.key}/{step.key}"


def staff_kept_cells() -> set[tuple[str, str]]:
    """The cells whose examples KICK's staff have changed, by the audit log."""
    query = select(AuditEvent.subject).where(AuditEvent.action.in_(STAFF_ACTIONS)).distinct()
    cells = set()
    for subject in db.session.scalars(query):
        level_key, _sep, step_key = subject.partition(":")[2].partition("/")
        cells.add((level_key, step_key))
    return cells


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def seed_examples(cells: dict[str, list[str]]) -> int:
    """Add the data file's examples to each cell that has none and that staff never changed."""
    kept = staff_kept_cells() | set(
        db.session.execute(select(CodeExample.level_key, CodeExample.step_key).distinct()).tuples()
    )
    added = 0
    for cell, names in cells.items():
        level_key, _sep, step_key = cell.partition("/")
        if (level_key, step_key) in kept:
            continue
        for position, name_en in enumerate(names):
            db.session.add(
                CodeExample(
                    level_key=level_key,
                    step_key=step_key,
                    position=position,
                    name_sv=_sentence_case(EXAMPLES_SV[name_en]),
                    name_en=_sentence_case(name_en),
                )
            )
            added += 1
    db.session.flush()
    return added


def cell_examples(level: CodeLevel, step: CodeStep) -> list[CodeExample]:
    """The examples of one cell, in their order."""
    query = (
        select(CodeExample)
        .filter_by(level_key=level.key, step_key=step.key)
        .order_by(CodeExample.position, CodeExample.id)
    )
    return list(db.session.scalars(query))


def add_example(level: CodeLevel, step: CodeStep, name_sv: str, name_en: str) -> CodeExample:
    """A new example, last in its cell."""
    last = db.session.scalar(
        select(func.max(CodeExample.position)).filter_by(level_key=level.key, step_key=step.key)
    )
    example = CodeExample(
        level_key=level.key,
        step_key=step.key,
        position=0 if last is None else last + 1,
        name_sv=name_sv.strip(),
        name_en=name_en.strip(),
    )
    db.session.add(example)
    db.session.flush()
    return example


def change_example(example: CodeExample, name_sv: str, name_en: str) -> None:
    example.name_sv = name_sv.strip()
    example.name_en = name_en.strip()
    db.session.flush()


def _renumber(examples: list[CodeExample]) -> None:
    for position, example in enumerate(examples):
        example.position = position


def remove_example(example: CodeExample, level: CodeLevel, step: CodeStep) -> None:
    """Delete an example; the others of its cell close the gap."""
    db.session.delete(example)
    db.session.flush()
    _renumber(cell_examples(level, step))
    db.session.flush()


def move_example(example: CodeExample, level: CodeLevel, step: CodeStep, direction: str) -> bool:
    """Move an example one place up or down in its cell; False when it is already at that end."""
    examples = cell_examples(level, step)
    index = examples.index(example)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(examples):
        return False
    examples[index], examples[other] = examples[other], examples[index]
    _renumber(examples)
    db.session.flush()
    return True
