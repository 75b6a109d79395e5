"""The survey on the dialogue's quality, and its results without exposing anyone.

After a consultation closes, each organisation that submitted an answer (once per answer) and
each member of the region's staff (once each) may answer six scale questions built on the Code's
principles and on the feedback loop, and one free text. Results are shown per side only when at
least ``QUALITY_MIN_N`` have answered, and always with their number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.exc import IntegrityError

from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    QualityAnswer,
    QualityRespondent,
    QualityScore,
    Response,
    ResponseStatus,
    User,
)
from kick_forms.refusal import Refused

SURVEY_SALT = "kick-forms.quality"
SCALE = range(1, 6)
COMMENT_MAX = 2_000


@dataclass(frozen=True)
class Question:
    key: str
    text: Any
    principle: Any


QUESTIONS: tuple[Question, ...] = (
    Question(
        "information",
        _l("Information about the consultation came in good time and was easy to understand."),
        _l("Transparency"),
    ),
    Question(
        "accessibility",
        _l("It was easy to take part: the form and the meetings were accessible."),
        _l("Accessibility"),
    ),
    Question(
        "inclusion",
        _l("Different kinds of organisations and all parts of the county were heard."),
        _l("Non-discrimination and inclusiveness"),
    ),
    Question("listening", _l("The views were taken seriously and discussed."), _l("Dialogue")),
    Question(
        "feedback",
        _l("The region told what it did with the views, and why."),
        _l("Accountability and feedback"),
    ),
    Question(
        "trust",
        _l("The consultation strengthened trust between the region and civil society."),
        _l("Trust and partnership"),
    ),
)
KEYS = tuple(question.key for question in QUESTIONS)

SCALE_LABELS = {
    1: _l("Not at all"),
    2: _l("A little"),
    3: _l("Partly"),
    4: _l("Mostly"),
    5: _l("Fully"),
}


class SurveyError(Refused):
    """The survey refuses an answer, with a message for the one answering."""


def min_n() -> int:
    return int(current_app.config["QUALITY_MIN_N"])


def is_open(consultation: Consultation, now: datetime) -> bool:
    """The survey opens when the consultation has closed for answers."""
    if consultation.status in (ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED):
        return True
    return (
        consultation.status == ConsultationStatus.OPEN
        and consultation.closes_at is not None
        and consultation.closes_at <= now
    )


# The organisations' link: signed, so it can be written into any mail about the answer.


def survey_token(response: Response) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=SURVEY_SALT).dumps(response.id)


def response_for(token: str) -> Response | None:
    try:
        response_id = URLSafeSerializer(current_app.secret_key, salt=SURVEY_SALT).loads(token[:200])
    except BadData:
        return None
    if not isinstance(response_id, int) or isinstance(response_id, bool):
        return None
    response = db.session.get(Response, response_id)
    return (
        response if response is not None and response.status == ResponseStatus.SUBMITTED else None
    )


def answered_by_organisation(response: Response) -> bool:
    return (
        db.session.scalar(select(QualityAnswer.id).filter_by(response_id=response.id)) is not None
    )


def answered_by_staff(consultation: Consultation, user: User) -> bool:
    return (
        db.session.scalar(
            select(QualityAnswer.id).filter_by(consultation_id=consultation.id, user_id=user.id)
        )
        is not None
    )


def submit(
    consultation: Consultation,
    scores: Mapping[str, int],
    comment: str,
    now: datetime,
    response: Response | None = None,
    user: User | None = None,
) -> QualityAnswer:
    """One answer, from an organisation (``response``) or from staff (``user``); a second
    answer from the same one is refused."""
    if not is_open(consultation, now):
        raise SurveyError(_l("The survey opens when the consultation has closed."))
    if set(scores) != set(KEYS) or any(value not in SCALE for value in scores.values()):
        raise SurveyError(_l("Answer every question on the scale from 1 to 5."))
    answer = QualityAnswer(
        consultation_id=consultation.id,
        respondent=QualityRespondent.ORGANISATION if response else QualityRespondent.STAFF,
        response_id=response.id if response else None,
        user_id=user.id if user else None,
        comment=comment.strip()[:COMMENT_MAX],
        submitted_at=now,
        scores=[QualityScore(question_key=key, value=value) for key, value in scores.items()],
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:
        raise SurveyError(_l("This survey has already been answered. Thank you!")) from None
    return answer


# Results ---------------------------------------------------------------------------------------


@dataclass
class Side:
    """One side's answers: how many, and per question the mean and the count of each value.
    ``shown`` is False below the minimum number of answers; then nothing else is filled in."""

    respondent: str
    n: int
    shown: bool
    means: dict[str, float] = field(default_factory=dict)
    counts: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def overall(self) -> float | None:
        return sum(self.means.values()) / len(self.means) if self.means else None


def results(consultation: Consultation) -> dict[str, Side]:
    """Per side, counted by the database; a side below the minimum n shows only its n."""
    needed = min_n()
    sides: dict[str, Side] = {}
    n_by_side = dict(
        db.session.execute(
            select(QualityAnswer.respondent, func.count())
            .filter_by(consultation_id=consultation.id)
            .group_by(QualityAnswer.respondent)
        )
        .tuples()
        .all()
    )
    for respondent in QualityRespondent:
        n = n_by_side.get(respondent.value, 0)
        sides[respondent.value] = Side(respondent.value, n, n >= needed and n > 0)
    rows = db.session.execute(
        select(
            QualityAnswer.respondent, QualityScore.question_key, QualityScore.value, func.count()
        )
        .join(QualityScore, QualityScore.answer_id == QualityAnswer.id)
        .where(QualityAnswer.consultation_id == consultation.id)
        .group_by(QualityAnswer.respondent, QualityScore.question_key, QualityScore.value)
    )
    for respondent, key, value, count in rows:
        side = sides[respondent]
        if side.shown and key in KEYS:
            side.counts.setdefault(key, {v: 0 for v in SCALE})[value] = count
    for side in sides.values():
        for key, counts in side.counts.items():
            total = sum(counts.values())
            side.means[key] = sum(v * c for v, c in counts.items()) / total
    return sides


def comments(consultation: Consultation) -> list[str] | None:
    """The organisations' free texts, for the region's staff, only from the minimum n on."""
    side = results(consultation)[QualityRespondent.ORGANISATION.value]
    if not side.shown:
        return None
    return [
        text
        for text in db.session.scalars(
            select(QualityAnswer.comment)
            .filter_by(consultation_id=consultation.id, respondent=QualityRespondent.ORGANISATION)
            .order_by(func.random())
        )
        if text
    ]


@dataclass
class Comparison:
    """Mean of all questions per group (a region, or a year), per side, where n is enough."""

    key: Any
    n: dict[str, int]
    mean: dict[str, float | None]


def _compare(group: ColumnElement[Any]) -> list[Comparison]:
    needed = min_n()
    per_answer = (
        select(
            group.label("grp"),
            QualityAnswer.respondent,
            QualityAnswer.id,
            func.avg(QualityScore.value).label("mean"),
        )
        .join(Consultation, Consultation.id == QualityAnswer.consultation_id)
        .join(QualityScore, QualityScore.answer_id == QualityAnswer.id)
        .where(Consultation.status != ConsultationStatus.DRAFT)
        .group_by(group, QualityAnswer.respondent, QualityAnswer.id)
        .subquery()
    )
    found: dict[Any, Comparison] = {}
    for grp, respondent, n, mean in db.session.execute(
        select(
            per_answer.c.grp, per_answer.c.respondent, func.count(), func.avg(per_answer.c.mean)
        ).group_by(per_answer.c.grp, per_answer.c.respondent)
    ):
        entry = found.setdefault(grp, Comparison(grp, {}, {}))
        entry.n[respondent] = n
        entry.mean[respondent] = float(mean) if n >= needed else None
    return sorted(found.values(), key=lambda entry: entry.key)


def by_region() -> dict[int, Comparison]:
    return {entry.key: entry for entry in _compare(Consultation.region_id)}


def by_year() -> list[Comparison]:
    return [
        Comparison(int(entry.key), entry.n, entry.mean)
        for entry in _compare(extract("year", Consultation.closes_at))
        if entry.key is not None
    ]
