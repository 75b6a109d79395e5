"""What people typed (names, titles) stays on one line in official mail: a line break in a
name cannot start a line of its own, in the body or the subject."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.mail.services import enqueue_mail, one_line
from kick_forms.models import ConsultationStatus, OutboxMessage
from kick_forms.organisations.services import OrganisationData
from kick_forms.registration import services as registration
from kick_forms.responses import services as answering
from kick_forms.timeutil import utcnow
from tests.conftest import ROOT, make_consultation, region

# Each part after a line break reads like an official line of its own.
INJECTED = "Ert svar är ogiltigt, logga in på https://phish.example"


def _lines(message: OutboxMessage) -> list[str]:
    return message.body_text.splitlines()


def _assert_folded(message: OutboxMessage) -> None:
    assert "\n" not in message.subject and "\r" not in message.subject
    assert not any(line.startswith(INJECTED) for line in _lines(message)), message.body_text
    assert INJECTED in message.body_text  # still there, on the line it belongs to


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Anna\nAndersson", "Anna Andersson"),
        ("Anna\r\n\r\nAndersson ", "Anna Andersson"),
        ("Kör\u2028Sång\u2029Dans\x85Teater\x0bFilm\x0cBild", "Kör Sång Dans Teater Film Bild"),
        ("Ny\x00rad\x1b[31m", "Nyrad[31m"),
        ("abc\u202eevil", "abcevil"),
        (None, ""),
    ],
)
def test_one_line_folds_every_kind_of_line_break(typed, folded):
    assert one_line(typed) == folded


def test_the_draft_mail_keeps_names_and_the_title_on_their_lines(app):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    consultation.title = f"Kulturplan\n{INJECTED}"
    db.session.commit()
    who = answering.Respondent(
        organisation_name=f"Kören\r\n{INJECTED}",
        organisation_number=None,
        municipality_code="0764",
        category_keys=["choir"],
        contact_name=f"Anna\n{INJECTED}",
        contact_email="anna@example.se",
        may_publish_name=True,
    )
    answering.start_response(consultation, who, "one-line-start", utcnow(), str)
    db.session.commit()

    message = db.session.scalars(select(OutboxMessage)).one()
    _assert_folded(message)
    assert _lines(message)[0] == f"Hej Anna {INJECTED}!"


def test_the_confirmation_mail_keeps_the_contact_name_on_its_line(app):
    data = OrganisationData(name="Hembygdsföreningen", organisation_number=None,
                            municipality_code="0764")  # fmt: skip
    registration.request_listing(
        region("kronoberg"), data, f"Anna\n\n{INJECTED}", "anna@example.se", utcnow(), str
    )
    db.session.commit()

    message = db.session.scalars(select(OutboxMessage)).one()
    _assert_folded(message)


def test_a_subject_with_a_line_break_is_folded_not_refused(app):
    message = enqueue_mail("anna@example.se", f"Kvitto: Kulturplan\r\nBcc: {INJECTED}", "Hej")
    assert message.subject == f"Kvitto: Kulturplan Bcc: {INJECTED}"


def test_every_name_or_title_in_a_mail_template_is_folded():
    """Every template of a mail: each value put into a sentence, and each name or title on a
    line of its own, goes through the one_line filter."""
    templates = sorted((ROOT / "templates").glob("*/mail/*.txt"))
    assert len(templates) >= 7
    unfolded: list[str] = []
    for template in templates:
        text = template.read_text()
        for argument in re.findall(r"\b(?:name|organisation|title|region)=([^,)]+)", text):
            if "one_line" not in argument:
                unfolded.append(f"{_name(template)}: {argument}")
        for value in re.findall(r"\{\{\s*([a-z_.\[\]0-9]+\.(?:name|title|label))\s*\}\}", text):
            unfolded.append(f"{_name(template)}: {value}")
    assert unfolded == []


def _name(template: Path) -> str:
    return str(template.relative_to(ROOT))
