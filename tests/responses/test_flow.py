"""The whole answering flow through the HTTP client, as an association goes through it."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    OutboxMessage,
    Response,
    ResponseContact,
    ResponseStatus,
    ResponseVersion,
)
from kick_forms.tokens import hash_token
from tests.responses.conftest import START, nonce_on, start


def _questions(consultation):
    return {q.label: q for q in consultation.questions}


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_start_autosave_return_attach_check_submit_amend_withdraw(client, consultation):
    q = _questions(consultation)
    token = start(client)
    response = db.session.scalars(select(Response)).one()
    # Only the hash of the link is stored; the contact person is kept apart.
    assert response.token_hash == hash_token(token) and token not in response.token_hash
    assert response.organisation_number == "802455-1239"
    assert db.session.scalars(select(ResponseContact)).one().email == "karin@example.se"
    started_mail = db.session.scalars(select(OutboxMessage)).one()
    assert token in started_mail.body_text and started_mail.to_address == "karin@example.se"

    overview = client.get(f"/respond/{token}")
    assert overview.status_code == 200
    assert token in overview.get_data(as_text=True)  # the link is shown to copy

    # Autosave from the first section, as htmx sends it while typing.
    saved = client.post(
        f"/respond/{token}/s/1/autosave",
        data={f"q-{q['Ort'].id}": "Älmhult", f"q-{q['Medlemmar'].id}": "120"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "Sparat" in saved.get_data(as_text=True)

    # Leave, and come back through the link in another browser: the answers are there.
    other = client.application.test_client()
    page = other.get(f"/respond/{token}/s/1").get_data(as_text=True)
    assert 'value="Älmhult"' in page and 'value="120"' in page

    # The second section, without JavaScript: "Save and continue" moves on to the check page.
    second = client.post(
        f"/respond/{token}/s/2",
        data={
            f"q-{q['Vad saknas?'].id}": "Mer stöd till landsbygden.",
            f"q-{q['Hur väl?'].id}": "4",
            f"q-{q['Tillfrågade?'].id}": "no",
            "action": "check",
        },
    )
    assert second.status_code == 303 and second.headers["Location"].endswith("/check")

    upload = client.post(
        f"/respond/{token}/attachments",
        data={"file": (io.BytesIO(_pdf()), "remissvar.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    attachment = response.attachments[0]
    download = client.get(f"/respond/{token}/attachments/{attachment.id}")
    assert download.data == _pdf() and "attachment" in download.headers["Content-Disposition"]

    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    assert "Älmhult" in check and "Mer stöd till landsbygden." in check and "remissvar.pdf" in check
    submitted = client.post(f"/respond/{token}/submit", data={"nonce": nonce_on(check)})
    assert submitted.status_code == 303
    confirmation = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert response.reference in confirmation
    db.session.refresh(response)
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_at is not None
    receipt = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "Älmhult" in receipt.body_text and response.reference in receipt.body_text

    # Amend: change an answer and send again; both versions are kept.
    client.post(f"/respond/{token}/s/1", data={f"q-{q['Ort'].id}": "Växjö", "action": "save"})
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    assert "inte skickats" in check or "not sent" in check
    client.post(f"/respond/{token}/submit", data={"nonce": nonce_on(check)})
    db.session.refresh(response)
    assert [v.number for v in response.versions] == [1, 2]
    assert response.amended_at is not None and response.current_version.number == 2
    latest = db.session.scalars(
        select(Answer).filter_by(version_id=response.current_version_id, question_id=q["Ort"].id)
    ).one()
    first = db.session.scalars(
        select(Answer).filter_by(version_id=response.versions[0].id, question_id=q["Ort"].id)
    ).one()
    assert (first.text_value, latest.text_value) == ("Älmhult", "Växjö")

    # Withdraw: the link stops working and leaks nothing.
    assert client.get(f"/respond/{token}/withdraw").status_code == 200
    withdrawn = client.post(f"/respond/{token}/withdraw")
    assert withdrawn.status_code == 200
    db.session.refresh(response)
    assert response.status == ResponseStatus.WITHDRAWN and response.token_hash is None
    assert client.get(f"/respond/{token}").status_code == 404


def test_the_same_submit_twice_keeps_one_version(client, consultation):
    q = _questions(consultation)
    token = start(client)
    client.post(f"/respond/{token}/s/1", data={f"q-{q['Ort'].id}": "Ljungby"})
    client.post(f"/respond/{token}/s/2", data={f"q-{q['Hur väl?'].id}": "3"})
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    first = client.post(f"/respond/{token}/submit", data={"nonce": nonce})
    again = client.post(f"/respond/{token}/submit", data={"nonce": nonce})
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(ResponseVersion)) == 1
    receipts = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("Kvitto%"))
    )
    assert len(receipts.all()) == 1


def test_a_double_click_on_start_makes_one_draft(client, consultation):
    from tests.responses.conftest import ORGANISATION

    page = client.get(START).get_data(as_text=True)
    import re

    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    client.post(START, data={**ORGANISATION, "nonce": nonce})
    second = client.post(START, data={**ORGANISATION, "nonce": nonce})
    assert second.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_required_answers_and_bad_values_stop_the_submit_but_are_kept(client, consultation):
    q = _questions(consultation)
    token = start(client)
    saved = client.post(
        f"/respond/{token}/s/1",
        data={f"q-{q['Medlemmar'].id}": "ungefär hundra", "action": "next"},
    )
    assert saved.status_code == 422
    html = saved.get_data(as_text=True)
    assert 'value="ungefär hundra"' in html and "heltal" in html
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    response = client.post(f"/respond/{token}/submit", data={"nonce": nonce_on(check)})
    assert response.status_code == 409
    assert f"#q-{q['Ort'].id}" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ResponseVersion)) == 0


def test_a_number_too_large_to_store_is_kept_as_typed_and_explained(client, consultation):
    q = _questions(consultation)
    token = start(client)
    huge = "99 999 999 999 999 999 999"
    saved = client.post(
        f"/respond/{token}/s/1", data={f"q-{q['Medlemmar'].id}": huge, "action": "next"}
    )
    assert saved.status_code == 422
    html = saved.get_data(as_text=True)
    assert f'value="{huge}"' in html and "mellan -2 000 000 000 och 2 000 000 000" in html
    answer = db.session.scalars(select(Answer).where(Answer.question_id == q["Medlemmar"].id)).one()
    assert (answer.text_value, answer.number_value) == (huge, None)


def test_attachments_are_judged_by_their_content(client, consultation):
    token = start(client)

    def upload(data: bytes, name: str):
        return client.post(
            f"/respond/{token}/attachments",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    assert upload(_docx(), "svar.docx").status_code == 303
    too_big = upload(b"%PDF-" + b"0" * 11_000_000, "stor.pdf")
    assert too_big.status_code == 422 and "10 MB" in too_big.get_data(as_text=True)
    renamed = upload(b"MZ\x90\x00" + b"\x00" * 100, "svar.pdf")
    assert renamed.status_code == 422 and "PDF" in renamed.get_data(as_text=True)
    empty = upload(b"", "tom.pdf")
    assert empty.status_code == 422 and ("tom" in empty.get_data(as_text=True).lower())
    response = db.session.scalars(select(Response)).one()
    assert [a.filename for a in response.attachments] == ["svar.docx"]


def test_guessed_or_altered_links_give_404(client, consultation):
    token = start(client)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for url in (f"/respond/{altered}", f"/respond/{'x' * 43}", "/respond/short",
                f"/respond/{altered}/check", f"/respond/{altered}/s/1"):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(f"/respond/{altered}/submit", data={"nonce": "n" * 32}).status_code == 404


def test_personal_identity_numbers_are_refused(client, consultation):
    page = client.get(START).get_data(as_text=True)
    import re

    from tests.responses.conftest import ORGANISATION

    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        START, data={**ORGANISATION, "organisation_number": "850101-1236", "nonce": nonce}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "personnummer" in html and 'value="850101-1236"' in html
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_cross_site_posts_are_refused(client, consultation):
    response = client.post(START, data={}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    response = client.post(START, data={}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
