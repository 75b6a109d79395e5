"""Each version's record names its sender as sent, whatever the organisation changes later."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, Response, Role
from kick_forms.timeutil import utcnow
from tests.conftest import login, make_user
from tests.records.conftest import pdf_text, url
from tests.responses.conftest import ORGANISATION, nonce_on, start

RENAMED = {
    "organisation_name": "Råshults kulturförening",
    "organisation_number": "802999-0002",
    "municipality": "0780",
    "categories": ["choir"],
    "contact_name": "Olle Nyström",
    "contact_email": "olle@example.se",
    "may_publish_name": "no",
}


def _send(client, token: str, place: str) -> None:
    """Answer the required questions and send the answer (again)."""
    consultation = db.session.scalars(db.select(Response)).one().consultation
    q = {question.label: question for question in consultation.questions}
    client.post(f"/respond/{token}/s/1", data={f"q-{q['Ort'].id}": place, "action": "save"})
    client.post(f"/respond/{token}/s/2", data={f"q-{q['Hur väl?'].id}": "3", "action": "save"})
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    assert (
        client.post(f"/respond/{token}/submit", data={"nonce": nonce_on(check)}).status_code == 303
    )


def _words(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def test_an_organisation_that_renames_itself_leaves_the_first_versions_record_as_sent(
    client, consultation
):
    token = start(client)
    _send(client, token, "Älmhult")
    about = client.post(f"/respond/{token}/about", data=RENAMED)
    assert about.status_code == 303
    _send(client, token, "Växjö")
    editor = client.application.test_client()
    login(editor, make_user("kronoberg", Role.EDITOR))
    response = db.session.scalars(db.select(Response)).one()
    assert [version.number for version in response.versions] == [1, 2]
    assert response.organisation_name == RENAMED["organisation_name"]

    pdf = f"responses/{response.id}/answer.pdf"
    first = _words(editor.get(url(consultation, f"{pdf}?version=1")).data)
    second = _words(editor.get(url(consultation, f"{pdf}?version=2")).data)
    old_name, new_name = ORGANISATION["organisation_name"], RENAMED["organisation_name"]
    assert f"Svar från {old_name} på" in first and new_name not in first
    assert "802455-1239" in first and "Alvesta" in first and "Hembygdsförening" in first
    assert "Karin Andersson" in first and "karin@example.se" in first and "Olle" not in first
    assert f"Svar från {new_name} på" in second and old_name not in second
    assert "802999-0002" in second and "Växjö" in second and "Kör" in second
    assert "Olle Nyström" in second and "olle@example.se" in second and "Karin" not in second

    listed = editor.get(url(consultation, "records/incoming.csv")).data.decode("utf-8-sig")
    rows = {row[1]: row for row in csv.reader(io.StringIO(listed), delimiter=";")}
    assert rows[f"{response.reference}-1"][2:4] == [old_name, "802455-1239"]
    assert rows[f"{response.reference}-2"][2:4] == [new_name, "802999-0002"]

    now = utcnow()
    builder.change_status(consultation, ConsultationStatus.CLOSED, now)
    builder.change_status(consultation, ConsultationStatus.PUBLISHED, now)
    db.session.commit()
    package = editor.get(url(consultation, "records/archive.zip"))
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        folder = f"answers/{response.reference}/{response.reference}"
        sent = [json.loads(archive.read(f"{folder}-{number}.json")) for number in (1, 2)]
    assert sent[0]["organisation"] == {
        "name": old_name,
        "organisation_number": "802455-1239",
        "municipality": {"code": "0764", "name": "Alvesta"},
        "kinds": [{"key": "local_heritage", "name": "Hembygdsförening"}],
        "may_publish_name": True,
    }
    assert sent[0]["contact_person"] == {"name": "Karin Andersson", "email": "karin@example.se"}
    assert sent[1]["organisation"]["name"] == new_name
    assert sent[1]["organisation"]["may_publish_name"] is False
    assert sent[1]["contact_person"] == {"name": "Olle Nyström", "email": "olle@example.se"}
