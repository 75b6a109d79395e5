"""How many SQL statements each hot route issues, so that a lazy load per question or a second
read of the draft cannot creep back unnoticed (``bench/pages.py`` measures their speed).

Each budget is what the route needs today, counted on the second request (the first fills
what is kept between requests). Adding a section with questions and options must not change
any count: what a page reads does not grow with the consultation. The pages kept between
changes of the data (``kick_forms.page_cache``) are counted both as kept and as rendered.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import QuestionKind
from tests.conftest import question_data
from tests.responses.conftest import START, answered_draft, answers_to
from tests.statements import counted

# Statements per request, BEGIN included (SQLite issues it as a statement; a write that reads
# first has two: its reads, then its writes under the lock; a write raises the data epoch
# with one more).
BUDGETS = {
    "consultation page": 9,
    "start page": 4,
    "start": 12,
    "section": 7,
    "save a section": 11,
    "check page": 10,
    "submit": 29,
    "board": 30,
}
# A kept page: BEGIN (on SQLite), the data epoch, and the consultation with its region.
KEPT = {"consultation page": 3, "start page": 3, "board": 3}


def _counts(client, consultation) -> dict[str, int]:
    """Each route's statements on the second of two requests."""
    consultation.board_visibility = "while_open"
    db.session.commit()
    token = answered_draft(client, consultation, "first@example.se")
    to_submit = [answered_draft(client, consultation, f"{n}@example.se") for n in range(2)]
    first_section = answers_to(consultation, 1)
    base = "/r/kronoberg/c/kulturplan"
    organisation = {
        "organisation_name": "Kören i Växjö",
        "municipality": "0780",
        "categories": ["choir"],
        "contact_name": "Anna Berg",
        "contact_email": "anna@example.se",
        "may_publish_name": "yes",
    }
    routes: dict[str, tuple[Callable[[int], object], int]] = {
        "consultation page": (lambda _n: client.get(f"{base}/"), 200),
        "start page": (lambda _n: client.get(START), 200),
        "start": (
            lambda _n: client.post(START, data={**organisation, "nonce": secrets.token_urlsafe()}),
            303,
        ),
        "section": (lambda _n: client.get(f"/respond/{token}/s/1"), 200),
        "save a section": (
            lambda _n: client.post(f"/respond/{token}/s/1", data=first_section),
            200,
        ),
        "check page": (lambda _n: client.get(f"/respond/{token}/check"), 200),
        "submit": (
            lambda n: client.post(
                f"/respond/{to_submit[n]}/submit", data={"nonce": secrets.token_urlsafe()}
            ),
            303,
        ),
        "board": (lambda _n: client.get(f"{base}/board"), 200),
    }
    counts = {}
    for name, (send, status) in routes.items():
        send(0)
        with counted() as statements:
            reply = send(1)
        assert reply.status_code == status, (name, reply.status_code)
        counts[name] = statements.count
    return counts


def _grow(consultation) -> None:
    """A third section of a question of each choosing kind, with options."""
    section = builder.add_section(consultation, "Mer", "")
    for kind, label in ((QuestionKind.SINGLE_CHOICE, "En"), (QuestionKind.MULTIPLE_CHOICE, "Fler")):
        builder.add_question(
            section, question_data(kind=kind, label=label, options=["Ja", "Nej", "Kanske"])
        )
    builder.add_question(section, question_data(kind=QuestionKind.SCALE, label="Skala"))
    db.session.commit()


def test_each_hot_route_stays_within_its_statement_budget(app, client, consultation):
    app.config["PAGE_CACHE"] = False
    counts = _counts(client, consultation)
    over = {name: count for name, count in counts.items() if count > BUDGETS[name]}
    assert not over, f"over budget: {over} (all counts {counts})"


def test_a_kept_page_costs_a_few_statements(client, consultation):
    counts = _counts(client, consultation)
    over = {name: counts[name] for name in KEPT if counts[name] > KEPT[name]}
    assert not over, f"rendered again: {over}"


def test_what_a_page_reads_does_not_grow_with_the_consultation(app, client, consultation):
    app.config["PAGE_CACHE"] = False
    before = _counts(client, consultation)
    _grow(consultation)
    after = _counts(client, consultation)
    grown = {name: (before[name], after[name]) for name in before if after[name] != before[name]}
    assert not grown, f"statements grew with the consultation: {grown}"
