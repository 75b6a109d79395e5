"""Submitted responses for the board benchmark, written straight into the tables in bulk.

The answering flow takes a few requests per response; 100 000 of them that way would take
hours. Here the rows are made as ``submit_response`` leaves them (a submitted response, its
categories, version 1, one answer per answered question with its chosen options) and inserted
with SQLAlchemy Core in large executemany batches; the board's counters are then recounted by
the database (``tally.recount``), as the submit transactions would have kept them. What the
board never reads is left out: the draft working copy, the contact person and attachments.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text, update

from kick_forms import tally
from kick_forms.models import (
    Answer,
    AnswerOption,
    BoardVisibility,
    Consultation,
    Municipality,
    OrganisationCategory,
    Question,
    QuestionKind,
    QuestionOption,
    Region,
    Response,
    ResponseStatus,
    ResponseVersion,
    Section,
)
from kick_forms.models.response import organisation_key, response_category
from kick_forms.timeutil import utcnow

RESPONSES: Table = Response.__table__  # type: ignore[assignment]
VERSIONS: Table = ResponseVersion.__table__  # type: ignore[assignment]
ANSWERS: Table = Answer.__table__  # type: ignore[assignment]
ANSWER_OPTIONS: Table = AnswerOption.__table__  # type: ignore[assignment]

# Responses per batch: about 12 answers each, so one batch is some 60 000 answer rows, large
# enough that per-statement overhead vanishes and small enough to keep memory modest.
CHUNK = 5_000
# Optional questions are skipped now and then; a skipped question leaves no answer row.
SKIP_OPTIONAL = 0.1
# Someone who ticks "Other" on a multiple-choice question that allows it.
OTHER_SHARE = 0.05
PUBLISH_NAME_SHARE = 0.6

_ORGANISATION_KINDS = (
    "Kulturföreningen",
    "Hembygdsföreningen",
    "Kören",
    "Studieförbundet",
    "Spelmanslaget",
    "Konstföreningen",
    "Teaterföreningen",
    "Bygdegårdsföreningen",
)
_SHORT_TEXTS = (
    "Lokaler på landsbygden",
    "Fler unga i föreningen",
    "Bidrag som går att planera efter",
    "Tillgänglighet",
    "Samarbete med skolan",
)
_LONG_TEXTS = (
    "Vi behöver långsiktiga verksamhetsbidrag i stället för projektpengar.",
    "Regionen kan samordna lokaler och låna ut teknik till mindre föreningar.",
    "Fler dialogmöten ute i kommunerna, inte bara i Växjö.",
    "Stöd till ideella arrangörer som tar professionella artister till bygden.",
    "Resebidrag så att unga från hela länet kan delta.",
)
_OTHER_TEXTS = ("Folkbildning", "Cirkus", "Slöjdcafé")


@dataclass(frozen=True)
class QuestionShape:
    """What an answer to one question may hold."""

    id: int
    kind: QuestionKind
    required: bool
    allow_other: bool
    option_ids: tuple[int, ...]
    number_max: int | None


@dataclass(frozen=True)
class Demo:
    """The demo consultation and the choices a generated response picks from."""

    consultation_id: int
    questions: tuple[QuestionShape, ...]
    categories: tuple[str, ...]
    municipalities: tuple[str, ...]


@dataclass
class Batch:
    """The rows of a batch of responses, table by table, parents first."""

    responses: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    answer_options: list[dict[str, Any]] = field(default_factory=list)


def copy_consultation(engine: Engine, region_slug: str, source_slug: str, slug: str) -> None:
    """A copy of a consultation with its sections, questions and options under a new slug, so
    that one database can hold a board of each size and the sizes are measured side by side."""
    consultations, sections = Consultation.__table__, Section.__table__
    questions, options = Question.__table__, QuestionOption.__table__
    with engine.begin() as connection:
        source = connection.execute(
            select(consultations)
            .join(Region.__table__, Region.id == consultations.c.region_id)
            .where(Region.slug == region_slug, consultations.c.slug == source_slug)
        ).one()
        consultation_id = _insert_copy(
            connection, consultations, source._asdict(), slug=slug, title=f"{source.title} ({slug})"
        )
        for section in connection.execute(
            select(sections).where(sections.c.consultation_id == source.id)
        ).all():
            section_id = _insert_copy(
                connection, sections, section._asdict(), consultation_id=consultation_id
            )
            for question in connection.execute(
                select(questions).where(questions.c.section_id == section.id)
            ).all():
                question_id = _insert_copy(
                    connection, questions, question._asdict(), section_id=section_id
                )
                for option in connection.execute(
                    select(options).where(options.c.question_id == question.id)
                ).all():
                    _insert_copy(connection, options, option._asdict(), question_id=question_id)


def _insert_copy(connection: Connection, table: Table, row: dict[str, Any], **changes: Any) -> int:
    values = {key: value for key, value in row.items() if key != "id"} | changes
    return connection.execute(table.insert().values(values)).inserted_primary_key[0]


def open_board(engine: Engine, region_slug: str, consultation_slug: str) -> Demo:
    """Let anyone see the consultation's board while it is open, and read its questions."""
    with engine.begin() as connection:
        consultation_id = connection.scalar(
            select(Consultation.id)
            .join(Region, Region.id == Consultation.region_id)
            .where(Region.slug == region_slug, Consultation.slug == consultation_slug)
        )
        if consultation_id is None:
            raise LookupError(f"no consultation {region_slug}/{consultation_slug}")
        connection.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id)
            .values(board_visibility=BoardVisibility.WHILE_OPEN)
        )
        questions = connection.execute(
            select(
                Question.id,
                Question.kind,
                Question.required,
                Question.allow_other,
                Question.number_max,
            )
            .join(Section, Section.id == Question.section_id)
            .where(Section.consultation_id == consultation_id)
            .order_by(Section.position, Question.position)
        ).all()
        options = _option_ids(connection, [row.id for row in questions])
        categories = connection.scalars(
            select(OrganisationCategory.key).order_by(OrganisationCategory.position)
        ).all()
        municipalities = connection.scalars(
            select(Municipality.code)
            .join(Region, Region.id == Municipality.region_id)
            .where(Region.slug == region_slug)
            .order_by(Municipality.code)
        ).all()
    return Demo(
        consultation_id=consultation_id,
        questions=tuple(
            QuestionShape(
                id=row.id,
                kind=QuestionKind(row.kind),
                required=row.required,
                allow_other=row.allow_other,
                option_ids=options.get(row.id, ()),
                number_max=row.number_max,
            )
            for row in questions
        ),
        categories=tuple(categories),
        municipalities=tuple(municipalities),
    )


def _option_ids(connection: Connection, question_ids: list[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    rows = connection.execute(
        select(QuestionOption.question_id, QuestionOption.id)
        .where(QuestionOption.question_id.in_(question_ids))
        .order_by(QuestionOption.position)
    )
    for question_id, option_id in rows:
        found.setdefault(question_id, []).append(option_id)
    return {question_id: tuple(ids) for question_id, ids in found.items()}


def add_responses(engine: Engine, demo: Demo, count: int, seed: int) -> None:
    """Add ``count`` submitted responses to the demo consultation, in one transaction."""
    rng = random.Random(seed)  # noqa: S311  reproducible test data, not secrets
    with engine.begin() as connection:
        next_ids = {table.name: _next_id(connection, table) for table in _GENERATED_IDS}
        first_response = next_ids[RESPONSES.name]
        for batch in _batches(demo, count, next_ids, rng):
            # Parents before children: PostgreSQL checks every foreign key as rows arrive.
            connection.execute(RESPONSES.insert(), batch.responses)
            connection.execute(response_category.insert(), batch.categories)
            connection.execute(VERSIONS.insert(), batch.versions)
            connection.execute(ANSWERS.insert(), batch.answers)
            if batch.answer_options:
                connection.execute(ANSWER_OPTIONS.insert(), batch.answer_options)
        # The response and its version point at each other; like the submit service, which
        # flushes the version first, the response learns its current version afterwards.
        connection.execute(
            update(RESPONSES)
            .where(RESPONSES.c.id >= first_response)
            .values(
                current_version_id=select(VERSIONS.c.id)
                .where(VERSIONS.c.response_id == RESPONSES.c.id, VERSIONS.c.number == 1)
                .scalar_subquery()
            )
        )
        if connection.dialect.name == "postgresql":
            _move_sequences(connection)
        tally.recount(connection, demo.consultation_id)


_GENERATED_IDS = (RESPONSES, VERSIONS, ANSWERS)


def _next_id(connection: Connection, table: Table) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def _move_sequences(connection: Connection) -> None:
    """The ids were chosen here, so the sequences must move past them, or the application's
    next insert into these tables would collide with a generated row."""
    for table in _GENERATED_IDS:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"  # noqa: S608  fixed table names
                f" (SELECT max(id) FROM {table.name}))"
            )
        )


def analyse(engine: Engine) -> None:
    """Give the query planner statistics on the new rows, as a maintained database has.

    On PostgreSQL this is VACUUM ANALYZE: after a bulk load the visibility map is empty, so
    index-only scans would visit the table until autovacuum runs, and it may run in the middle
    of the measurements instead.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def _batches(
    demo: Demo, count: int, next_ids: dict[str, int], rng: random.Random
) -> Iterator[Batch]:
    response_id = next_ids[RESPONSES.name]
    version_id = next_ids[VERSIONS.name]
    answer_id = next_ids[ANSWERS.name]
    now = utcnow()
    batch = Batch()
    for _ in range(count):
        submitted_at = now - timedelta(seconds=rng.randrange(7 * 24 * 3600))
        batch.responses.append(_response_row(demo, response_id, submitted_at, rng))
        for key in rng.sample(demo.categories, rng.randint(1, 2)):
            batch.categories.append({"response_id": response_id, "category_key": key})
        batch.versions.append(
            {
                "id": version_id,
                "response_id": response_id,
                "number": 1,
                "submit_nonce": f"{rng.getrandbits(128):032x}",
                "submitted_at": submitted_at,
            }
        )
        for question in demo.questions:
            if not question.required and rng.random() < SKIP_OPTIONAL:
                continue
            answer, option_ids = _answer(question, rng)
            batch.answers.append(
                {
                    "id": answer_id,
                    "response_id": response_id,
                    "version_id": version_id,
                    "question_id": question.id,
                    **answer,
                }
            )
            batch.answer_options.extend(
                {"answer_id": answer_id, "option_id": option_id} for option_id in option_ids
            )
            answer_id += 1
        response_id += 1
        version_id += 1
        if len(batch.responses) == CHUNK:
            yield batch
            batch = Batch()
    if batch.responses:
        yield batch


def _response_row(
    demo: Demo, response_id: int, submitted_at: datetime, rng: random.Random
) -> dict[str, Any]:
    created_at = submitted_at - timedelta(seconds=rng.randrange(300, 3 * 24 * 3600))
    name = f"{rng.choice(_ORGANISATION_KINDS)} {response_id}"
    return {
        "id": response_id,
        "consultation_id": demo.consultation_id,
        "token_hash": f"{rng.getrandbits(256):064x}",
        "start_nonce": f"{rng.getrandbits(128):032x}",
        "status": ResponseStatus.SUBMITTED.value,
        "organisation_name": name,
        "organisation_number": None,
        "organisation_key": organisation_key(name, None),
        "municipality_code": rng.choice(demo.municipalities),
        "may_publish_name": rng.random() < PUBLISH_NAME_SHARE,
        "created_at": created_at,
        "saved_at": submitted_at,
        "submitted_at": submitted_at,
        "amended_at": None,
        "withdrawn_at": None,
        "current_version_id": None,
    }


def _answer(question: QuestionShape, rng: random.Random) -> tuple[dict[str, Any], list[int]]:
    """The stored columns of one answer, and the ids of the options it chose."""
    values: dict[str, Any] = {
        "text_value": None,
        "number_value": None,
        "choice_value": None,
        "other_text": None,
    }
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        values["text_value"] = rng.choice(_SHORT_TEXTS)
    elif kind == QuestionKind.LONG_TEXT:
        values["text_value"] = rng.choice(_LONG_TEXTS)
    elif kind == QuestionKind.NUMBER:
        number = rng.randint(0, min(question.number_max or 2_000, 2_000))
        values["text_value"] = str(number)
        values["number_value"] = number
    elif kind == QuestionKind.SCALE:
        values["choice_value"] = str(rng.randint(1, 5))
    elif kind == QuestionKind.YES_NO:
        values["choice_value"] = rng.choice(("yes", "no", "dont_know"))
    elif kind == QuestionKind.SINGLE_CHOICE:
        return values, [rng.choice(question.option_ids)]
    else:
        chosen = rng.sample(question.option_ids, rng.randint(1, min(3, len(question.option_ids))))
        if question.allow_other and rng.random() < OTHER_SHARE:
            values["other_text"] = rng.choice(_OTHER_TEXTS)
            # Ticking "Other" alone is a complete answer too.
            chosen = chosen[: rng.randint(0, len(chosen))]
        return values, sorted(chosen)
    return values, []
