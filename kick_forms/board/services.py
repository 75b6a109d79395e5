"""The summary board's numbers, read from the counters the submit transactions keep.

Each filter of the board is one cell of counters (see ``tally``), so a figure is a lookup of a
few rows by key, the median a walk over one question's histogram of values, and the free texts
the newest fifty: neither the statements nor the rows they read grow with the responses.
bench/board.py measures it.

Free texts and statements are shown by the public rule of ``review.rules``: what staff hid, or
what still waits for review where the region reviews before publishing, is counted but not
shown, and the board says how many are held back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, distinct, func, literal, select

from kick_forms import tally
from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    Attachment,
    BoardCount,
    Consultation,
    Municipality,
    OrganisationCategory,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    ReviewState,
)
from kick_forms.models.board_count import ALL, RESPONSE_LEVEL
from kick_forms.models.reference import in_locale
from kick_forms.models.response import response_category, version_attachment, where_from
from kick_forms.review import rules

FREE_TEXT_SHOWN = 50


@dataclass(frozen=True)
class BoardFilter:
    category: str = ""
    municipality: str = ""

    @property
    def active(self) -> bool:
        return bool(self.category or self.municipality)


@dataclass
class Bar:
    key: str
    label: str
    count: int
    share: float  # of the responses that answered the question, 0..1


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    other_count: int = 0
    median: float | None = None
    minimum: int | None = None
    maximum: int | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (text, who)
    withheld: Withheld | None = None  # free texts not shown, by why


@dataclass(frozen=True)
class Withheld:
    """How many free texts or statements the public does not see, and why."""

    awaiting: int = 0  # waiting for review in a consultation that reviews before publishing
    hidden: int = 0  # hidden by the region

    @classmethod
    def of(cls, counts: dict[str, int]) -> Withheld:
        return cls(counts.get(ReviewState.PENDING, 0), counts.get(ReviewState.HIDDEN, 0))

    def __bool__(self) -> bool:
        return bool(self.awaiting or self.hidden)


@dataclass
class Totals:
    responses: int
    organisations: int
    municipalities: int
    categories: int


def counted(consultation: Consultation, chosen: BoardFilter) -> Select:
    """Submitted responses that match the filter: (response id, version id) rows."""
    query = select(
        Response.id.label("response_id"), Response.current_version_id.label("version_id")
    ).where(
        Response.consultation_id == consultation.id,
        Response.status == ResponseStatus.SUBMITTED,
        Response.current_version_id.is_not(None),
    )
    return where_from(query, chosen.category, chosen.municipality)


def _cell(consultation: Consultation, chosen: BoardFilter) -> tuple[Any, ...]:
    """The counters of the filter's cell."""
    return (
        BoardCount.consultation_id == consultation.id,
        BoardCount.municipality_code == (chosen.municipality or ALL),
        BoardCount.category_key == (chosen.category or ALL),
        BoardCount.total > 0,
    )


# Counters of one cell: by question id (``RESPONSE_LEVEL`` for the responses'), then by key.
CellCounts = dict[int, dict[str, int]]


def cell_counts(consultation: Consultation, chosen: BoardFilter) -> CellCounts:
    """Every counter of the filter's cell, in one read: a board shows them all."""
    query = select(BoardCount.question_id, BoardCount.key, BoardCount.total).where(
        *_cell(consultation, chosen), BoardCount.number.is_(None)
    )
    found: CellCounts = {}
    for question_id, key, total in db.session.execute(query):
        found.setdefault(question_id, {})[key] = total
    return found


def totals(
    consultation: Consultation,
    chosen: BoardFilter,
    cell: CellCounts | None = None,
    municipalities: list[tuple[Municipality, int]] | None = None,
) -> Totals:
    """The filter's key figures. A page that shows more than these passes what it has read
    already: the cell's counters (``cell_counts``) and the municipalities (``by_municipality``)."""
    if cell is None:
        cell = cell_counts(consultation, chosen)
    if municipalities is None:
        municipalities = by_municipality(consultation, chosen)
    counts = cell.get(RESPONSE_LEVEL, {})
    prefix = tally.category_key("")
    return Totals(
        responses=counts.get(tally.RESPONSES, 0),
        organisations=counts.get(tally.ORGANISATIONS, 0),
        municipalities=len(municipalities),
        categories=sum(1 for key in counts if key.startswith(prefix)),
    )


def by_category(
    consultation: Consultation, chosen: BoardFilter
) -> list[tuple[OrganisationCategory, int]]:
    rows = db.session.execute(
        select(OrganisationCategory, BoardCount.total)
        .join(
            BoardCount,
            BoardCount.key == literal(tally.category_key("")) + OrganisationCategory.key,
        )
        .where(*_cell(consultation, chosen), BoardCount.question_id == RESPONSE_LEVEL)
        .order_by(BoardCount.total.desc(), OrganisationCategory.position)
    ).all()
    return [(category, total) for category, total in rows]


def by_municipality(
    consultation: Consultation, chosen: BoardFilter
) -> list[tuple[Municipality, int]]:
    query = (
        select(Municipality, BoardCount.total)
        .join(BoardCount, BoardCount.municipality_code == Municipality.code)
        .where(
            BoardCount.consultation_id == consultation.id,
            BoardCount.category_key == (chosen.category or ALL),
            BoardCount.question_id == RESPONSE_LEVEL,
            BoardCount.key == tally.RESPONSES,
            BoardCount.total > 0,
        )
        .order_by(BoardCount.total.desc(), Municipality.name)
    )
    if chosen.municipality:
        query = query.where(BoardCount.municipality_code == chosen.municipality)
    return [(municipality, total) for municipality, total in db.session.execute(query)]


def summarise(
    question: Question,
    consultation: Consultation,
    chosen: BoardFilter,
    cell: CellCounts | None = None,
    texts: bool = True,
) -> QuestionSummary:
    """One question's figures over the filtered, submitted responses, from the filter's cell
    (``cell_counts``: pass it when summarising several questions, so it is read once); with
    ``texts``, the public free texts too (the open-data API has no use for them)."""
    if cell is None:
        cell = cell_counts(consultation, chosen)
    counts = cell.get(question.id, {})
    summary = QuestionSummary(question=question, answered=counts.get(tally.ANSWERED, 0))
    kind = QuestionKind(question.kind)
    if kind.has_options:
        summary.other_count = counts.get(tally.OTHER, 0)
        summary.bars = [
            _bar(str(option.id), option.label, counts.get(tally.option_key(option.id), 0), summary)
            for option in question.options
        ]
    elif kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
        keys = (
            ["1", "2", "3", "4", "5"] if kind == QuestionKind.SCALE else ["yes", "no", "dont_know"]
        )
        summary.bars = [
            _bar(key, key, counts.get(tally.choice_key(key), 0), summary) for key in keys
        ]
    elif kind == QuestionKind.NUMBER:
        _number_summary(summary, consultation, chosen)
    elif summary.answered and texts:
        summary.texts = _free_texts(question, consultation, chosen)
        summary.withheld = _withheld_texts(question, consultation, chosen)
    return summary


def _bar(key: str, label: str, count: int, summary: QuestionSummary) -> Bar:
    return Bar(key, label, count, count / summary.answered if summary.answered else 0.0)


def _number_summary(
    summary: QuestionSummary, consultation: Consultation, chosen: BoardFilter
) -> None:
    """Range and median from the counted values: the database walks the running total of the
    histogram to the middle one or two values, whatever the number of answers."""
    count = summary.answered
    if not count:
        return
    histogram = (
        select(
            BoardCount.number,
            func.sum(BoardCount.total).over(order_by=BoardCount.number).label("running"),
        )
        .where(
            *_cell(consultation, chosen),
            BoardCount.question_id == summary.question.id,
            BoardCount.number.is_not(None),
        )
        .subquery()
    )
    low, high, lower_middle, upper_middle = db.session.execute(
        select(
            func.min(histogram.c.number),
            func.max(histogram.c.number),
            func.min(case((histogram.c.running > (count - 1) // 2, histogram.c.number))),
            func.min(case((histogram.c.running > count // 2, histogram.c.number))),
        )
    ).one()
    summary.minimum, summary.maximum = low, high
    summary.median = (lower_middle + upper_middle) / 2


def _answers_to(question: Question, consultation: Consultation) -> Select:
    """The free-text answers to the question in the submitted responses' current versions."""
    return (
        select(Response.id)
        .join(
            Answer,
            (Answer.version_id == Response.current_version_id)
            & (Answer.question_id == question.id),
        )
        .where(
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
            Answer.text_value.is_not(None),
        )
    )


def _free_texts(
    question: Question, consultation: Consultation, chosen: BoardFilter
) -> list[tuple[str, str]]:
    """The newest public free-text answers with who wrote them: the name if it may be published.

    The database walks the consultation's submitted responses newest first and stops at the
    fiftieth public answer, so the time does not grow with the responses (in review mode it
    grows with the unreviewed answers it passes over).
    """
    query = (
        _answers_to(question, consultation)
        .with_only_columns(
            rules.PUBLIC_TEXT, Response.organisation_name, Response.may_publish_name, Response.id
        )
        .where(rules.public_clause(Answer, consultation), rules.PUBLIC_TEXT.is_not(None))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(FREE_TEXT_SHOWN)
    )
    rows = db.session.execute(where_from(query, chosen.category, chosen.municipality)).all()
    anonymous = _first_categories([row[3] for row in rows if not row[2]])
    return [
        (text, name if named else anonymous.get(response_id, ""))
        for text, name, named, response_id in rows
    ]


def _withheld_texts(
    question: Question, consultation: Consultation, chosen: BoardFilter
) -> Withheld:
    """How many of the question's free texts the public does not see, by review state."""
    query = (
        _answers_to(question, consultation)
        .with_only_columns(Answer.review_state, func.count())
        .where(
            rules.withheld_clause(Answer, consultation),
            # Implied by the version; said, so the database may start from the few withheld
            # answers (by their question and review state) rather than from every response.
            Answer.response_id == Response.id,
        )
        .group_by(Answer.review_state)
    )
    rows = db.session.execute(where_from(query, chosen.category, chosen.municipality))
    return Withheld.of(dict(rows.tuples().all()))


def _first_categories(response_ids: list[int]) -> dict[int, str]:
    """For unnamed organisations: the kind of organisation to show instead of the name."""
    if not response_ids:
        return {}
    rows = db.session.execute(
        select(
            response_category.c.response_id,
            OrganisationCategory.name_sv,
            OrganisationCategory.name_en,
        )
        .join(OrganisationCategory, OrganisationCategory.key == response_category.c.category_key)
        .where(response_category.c.response_id.in_(response_ids))
        .order_by(OrganisationCategory.position)
    ).tuples()
    first: dict[int, str] = {}
    for response_id, swedish, english in rows:
        if response_id not in first:
            first[response_id] = in_locale(swedish, english)
    return first


def _sent_by_named(consultation: Consultation, chosen: BoardFilter) -> ColumnElement[bool]:
    """The attachment is in the current version of a submitted response that matches the filter,
    from an organisation that agreed to be named."""
    return where_from(
        select(Response.id)
        .join(version_attachment, version_attachment.c.version_id == Response.current_version_id)
        .where(
            version_attachment.c.attachment_id == Attachment.id,
            Response.id == Attachment.response_id,
            Response.consultation_id == consultation.id,
            Response.status == ResponseStatus.SUBMITTED,
            Response.may_publish_name.is_(True),
        ),
        chosen.category,
        chosen.municipality,
    ).exists()


def public_attachments(
    consultation: Consultation, chosen: BoardFilter
) -> list[tuple[Attachment, str]]:
    """Public statements sent by organisations that agreed to be named, with that name: the
    files of each answer's current version, not files attached since and not yet sent.

    The query starts from the attachments, which are few, and looks each one's response up;
    joined the other way round the database would read every response to find them.
    """
    attachments = db.session.scalars(
        select(Attachment)
        .where(_sent_by_named(consultation, chosen), rules.public_clause(Attachment, consultation))
        .order_by(Attachment.id)
    ).all()
    if not attachments:
        return []
    names = dict(
        db.session.execute(
            select(Response.id, Response.organisation_name).where(
                Response.id.in_({attachment.response_id for attachment in attachments})
            )
        )
        .tuples()
        .all()
    )
    return sorted(
        ((attachment, names[attachment.response_id]) for attachment in attachments),
        key=lambda pair: (pair[1], pair[0].id),
    )


def withheld_attachments(consultation: Consultation, chosen: BoardFilter) -> Withheld:
    """How many of the statements the board would list the public does not see, and why."""
    rows = db.session.execute(
        select(Attachment.review_state, func.count())
        .where(
            _sent_by_named(consultation, chosen), rules.withheld_clause(Attachment, consultation)
        )
        .group_by(Attachment.review_state)
    )
    return Withheld.of(dict(rows.tuples().all()))


@dataclass
class RegionFigures:
    region_id: int
    consultations: int = 0
    responses: int = 0
    organisations: int = 0
    with_feedback: int = 0


def overview_by_region() -> dict[int, RegionFigures]:
    """Public consultations, submitted responses and published feedback, per region."""
    public = Consultation.status != "draft"
    figures: dict[int, RegionFigures] = {}
    for region_id, consultations, with_feedback in db.session.execute(
        select(
            Consultation.region_id,
            func.count(Consultation.id),
            func.count(Consultation.feedback_published_at),
        )
        .where(public)
        .group_by(Consultation.region_id)
    ):
        figures[region_id] = RegionFigures(region_id, consultations, 0, 0, with_feedback)
    for region_id, responses, organisations in db.session.execute(
        select(
            Consultation.region_id,
            func.count(Response.id),
            func.count(distinct(Response.organisation_key)),
        )
        .join(Response, Response.consultation_id == Consultation.id)
        .where(public, Response.status == ResponseStatus.SUBMITTED)
        .group_by(Consultation.region_id)
    ):
        entry = figures.setdefault(region_id, RegionFigures(region_id))
        entry.responses, entry.organisations = responses, organisations
    return figures


def overview_by_year() -> list[tuple[int, int, int, int]]:
    """(year the consultation closed, consultations, submitted responses, with feedback)."""
    year = func.extract("year", Consultation.closes_at)
    consultations = {
        int(row[0]): (row[1], row[2])
        for row in db.session.execute(
            select(
                year, func.count(Consultation.id), func.count(Consultation.feedback_published_at)
            )
            .where(Consultation.status != "draft", Consultation.closes_at.is_not(None))
            .group_by(year)
        )
    }
    responses = {
        int(row[0]): row[1]
        for row in db.session.execute(
            select(year, func.count(Response.id))
            .join(Response, Response.consultation_id == Consultation.id)
            .where(Consultation.status != "draft", Response.status == ResponseStatus.SUBMITTED)
            .where(Consultation.closes_at.is_not(None))
            .group_by(year)
        )
    }
    return [
        (y, consultations[y][0], responses.get(y, 0), consultations[y][1])
        for y in sorted(consultations)
    ]
