"""The archive package: unpacked, every file matches the manifest and nothing is missing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from sqlalchemy import select

from kick_forms.board.feedback import OutcomeData, publish_feedback, save_outcome
from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, ConsultationStatus, OutboxMessage, OutcomeStatus
from kick_forms.timeutil import utcnow
from tests.records.conftest import (
    APPENDIX,
    CONTACT_EMAIL,
    REGISTRY_NUMBER,
    STATEMENT,
    pdf_text,
    pdfa_part,
    url,
)


def _publish(consultation) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    builder.change_status(consultation, ConsultationStatus.CLOSED, now)
    builder.change_status(consultation, ConsultationStatus.PUBLISHED, now)
    save_outcome(
        consultation,
        consultation.sections[1],
        None,
        OutcomeData(OutcomeStatus.PARTLY, "Fler scener står nu i planens mål 3.", None),
    )
    publish_feedback(consultation, now, "https://kick.example.se/board")
    db.session.commit()


def test_before_the_results_are_published_the_package_is_refused(editor, consultation, recorded):
    response = editor.get(url(consultation, "records/archive.zip"))
    assert response.status_code == 409
    assert "kan skapas när resultatet är publicerat" in response.get_data(as_text=True)


def test_viewers_may_not_take_the_package_with_every_contact_person(viewer, consultation, recorded):
    _publish(consultation)
    assert viewer.get(url(consultation, "records/archive.zip")).status_code == 403


def test_the_package_holds_every_version_file_and_feedback_as_its_manifest_says(
    editor, consultation, recorded
):
    choir, withdrawn = recorded.choir, recorded.withdrawn
    _publish(consultation)
    [feedback_mail] = db.session.scalars(select(OutboxMessage.body_text)).all()
    assert f"\nDiarienummer: {REGISTRY_NUMBER}\n" in feedback_mail
    response = editor.get(url(consultation, "records/archive.zip"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith("-arkivpaket.zip")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}

    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["format"] == {"name": "kick-forms-archive-package", "version": "1.0"}
    assert manifest["producer"] == "KICK Forms" and manifest["created_at"].endswith("Z")
    assert manifest["consultation"]["registry_number"] == REGISTRY_NUMBER
    assert manifest["consultation"]["region"]["name"] == "Region Kronoberg"
    assert (manifest["answers"], manifest["incoming_documents"]) == (2, 3)
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert sorted(listed) == sorted(files)  # nothing missing, nothing extra
    for path, data in files.items():
        assert listed[path]["sha256"] == hashlib.sha256(data).hexdigest(), path
        assert listed[path]["size"] == len(data), path

    folder = f"answers/{choir.reference}"
    versions = [f"{choir.reference}-1", f"{choir.reference}-2", f"{withdrawn.reference}-1"]
    for reference in versions:
        response_reference = reference.rsplit("-", 1)[0]
        pdf = files[f"answers/{response_reference}/{reference}.pdf"]
        assert pdfa_part(pdf) == "2", reference
        assert "Svar från" in pdf_text(pdf)
        record = json.loads(files[f"answers/{response_reference}/{reference}.json"])
        assert record["reference"] == reference
        assert listed[f"answers/{response_reference}/{reference}.pdf"]["version"] == reference
    first = json.loads(files[f"{folder}/{choir.reference}-1.json"])
    answers = {a["question"]: a for s in first["sections"] for a in s["answers"]}
    assert answers["Vad saknas?"]["text"] == "Fler scener i Älmhult och Åseda"
    assert answers["Områden"]["in_words"] == "Film, Annat: Dans"
    assert answers["Medlemmar"]["answered"] is False
    assert first["contact_person"]["email"] == CONTACT_EMAIL
    assert [a["path"] for a in first["attachments"]] == [f"{folder}/files/Yttrande från kören.pdf"]
    assert (
        json.loads(files[f"answers/{withdrawn.reference}/{withdrawn.reference}-1.json"])["status"]
        == "withdrawn"
    )

    assert files[f"{folder}/files/Yttrande från kören.pdf"] == STATEMENT
    assert files[f"{folder}/files/Bilaga – siffror.pdf"] == APPENDIX
    statement = listed[f"{folder}/files/Yttrande från kören.pdf"]
    assert statement["role"] == "attachment"
    assert statement["versions"] == [f"{choir.reference}-1", f"{choir.reference}-2"]

    description = json.loads(files["consultation/description.json"])
    assert [q["label"] for s in description["sections"] for q in s["questions"]][:2] == [
        "Ort", "Medlemmar",
    ]  # fmt: skip
    assert pdfa_part(files["consultation/description.pdf"]) == "2"
    assert "Vad saknas?" in pdf_text(files["consultation/description.pdf"])
    feedback = json.loads(files["feedback/feedback.json"])
    assert feedback["outcomes"][0]["explanation"] == "Fler scener står nu i planens mål 3."
    summary = files["feedback/summary.pdf"]
    assert pdfa_part(summary) == "2"
    assert "Fler scener står nu i planens mål 3." in " ".join(pdf_text(summary).split())

    [event] = db.session.scalars(select(AuditEvent).filter_by(action="responses.export")).all()
    assert event.subject == f"consultation:{consultation.id}" and event.detail == "format=archive"
