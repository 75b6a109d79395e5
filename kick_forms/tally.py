"""The board's counters, kept in the same transaction as every change to a submitted response.

A submitted response adds one to a handful of counters in each cell it belongs to: the cells
are its municipality or all municipalities, crossed with each of its kinds of organisation or
all kinds (see ``BoardCount``). The board then reads the one cell its filter names, so its time
does not grow with the responses.

Every change that can alter what a response contributes goes through ``kept_for``: it notes
the contribution before the change and applies the difference after it. ``recount`` computes
the same counters from the raw answers with GROUP BY, for existing data and as the reference
the tests hold the kept counters to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Select,
    String,
    cast,
    delete,
    distinct,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    AnswerOption,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Section,
)
from kick_forms.models.board_count import ALL, RESPONSE_LEVEL, BoardCount
from kick_forms.models.response import response_category

RESPONSES = "responses"
ORGANISATIONS = "organisations"
ANSWERED = "answered"
OTHER = "other"

_RESPONSE_COLUMNS = [attribute.key for attribute in sa_inspect(Response).column_attrs]
_RESPONSE_COLLECTIONS = [
    relation.key
    for relation in sa_inspect(Response).relationships
    if relation.key != "consultation"
]


def category_key(key: str) -> str:
    return f"category:{key}"


def option_key(option_id: int) -> str:
    return f"o:{option_id}"


def choice_key(value: str) -> str:
    return f"c:{value}"


def number_key(value: int) -> str:
    return f"n:{value}"


Cell = tuple[str, str]  # (municipality code or ALL, category key or ALL)
# (cell, question id, key, number): one counter
Slot = tuple[str, str, int, str, int | None]


@dataclass(frozen=True)
class Contribution:
    """What one response adds to the counters while it is submitted."""

    organisation: str
    cells: frozenset[Cell]
    slots: Counter[Slot]

    @classmethod
    def none(cls) -> Contribution:
        return cls("", frozenset(), Counter())


def cells_of(municipality_code: str | None, category_keys: Iterable[str]) -> frozenset[Cell]:
    municipalities = [ALL] + ([municipality_code] if municipality_code else [])
    categories = [ALL, *category_keys]
    return frozenset((m, c) for m in municipalities for c in categories)


def _answer_keys(kind: QuestionKind, answer: Answer) -> Iterator[tuple[str, int | None]]:
    """The keys one stored answer counts under, with the number for a number question."""
    if kind.has_options:
        chosen = [option.option_id for option in answer.options]
        for option_id in chosen:
            yield option_key(option_id), None
        if answer.other_text is not None:
            yield OTHER, None
        if chosen or answer.other_text is not None:
            yield ANSWERED, None
    elif kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
        if answer.choice_value is not None:
            yield ANSWERED, None
            yield choice_key(answer.choice_value), None
    elif kind == QuestionKind.NUMBER:
        if answer.number_value is not None:
            yield ANSWERED, None
            yield number_key(answer.number_value), answer.number_value
    elif answer.text_value is not None:
        yield ANSWERED, None


def contribution(response: Response) -> Contribution:
    """What the response adds to the counters now: nothing unless it is submitted."""
    if response.status != ResponseStatus.SUBMITTED or response.current_version_id is None:
        return Contribution.none()
    categories = [category.key for category in response.categories]
    cells = cells_of(response.municipality_code, categories)
    kinds = {question.id: question.kind for question in response.consultation.questions}
    answers = db.session.scalars(
        select(Answer)
        .where(Answer.version_id == response.current_version_id)
        .options(selectinload(Answer.options))
    ).all()
    keys: list[tuple[int, str, int | None]] = [(RESPONSE_LEVEL, RESPONSES, None)]
    keys += [(RESPONSE_LEVEL, category_key(key), None) for key in categories]
    for answer in answers:
        kind = QuestionKind(kinds[answer.question_id])
        keys += [(answer.question_id, key, number) for key, number in _answer_keys(kind, answer)]
    slots: Counter[Slot] = Counter(
        (municipality, category, question_id, key, number)
        for municipality, category in cells
        for question_id, key, number in keys
    )
    return Contribution(response.organisation_key, cells, slots)


def lock_response(response: Response) -> None:
    """Lock the response's row (on PostgreSQL; SQLite's writer holds the whole database) and
    read it afresh: its columns now, its collections on next use. The consultation it belongs
    to does not change."""
    db.session.refresh(response, _RESPONSE_COLUMNS, with_for_update=True)
    db.session.expire(response, _RESPONSE_COLLECTIONS)


@contextmanager
def kept_for(response: Response) -> Iterator[None]:
    """Keep the counters right across a change to ``response`` made inside the block.

    The response's row is locked first, so two requests changing the same response take turns
    and each sees what the other left.
    """
    db.session.flush()
    if response.id is not None:
        lock_response(response)
    before = contribution(response) if response.id is not None else Contribution.none()
    yield
    db.session.flush()
    after = contribution(response)
    changes = Counter(after.slots)
    changes.subtract(before.slots)
    for key in sorted({before.organisation, after.organisation} - {""}):
        _organisation_changes(changes, response, key, before, after)
    _apply(response.consultation_id, changes)


def _organisation_changes(
    changes: Counter[Slot], response: Response, key: str, before: Contribution, after: Contribution
) -> None:
    """Count an organisation once per cell, however many responses it sent there: a cell
    gains the organisation when this response is its first there, and loses it with its last."""
    _lock_organisation(response.consultation_id, key)
    others = _organisation_cells(response, key)
    had = others | (before.cells if before.organisation == key else frozenset())
    has = others | (after.cells if after.organisation == key else frozenset())
    for municipality, category in has - had:
        changes[(municipality, category, RESPONSE_LEVEL, ORGANISATIONS, None)] += 1
    for municipality, category in had - has:
        changes[(municipality, category, RESPONSE_LEVEL, ORGANISATIONS, None)] -= 1


def _lock_organisation(consultation_id: int, key: str) -> None:
    """On PostgreSQL, make two responses from one organisation that change at once take turns,
    so that both do not count it as new. (SQLite runs one writer at a time anyway.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(func.pg_advisory_xact_lock(consultation_id, func.hashtext(key)))
        ).all()


def _organisation_cells(response: Response, key: str) -> frozenset[Cell]:
    """The cells of the organisation's other submitted responses to the consultation."""
    others = db.session.execute(
        select(Response.id, Response.municipality_code).where(
            Response.consultation_id == response.consultation_id,
            Response.organisation_key == key,
            Response.id != response.id,
            Response.status == ResponseStatus.SUBMITTED,
            Response.current_version_id.is_not(None),
        )
    ).all()
    if not others:
        return frozenset()
    categories: dict[int, list[str]] = {}
    for response_id, category in db.session.execute(
        select(response_category.c.response_id, response_category.c.category_key).where(
            response_category.c.response_id.in_([row[0] for row in others])
        )
    ):
        categories.setdefault(response_id, []).append(category)
    cells: set[Cell] = set()
    for response_id, municipality in others:
        cells |= cells_of(municipality, categories.get(response_id, []))
    return frozenset(cells)


def _insert_for(connection: Connection):  # type: ignore[no-untyped-def]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(BoardCount)


def _apply(consultation_id: int, changes: Counter[Slot]) -> None:
    """Add the changes to the counters in one statement, creating counters as needed.

    The rows go in the order of the key, so that two transactions touching the same counters
    lock them in the same order and cannot deadlock.
    """
    rows = [
        {
            "consultation_id": consultation_id,
            "municipality_code": municipality,
            "category_key": category,
            "question_id": question_id,
            "key": key,
            "number": number,
            "total": change,
        }
        for (municipality, category, question_id, key, number), change in sorted(
            changes.items(), key=lambda item: item[0][:4]
        )
        if change
    ]
    if not rows:
        return
    connection = db.session.connection()
    insert = _insert_for(connection)
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[
                BoardCount.consultation_id,
                BoardCount.municipality_code,
                BoardCount.category_key,
                BoardCount.question_id,
                BoardCount.key,
            ],
            set_={"total": BoardCount.total + insert.excluded.total},
        ),
        rows,
    )


# Recounting from the raw answers ------------------------------------------------------------


def recount(connection: Connection, consultation_id: int) -> None:
    """Replace the consultation's counters by counting its submitted answers afresh.

    Every count is a GROUP BY in the database over the responses' cells, so this scales with
    the database, not with Python. Used when counters are introduced for existing data, by the
    ``flask kick recount-board`` command, by bulk loads, and by the tests as the reference.
    """
    connection.execute(delete(BoardCount).where(BoardCount.consultation_id == consultation_id))
    cells = _cells(consultation_id).subquery("cells")
    for query in _recounts(consultation_id, cells):
        connection.execute(
            _insert_for(connection).from_select(
                [
                    BoardCount.consultation_id,
                    BoardCount.municipality_code,
                    BoardCount.category_key,
                    BoardCount.question_id,
                    BoardCount.key,
                    BoardCount.number,
                    BoardCount.total,
                ],
                query,
            )
        )


def counters(connection: Connection, consultation_id: int) -> dict[tuple, int]:
    """Every counter of the consultation that is not zero, by (cell, question, key)."""
    rows = connection.execute(
        select(
            BoardCount.municipality_code,
            BoardCount.category_key,
            BoardCount.question_id,
            BoardCount.key,
            BoardCount.total,
        ).where(BoardCount.consultation_id == consultation_id, BoardCount.total != 0)
    )
    return {tuple(row[:4]): row[4] for row in rows}


def _cells(consultation_id: int) -> Select:
    """(response id, version id, organisation, municipality cell, category cell): one row per
    cell of each submitted response."""
    counted = (
        Response.consultation_id == consultation_id,
        Response.status == ResponseStatus.SUBMITTED,
        Response.current_version_id.is_not(None),
    )

    def each(municipality, category, *joined) -> Select:  # type: ignore[no-untyped-def]
        query = select(
            Response.id.label("response_id"),
            Response.current_version_id.label("version_id"),
            Response.organisation_key.label("organisation"),
            municipality.label("municipality"),
            category.label("category"),
        ).where(*counted)
        for table, on in joined:
            query = query.join(table, on)
        if municipality is Response.municipality_code:
            query = query.where(Response.municipality_code.is_not(None))
        return query

    by_category = (response_category, response_category.c.response_id == Response.id)
    return union_all(
        each(literal(ALL), literal(ALL)),
        each(Response.municipality_code, literal(ALL)),
        each(literal(ALL), response_category.c.category_key, by_category),
        each(Response.municipality_code, response_category.c.category_key, by_category),
    )


def _recounts(consultation_id: int, cells) -> Iterator[Select]:  # type: ignore[no-untyped-def]
    """One INSERT … SELECT per kind of counter, each grouped by cell and key."""
    where_cell = (cells.c.municipality, cells.c.category)
    consultation = literal(consultation_id)
    level = literal(RESPONSE_LEVEL)
    none = literal(None).cast(BoardCount.number.type)

    yield select(consultation, *where_cell, level, literal(RESPONSES), none, func.count()).group_by(
        *where_cell
    )
    yield select(
        consultation,
        *where_cell,
        level,
        literal(ORGANISATIONS),
        none,
        func.count(distinct(cells.c.organisation)),
    ).group_by(*where_cell)
    yield (
        select(
            consultation,
            *where_cell,
            level,
            literal("category:") + response_category.c.category_key,
            none,
            func.count(),
        )
        .join(response_category, response_category.c.response_id == cells.c.response_id)
        .group_by(*where_cell, response_category.c.category_key)
    )

    answers = (
        select(Answer, Question.kind)
        .join(Question, Question.id == Answer.question_id)
        .join(Section, Section.id == Question.section_id)
        .where(Section.consultation_id == consultation_id, Answer.version_id.is_not(None))
        .subquery("answers")
    )
    joined = (answers, answers.c.version_id == cells.c.version_id)
    option_kinds = [kind.value for kind in QuestionKind if kind.has_options]
    choice_kinds = [QuestionKind.SCALE.value, QuestionKind.YES_NO.value]

    def grouped(key, number, *conditions, by=(), extra_join=None):  # type: ignore[no-untyped-def]
        query = select(
            consultation, *where_cell, answers.c.question_id, key, number, func.count()
        ).join(*joined)
        if extra_join is not None:
            query = query.join(*extra_join)
        return query.where(*conditions).group_by(*where_cell, answers.c.question_id, *by)

    # answered, by kind of question
    chose_option = (
        select(AnswerOption.answer_id).where(AnswerOption.answer_id == answers.c.id).exists()
    )
    yield grouped(
        literal(ANSWERED),
        none,
        (answers.c.kind.in_(option_kinds) & (chose_option | answers.c.other_text.is_not(None)))
        | (answers.c.kind.in_(choice_kinds) & answers.c.choice_value.is_not(None))
        | ((answers.c.kind == QuestionKind.NUMBER.value) & answers.c.number_value.is_not(None))
        | (
            answers.c.kind.in_([QuestionKind.SHORT_TEXT.value, QuestionKind.LONG_TEXT.value])
            & answers.c.text_value.is_not(None)
        ),
    )
    yield grouped(
        literal("o:") + cast(AnswerOption.option_id, String),
        none,
        answers.c.kind.in_(option_kinds),
        by=[AnswerOption.option_id],
        extra_join=(AnswerOption, AnswerOption.answer_id == answers.c.id),
    )
    yield grouped(
        literal(OTHER), none, answers.c.kind.in_(option_kinds), answers.c.other_text.is_not(None)
    )
    yield grouped(
        literal("c:") + answers.c.choice_value,
        none,
        answers.c.kind.in_(choice_kinds),
        answers.c.choice_value.is_not(None),
        by=[answers.c.choice_value],
    )
    yield grouped(
        literal("n:") + cast(answers.c.number_value, String),
        answers.c.number_value,
        answers.c.kind == QuestionKind.NUMBER.value,
        answers.c.number_value.is_not(None),
        by=[answers.c.number_value],
    )
