"""Who operates the installation, the known shortcomings, and reports of accessibility problems.

The known shortcomings are kept in ``kick_forms/data/accessibility.json`` with the code, so the
statement changes in the same commit as what it describes, and its tests read the same file.
A report is mailed through the outbox; the outbox row is its only record, and its id is the
reference the reporter gets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from kick_forms.i18n import current_locale
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.mail.services import enqueue_mail
from kick_forms.urls import public_url_for

STATEMENT_FILE = "accessibility.json"
REFERENCE_PREFIX = "TR"


@dataclass(frozen=True)
class Operator:
    """Who runs this installation of KICK Forms, as its configuration says."""

    name: str
    organisation_number: str
    address: str
    email: str
    phone: str
    dpo_email: str
    accessibility_email: str


def operator() -> Operator:
    """The operator from the ``KICK_OPERATOR_*`` and ``KICK_ACCESSIBILITY_EMAIL`` settings."""
    config = current_app.config
    return Operator(
        name=config["OPERATOR_NAME"],
        organisation_number=config["OPERATOR_ORG_NUMBER"],
        address=config["OPERATOR_ADDRESS"],
        email=config["OPERATOR_EMAIL"],
        phone=config["OPERATOR_PHONE"],
        dpo_email=config["OPERATOR_DPO_EMAIL"],
        accessibility_email=config["ACCESSIBILITY_EMAIL"],
    )


@dataclass(frozen=True)
class Shortcoming:
    """A known accessibility problem, in the reader's language."""

    key: str
    wcag: tuple[str, ...]
    text: str
    where: str
    planned_fix: str


@dataclass(frozen=True)
class Statement:
    last_review: date
    updated: date
    shortcomings: tuple[Shortcoming, ...]

    @property
    def fully_compliant(self) -> bool:
        """DIGG's "helt förenlig" when nothing is known to fail, else "delvis förenlig"."""
        return not self.shortcomings


def statement_data() -> dict[str, Any]:
    """The file as it is written, for the statement and for the tests that check the page."""
    text = resources.files("kick_forms.data").joinpath(STATEMENT_FILE).read_text("utf-8")
    return json.loads(text)


def _language() -> str:
    locale = current_locale()
    return locale.language if locale is not None else "sv"


def _in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts["sv"]


def statement() -> Statement:
    """The known shortcomings and the review dates, in the reader's language."""
    data = statement_data()
    language = _language()
    return Statement(
        last_review=date.fromisoformat(data["last_review"]),
        updated=date.fromisoformat(data["updated"]),
        shortcomings=tuple(
            Shortcoming(
                key=item["key"],
                wcag=tuple(item["wcag"]),
                text=_in(item["text"], language),
                where=_in(item["where"], language),
                planned_fix=_in(item["planned_fix"], language),
            )
            for item in data["shortcomings"]
        ),
    )


@dataclass(frozen=True)
class ProblemReport:
    page: str
    problem: str
    email: str | None


def reference(message_id: int) -> str:
    """The number a reporter quotes, made from the outbox message to the operator."""
    return f"{REFERENCE_PREFIX}-{message_id:06d}"


def report_problem(report: ProblemReport, now: datetime) -> str:
    """Mail a report to the operator's accessibility address, and a receipt to the reporter
    when they gave an address; return the report's reference.

    The operator's mail is in the installation's own language, whatever the page's was. The
    receipt quotes nothing the reporter typed: anyone may give any address, and the form
    must not become a way to mail strangers someone else's text.
    """
    statement_link = public_url_for("accessibility.statement")
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        # The reference is the message's own id, so the message is written first and told
        # its reference once the database has given it one.
        message = enqueue_mail(current_app.config["ACCESSIBILITY_EMAIL"], "", "", now=now)
        number = reference(message.id)
        message.subject = str(_l("Accessibility problem reported: %(reference)s", reference=number))
        message.body_text = render_template(
            "accessibility/mail/report.txt",
            report=report,
            reference=number,
            received_at=now,
            statement_link=statement_link,
        )
    if report.email:
        enqueue_mail(
            report.email,
            str(_l("We have received your report %(reference)s", reference=number)),
            render_template(
                "accessibility/mail/receipt.txt",
                reference=number,
                received_at=now,
                statement_link=statement_link,
                operator=operator(),
            ),
            now=now,
        )
    return number
