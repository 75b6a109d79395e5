"""Answers as the records hold them: several versions, files, a withdrawn answer and a draft."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pypdf import PdfReader

from kick_forms import tally
from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    AnswerOption,
    Attachment,
    Response,
    ResponseContact,
    ResponseStatus,
    ResponseVersion,
    Role,
)
from kick_forms.records.sender import snapshot
from kick_forms.timeutil import utcnow
from tests.board.generated import add_response
from tests.conftest import login, make_user

REGISTRY_NUMBER = "RS 2026/1234"
CONTACT_NAME = "Karin Kontaktsson"
CONTACT_EMAIL = "karin.kontakt@example.se"
STATEMENT = b"%PDF-1.4 kammarkorens yttrande"
APPENDIX = b"%PDF-1.4 bilaga med siffror"


@dataclass
class Recorded:
    choir: Response  # two versions; a file in both, another only in the second
    withdrawn: Response  # one version, then withdrawn
    draft: Response  # never sent: no incoming document


def url(consultation, path: str) -> str:
    return f"/admin/r/kronoberg/c/{consultation.id}/{path}"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdfa_part(data: bytes) -> str | None:
    """The PDF/A part the PDF's XMP metadata declares, or None."""
    metadata = PdfReader(io.BytesIO(data)).xmp_metadata
    if metadata is None:
        return None
    xml = metadata.stream.get_data().decode("utf-8")
    marker = 'pdfaid:part="'
    return xml.split(marker, 1)[1].split('"', 1)[0] if marker in xml else None


def attach(response: Response, version: ResponseVersion, filename: str, data: bytes) -> Attachment:
    attachment = Attachment(
        filename=filename,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    response.attachments.append(attachment)
    version.attachments.append(attachment)
    return attachment


def add_version(response: Response, answers: dict, later: timedelta) -> ResponseVersion:
    """A further version with these answers (question -> text or option ids), as an amendment
    leaves it: the earlier version's files and the sender come along."""
    previous = response.current_version
    version = ResponseVersion(
        response_id=response.id,
        number=len(response.versions) + 1,
        submit_nonce=f"amend-{response.id}-{len(response.versions)}",
        submitted_at=previous.submitted_at + later,
        attachments=list(previous.attachments),
        sender=snapshot(response),
    )
    db.session.add(version)
    db.session.flush()
    for question, value in answers.items():
        answer = Answer(response_id=response.id, version_id=version.id, question_id=question.id)
        if isinstance(value, list):
            answer.options = [AnswerOption(option_id=option_id) for option_id in value]
        else:
            answer.text_value = value
        db.session.add(answer)
    response.current_version_id = version.id
    response.amended_at = version.submitted_at
    db.session.flush()
    db.session.expire(response)
    return version


@pytest.fixture
def recorded(consultation) -> Recorded:
    consultation.registry_number = REGISTRY_NUMBER
    q = {question.label: question for question in consultation.questions}
    areas = {option.label: option.id for option in q["Områden"].options}
    choir = add_response(
        consultation, name="Växjö kammarkör", municipality="0780", categories=["choir"],
        named=True,
        answers={
            q["Ort"]: "Växjö", q["Områden"]: ([areas["Film"]], "Dans"),
            q["Vad saknas?"]: "Fler scener i Älmhult och Åseda", q["Hur väl?"]: "4",
            q["Tillfrågade?"]: "dont_know",
        },
    )  # fmt: skip
    choir.organisation_number = "802012-3456"
    choir.contact = ResponseContact(name=CONTACT_NAME, email=CONTACT_EMAIL)
    db.session.flush()
    choir.current_version.sender = snapshot(choir)  # as recording the version keeps it
    attach(choir, choir.current_version, "Yttrande från kören.pdf", STATEMENT)
    db.session.flush()
    second = add_version(
        choir,
        {q["Ort"]: "Växjö", q["Vad saknas?"]: "Ännu fler scener i Ödeshög"},
        timedelta(hours=2),
    )
    attach(choir, second, "Bilaga – siffror.pdf", APPENDIX)
    withdrawn = add_response(
        consultation, name="Återtagna föreningen", municipality="0765", categories=["choir"],
        named=False, answers={q["Ort"]: "Älmhult"},
    )  # fmt: skip
    withdrawn.current_version.sender = snapshot(withdrawn)
    with tally.kept_for(withdrawn):
        withdrawn.status = ResponseStatus.WITHDRAWN
        withdrawn.withdrawn_at = utcnow()
        withdrawn.current_version = None
    draft = Response(
        consultation_id=consultation.id, organisation_name="Utkastföreningen", status="draft"
    )
    db.session.add(draft)
    db.session.commit()
    return Recorded(choir, withdrawn, draft)


@pytest.fixture
def editor(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    return client


@pytest.fixture
def viewer(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    return client
