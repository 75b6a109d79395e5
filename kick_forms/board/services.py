"""The summary board's numbers, all counted by the database.

Every figure comes from a GROUP BY or an aggregate over the submitted versions that match the
filter; no query loads all responses into Python, and the number of statements does not grow
with the responses. Each statement still reads every matching answer, so the time does grow:
bench/board.py measures it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, distinct, func, select

from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    AnswerOption,
    Attachment,
    Consultation,
    Municipality,
    OrganisationCategory,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
)
from kick_forms.models.response import response_category, where_from

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


def totals(consultation: Consultation, chosen: BoardFilter) -> Totals:
    base = counted(consultation, chosen).subquery()
    organisation_key = func.coalesce(
        Response.organisation_number, func.lower(Response.organisation_name)
    )
    row = db.session.execute(
        select(
            func.count(Response.id),
            func.count(distinct(organisation_key)),
            func.count(distinct(Response.municipality_code)),
        ).where(Response.id.in_(select(base.c.response_id)))
    ).one()
    categories = db.session.scalar(
        select(func.count(distinct(response_category.c.category_key))).where(
            response_category.c.response_id.in_(select(base.c.response_id))
        )
    )
    return Totals(row[0], row[1], row[2], categories or 0)


def by_category(
    consultation: Consultation, chosen: BoardFilter
) -> list[tuple[OrganisationCategory, int]]:
    base = counted(consultation, chosen).subquery()
    rows = db.session.execute(
        select(OrganisationCategory, func.count(response_category.c.response_id))
        .join(response_category, response_category.c.category_key == OrganisationCategory.key)
        .where(response_category.c.response_id.in_(select(base.c.response_id)))
        .group_by(OrganisationCategory.key)
        .order_by(func.count(response_category.c.response_id).desc(), OrganisationCategory.position)
    ).all()
    return [(category, count) for category, count in rows]


def by_municipality(
    consultation: Consultation, chosen: BoardFilter
) -> list[tuple[Municipality, int]]:
    base = counted(consultation, chosen).subquery()
    rows = db.session.execute(
        select(Municipality, func.count(Response.id))
        .join(Response, Response.municipality_code == Municipality.code)
        .where(Response.id.in_(select(base.c.response_id)))
        .group_by(Municipality.code)
        .order_by(func.count(Response.id).desc(), Municipality.name)
    ).all()
    return [(municipality, count) for municipality, count in rows]


def _answers(question: Question, versions: Any) -> Select:
    return select(Answer).where(Answer.question_id == question.id, Answer.version_id.in_(versions))


def summarise(
    question: Question, consultation: Consultation, chosen: BoardFilter
) -> QuestionSummary:
    """One question's figures over the filtered, submitted versions."""
    versions = select(counted(consultation, chosen).subquery().c.version_id)
    answered_query = select(func.count(Answer.id)).where(
        Answer.question_id == question.id, Answer.version_id.in_(versions)
    )
    kind = QuestionKind(question.kind)
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER):
        answered_query = answered_query.where(Answer.text_value.is_not(None))
    elif kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
        answered_query = answered_query.where(Answer.choice_value.is_not(None))
    summary = QuestionSummary(question=question, answered=db.session.scalar(answered_query) or 0)
    if kind.has_options:
        counts = dict(
            db.session.execute(
                select(AnswerOption.option_id, func.count())
                .join(Answer, Answer.id == AnswerOption.answer_id)
                .where(Answer.question_id == question.id, Answer.version_id.in_(versions))
                .group_by(AnswerOption.option_id)
            )
            .tuples()
            .all()
        )
        summary.other_count = (
            db.session.scalar(
                select(func.count(Answer.id)).where(
                    Answer.question_id == question.id,
                    Answer.version_id.in_(versions),
                    Answer.other_text.is_not(None),
                )
            )
            or 0
        )
        # EXISTS looks each answer up by key; an uncorrelated IN inside the OR made PostgreSQL
        # scan every chosen option once per answer.
        chosen_option = select(AnswerOption.answer_id).where(AnswerOption.answer_id == Answer.id)
        chose_any = (
            db.session.scalar(
                select(func.count(Answer.id)).where(
                    Answer.question_id == question.id,
                    Answer.version_id.in_(versions),
                    chosen_option.exists() | Answer.other_text.is_not(None),
                )
            )
            or 0
        )
        summary.answered = chose_any
        summary.bars = [
            Bar(
                str(option.id),
                option.label,
                counts.get(option.id, 0),
                _share(counts.get(option.id, 0), chose_any),
            )
            for option in question.options
        ]
    elif kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
        counts = dict(
            db.session.execute(
                select(Answer.choice_value, func.count())
                .where(Answer.question_id == question.id, Answer.version_id.in_(versions))
                .where(Answer.choice_value.is_not(None))
                .group_by(Answer.choice_value)
            )
            .tuples()
            .all()
        )
        keys = (
            ["1", "2", "3", "4", "5"] if kind == QuestionKind.SCALE else ["yes", "no", "dont_know"]
        )
        summary.bars = [
            Bar(key, key, counts.get(key, 0), _share(counts.get(key, 0), summary.answered))
            for key in keys
        ]
    elif kind == QuestionKind.NUMBER:
        _number_summary(summary, question, versions)
    else:
        summary.texts = _free_texts(question, versions)
    return summary


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _number_summary(summary: QuestionSummary, question: Question, versions: Any) -> None:
    numbers = select(Answer.number_value).where(
        Answer.question_id == question.id,
        Answer.version_id.in_(versions),
        Answer.number_value.is_not(None),
    )
    count, low, high = db.session.execute(
        select(func.count(), func.min(Answer.number_value), func.max(Answer.number_value)).where(
            Answer.question_id == question.id,
            Answer.version_id.in_(versions),
            Answer.number_value.is_not(None),
        )
    ).one()
    summary.answered = count
    if not count:
        return
    summary.minimum, summary.maximum = low, high
    # The median by the database: the middle one or two values in order, whatever the count.
    middle = list(
        db.session.scalars(
            numbers.order_by(Answer.number_value).offset((count - 1) // 2).limit(2 - count % 2)
        )
    )
    summary.median = sum(middle) / len(middle)


def _free_texts(question: Question, versions: Any) -> list[tuple[str, str]]:
    """Recent free-text answers with who wrote them: the name if it may be published."""
    rows = db.session.execute(
        select(
            Answer.text_value, Response.organisation_name, Response.may_publish_name, Response.id
        )
        .join(Response, Response.id == Answer.response_id)
        .where(
            Answer.question_id == question.id,
            Answer.version_id.in_(versions),
            Answer.text_value.is_not(None),
        )
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(FREE_TEXT_SHOWN)
    ).all()
    anonymous = _first_categories([row[3] for row in rows if not row[2]])
    return [
        (text, name if named else anonymous.get(response_id, ""))
        for text, name, named, response_id in rows
    ]


def _first_categories(response_ids: list[int]) -> dict[int, str]:
    """For unnamed organisations: the kind of organisation to show instead of the name."""
    if not response_ids:
        return {}
    rows = db.session.execute(
        select(response_category.c.response_id, OrganisationCategory)
        .join(OrganisationCategory, OrganisationCategory.key == response_category.c.category_key)
        .where(response_category.c.response_id.in_(response_ids))
        .order_by(OrganisationCategory.position)
    ).all()
    first: dict[int, str] = {}
    for response_id, category in rows:
        first.setdefault(response_id, category.name)
    return first


def public_attachments(
    consultation: Consultation, chosen: BoardFilter
) -> list[tuple[Attachment, str]]:
    """Statements from organisations that agreed to be named, with that name."""
    base = counted(consultation, chosen).subquery()
    rows = db.session.execute(
        select(Attachment, Response.organisation_name)
        .join(Response, Response.id == Attachment.response_id)
        .where(Response.id.in_(select(base.c.response_id)), Response.may_publish_name.is_(True))
        .order_by(Response.organisation_name, Attachment.id)
    ).all()
    return [(attachment, name) for attachment, name in rows]


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
    organisation_key = func.coalesce(
        Response.organisation_number, func.lower(Response.organisation_name)
    )
    for region_id, responses, organisations in db.session.execute(
        select(
            Consultation.region_id, func.count(Response.id), func.count(distinct(organisation_key))
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
