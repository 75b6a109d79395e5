"""The audit log as staff read it, and recording that staff saw or downloaded personal data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, select

from kick_forms import audit
from kick_forms.extensions import db, sqlite_begin
from kick_forms.models import (
    AuditEvent,
    CodeLevel,
    CodeStep,
    Consultation,
    Organisation,
    Region,
    RegisterEntry,
    Response,
    User,
)

PAGE_SIZE = 50


def record_read(action: str, subject: str, region: Region, detail: str = "") -> None:
    """Record that staff saw or downloaded personal data, and commit the record at once.

    Pages and downloads only read, in a deferred transaction on SQLite, which fails to turn into
    a write once another request has written. So the reads end here and the event is written in
    a transaction of its own that takes the write lock up front.
    """
    db.session.commit()
    token = sqlite_begin.set("IMMEDIATE")
    try:
        audit.record(action, subject, region, detail)
        db.session.commit()
    finally:
        sqlite_begin.reset(token)


def details(event: AuditEvent) -> dict[str, str]:
    """An event's detail, written as ``key=value`` pairs, as a dict."""
    pairs = (part.partition("=") for part in event.detail.split())
    return {key: value for key, _sep, value in pairs if value}


@dataclass(frozen=True)
class Subject:
    """What an event is about, as far as the region may still see it."""

    kind: str
    id: int | None
    name: str = ""  # an organisation's name, a consultation's title
    parent_id: int | None = None  # a contact's organisation, a response's consultation


@dataclass(frozen=True)
class LoggedEvent:
    at: datetime
    email: str | None
    action: str
    subject: Subject
    details: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(audit.ACTIONS.get(self.action, self.action))


@dataclass(frozen=True)
class LogPage:
    events: list[LoggedEvent]
    total: int
    page: int
    pages: int


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def region_log(region: Region, page: int) -> LogPage:
    """One page of the region's own events, newest first, with what they are about."""
    return _log_page(
        AuditEvent.region_id == region.id, page, lambda events: _subjects(region, events)
    )


def platform_log(page: int) -> LogPage:
    """One page of the events that belong to no region, newest first: KICK's changes to what
    every region shares (the examples of the Code's matrix) and the system's deletions of old
    personal data."""
    return _log_page(AuditEvent.region_id.is_(None), page, _platform_subjects)


def _log_page(
    own: ColumnElement[bool], page: int, subjects_of: Callable[[list[AuditEvent]], list[Subject]]
) -> LogPage:
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(own)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(own)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    subjects = subjects_of([event for event, _email in rows])
    events = [
        LoggedEvent(event.at, email, event.action, subject, details(event))
        for (event, email), subject in zip(rows, subjects, strict=True)
    ]
    return LogPage(events, total, page, pages)


def _subjects(region: Region, events: list[AuditEvent]) -> list[Subject]:
    """What each event is about, named only where the region may still see it: an organisation
    in its register, its own consultations and their responses. One query per kind."""
    parsed = []
    wanted: dict[str, set[int]] = {"organisation": set(), "consultation": set(), "response": set()}
    for event in events:
        kind, _sep, text = event.subject.partition(":")
        number, parent = _number(text), _number(details(event).get("organisation"))
        parsed.append((kind, number, parent))
        if kind in wanted and number is not None:
            wanted[kind].add(number)
        if parent is not None:
            wanted["organisation"].add(parent)
    organisations = dict(
        db.session.execute(
            select(Organisation.id, Organisation.name)
            .join(RegisterEntry, RegisterEntry.organisation_id == Organisation.id)
            .where(RegisterEntry.region_id == region.id)
            .where(Organisation.id.in_(wanted["organisation"]))
        ).all()
    )
    consultations = dict(
        db.session.execute(
            select(Consultation.id, Consultation.title)
            .where(Consultation.region_id == region.id)
            .where(Consultation.id.in_(wanted["consultation"]))
        ).all()
    )
    responses = dict(
        db.session.execute(
            select(Response.id, Response.consultation_id)
            .join(Consultation, Consultation.id == Response.consultation_id)
            .where(Consultation.region_id == region.id)
            .where(Response.id.in_(wanted["response"]))
        ).all()
    )
    subjects = []
    for kind, number, parent in parsed:
        if kind == "contact" and parent in organisations:
            subjects.append(Subject(kind, number, organisations[parent], parent))
        elif kind == "organisation":
            subjects.append(Subject(kind, number, organisations.get(number, "")))
        elif kind == "consultation":
            subjects.append(Subject(kind, number, consultations.get(number, "")))
        elif kind == "response":
            subjects.append(Subject(kind, number, parent_id=responses.get(number)))
        else:
            subjects.append(Subject(kind, number))
    return subjects


def _platform_subjects(events: list[AuditEvent]) -> list[Subject]:
    """A cell of the matrix is named by its level and step; anything else by its kind and id."""
    levels = {level.key: level.name for level in db.session.scalars(select(CodeLevel))}
    steps = {step.key: step.name for step in db.session.scalars(select(CodeStep))}
    subjects = []
    for event in events:
        kind, _sep, text = event.subject.partition(":")
        if kind == "code_cell":
            level_key, _sep, step_key = text.partition("/")
            name = f"{levels.get(level_key, level_key)} × {steps.get(step_key, step_key)}"
            subjects.append(Subject(kind, None, name))
        else:
            subjects.append(Subject(kind, _number(text)))
    return subjects
