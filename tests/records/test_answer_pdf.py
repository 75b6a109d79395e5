"""One answer as PDF for staff: the incoming document with extractable Swedish text."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Answer, AuditEvent, ReviewState, Role
from tests.conftest import login, make_user
from tests.records.conftest import (
    APPENDIX,
    CONTACT_EMAIL,
    CONTACT_NAME,
    REGISTRY_NUMBER,
    STATEMENT,
    pdf_text,
    pdfa_part,
    url,
)


def _pdf(client, consultation, response, version: int | None = None):  # type: ignore[no-untyped-def]
    query = f"?version={version}" if version else ""
    return client.get(url(consultation, f"responses/{response.id}/answer.pdf{query}"))


def test_the_answer_as_pdf_has_swedish_text_every_answer_and_the_files(
    editor, consultation, recorded
):
    choir = recorded.choir
    response = _pdf(editor, consultation, choir)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={choir.reference}-2.pdf"
    )
    assert pdfa_part(response.data) == "2"
    text = " ".join(pdf_text(response.data).split())
    assert "Svar från Växjö kammarkör på Kulturplan" in text
    assert "Region Kronoberg" in text and REGISTRY_NUMBER in text
    assert f"{choir.reference}-2" in text and "Webbformulär" in text
    assert "802012-3456" in text and "Växjö" in text and "Kör" in text
    assert CONTACT_NAME in text and CONTACT_EMAIL in text
    assert "Ännu fler scener i Ödeshög" in text
    assert "Fler scener i Älmhult" not in text  # the first version's text
    assert "Inget svar" in text  # the second version leaves most questions blank
    assert "Yttrande från kören.pdf" in text and "Bilaga – siffror.pdf" in text
    compact = text.replace(" ", "")
    for data in (STATEMENT, APPENDIX):
        assert hashlib.sha256(data).hexdigest() in compact


def test_every_version_can_be_had_and_says_what_it_answered(editor, consultation, recorded):
    choir = recorded.choir
    first = _pdf(editor, consultation, choir, version=1)
    assert first.status_code == 200
    text = " ".join(pdf_text(first.data).split())
    assert f"{choir.reference}-1" in text and "1 av 2" in text
    assert "Fler scener i Älmhult och Åseda" in text
    assert "Film, Annat: Dans" in text and "4 av 5" in text and "Vet inte" in text
    assert "Yttrande från kören.pdf" in text and "Bilaga – siffror.pdf" not in text
    assert "ändrade sitt svar senare" in text
    assert _pdf(editor, consultation, choir, version=3).status_code == 404


def test_a_withdrawn_answer_is_still_a_record_marked_withdrawn(editor, consultation, recorded):
    response = _pdf(editor, consultation, recorded.withdrawn)
    assert response.status_code == 200
    text = " ".join(pdf_text(response.data).split())
    assert "Svar från Återtagna föreningen" in text and "Tillbakadraget" in text
    assert "Älmhult" in text


def test_a_draft_has_no_record(editor, consultation, recorded):
    assert _pdf(editor, consultation, recorded.draft).status_code == 404


def test_viewers_get_the_answer_without_the_contact_person(viewer, consultation, recorded):
    response = _pdf(viewer, consultation, recorded.choir)
    assert response.status_code == 200
    text = " ".join(pdf_text(response.data).split())
    assert "Ännu fler scener i Ödeshög" in text
    assert CONTACT_NAME not in text and CONTACT_EMAIL not in text


def test_each_download_is_in_the_audit_log(editor, consultation, recorded):
    _pdf(editor, consultation, recorded.choir, version=1)
    [event] = db.session.scalars(select(AuditEvent).filter_by(action="responses.export")).all()
    assert event.subject == f"response:{recorded.choir.id}"
    assert "format=pdf" in event.detail and "version=1" in event.detail


def test_the_staff_page_links_each_version_as_pdf(editor, consultation, recorded):
    choir = recorded.choir
    html = editor.get(url(consultation, f"responses/{choir.id}")).get_data(as_text=True)
    base = url(consultation, f"responses/{choir.id}/answer.pdf")
    assert f"{base}?version=1" in html and f"{base}?version=2" in html
    draft = editor.get(url(consultation, f"responses/{recorded.draft.id}")).get_data(as_text=True)
    assert "answer.pdf" not in draft


@pytest.mark.parametrize(
    "path",
    [
        "responses/{response}/answer.pdf",
        "records/answers.zip",
        "records/incoming.csv",
        "records/incoming.xlsx",
        "records/archive.zip",
    ],
)
def test_records_are_hidden_from_other_regions_and_anonymous_visitors(
    client, consultation, recorded, path
):
    address = url(consultation, path.format(response=recorded.choir.id))
    anonymous = client.get(address)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/admin/login?next=")
    login(client, make_user("blekinge", Role.ADMIN))
    assert client.get(address).status_code == 404


def test_records_keep_the_original_of_a_redacted_text_and_a_hidden_file(
    editor, consultation, recorded
):
    choir = recorded.choir
    version = choir.versions[1]
    [text] = [a for a in db.session.scalars(select(Answer).filter_by(version_id=version.id))
              if a.text_value == "Ännu fler scener i Ödeshög"]  # fmt: skip
    text.review_state, text.redacted_text = ReviewState.REDACTED, "Ännu fler scener i [maskerat]"
    for attachment in version.attachments:
        attachment.review_state = ReviewState.HIDDEN
    db.session.commit()

    shown = " ".join(pdf_text(_pdf(editor, consultation, choir).data).split())
    assert "Ännu fler scener i Ödeshög" in shown and "maskerat" not in shown
    assert "Yttrande från kören.pdf" in shown and "Bilaga – siffror.pdf" in shown
