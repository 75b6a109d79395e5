"""Staff register answers that arrived by e-mail, by post or at a meeting."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from kick_forms import tally
from kick_forms.extensions import db
from kick_forms.models import (
    AuditEvent,
    ConsultationStatus,
    OutboxMessage,
    Response,
    Role,
)
from kick_forms.timeutil import to_local, utcnow
from tests.board.generated import add_response
from tests.conftest import at_once, login, make_consultation, make_user

ORGANISATION = {
    "organisation_name": "Lessebo bruksteater",
    "organisation_number": "",
    "municipality": "0761",
    "categories": ["amateur_theatre"],
    "contact_name": "Maja Berg",
    "contact_email": "maja@example.se",
    "may_publish_name": "yes",
    "channel": "post",
    "action": "register",
}
PDF = b"%PDF-1.4 Yttrande fran Lessebo bruksteater"


def _today() -> date:
    return to_local(utcnow()).date()


def _url(consultation) -> str:  # type: ignore[no-untyped-def]
    return f"/admin/r/{consultation.region.slug}/c/{consultation.id}/responses/new"


def _questions(consultation):  # type: ignore[no-untyped-def]
    return {question.label: question for question in consultation.questions}


def _editor(client):  # type: ignore[no-untyped-def]
    user = make_user("kronoberg", Role.EDITOR)
    login(client, user)
    return user


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def _form(client, consultation, **changes):  # type: ignore[no-untyped-def]
    """The entry form's hidden values from a fresh page, with the organisation and changes."""
    html = client.get(_url(consultation)).get_data(as_text=True)
    data = {
        **ORGANISATION,
        "csrf_token": _hidden(html, "csrf_token"),
        "nonce": _hidden(html, "nonce"),
        "staged": "",
        "received_on": (_today() - timedelta(days=2)).isoformat(),
    }
    data.update(changes)
    return data


def _totals(client, consultation) -> dict:  # type: ignore[no-untyped-def]
    summary = client.get(f"/api/v1/consultations/{consultation.id}/summary")
    assert summary.status_code == 200
    return summary.get_json()


def _board_total(client, label: str) -> int:
    html = client.get("/r/kronoberg/c/kulturplan/board").get_data(as_text=True)
    return int(re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", html).group(1))


def _entered() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Response).where(Response.entered_by_id.is_not(None))))


def test_an_entered_answer_moves_the_board_and_the_api_by_one_and_carries_its_channel(
    client, consultation
):
    q = _questions(consultation)
    add_response(consultation, name="Växjö kammarkör", municipality="0780", categories=["choir"],
                 named=True, answers={q["Hur väl?"]: "5"})  # fmt: skip
    consultation.board_visibility = "while_open"
    db.session.commit()
    public = client.application.test_client()
    before = _totals(public, consultation)
    assert _board_total(public, "Svar") == 1

    editor = _editor(client)
    arrived = _today() - timedelta(days=2)
    data = _form(client, consultation, received_on=arrived.isoformat())
    data[f"q-{q['Hur väl?'].id}"] = "4"
    data[f"q-{q['Vad saknas?'].id}"] = "En scen i Lessebo"
    data["files"] = [(_file(PDF), "yttrande.pdf")]
    sent = client.post(_url(consultation), data=data, content_type="multipart/form-data")
    assert sent.status_code == 303

    after = _totals(public, consultation)
    assert after["totals"]["responses"] == before["totals"]["responses"] + 1
    assert after["totals"]["organisations"] == before["totals"]["organisations"] + 1
    scale = next(s for s in after["questions"] if s["id"] == q["Hur väl?"].id)
    assert {bar["key"]: bar["count"] for bar in scale["bars"]}["4"] == 1
    assert _board_total(public, "Svar") == 2
    assert "En scen i Lessebo" in public.get("/r/kronoberg/c/kulturplan/board").get_data(
        as_text=True
    )
    connection = db.session.connection()
    kept = tally.counters(connection, consultation.id)
    tally.recount(connection, consultation.id)
    assert kept == tally.counters(connection, consultation.id)

    (response,) = _entered()
    assert (response.channel, response.status, response.entered_by_id) == (
        "post", "submitted", editor.id,
    )  # fmt: skip
    assert response.token_hash is None
    assert to_local(response.current_version.received_at).date() == arrived
    assert [a.filename for a in response.current_version.attachments] == ["yttrande.pdf"]
    # No receipt: the contact person gave no address to this service.
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0

    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert f"registrerades som {response.reference}" in page
    assert f"Inkommet med post {arrived.isoformat()}" in page
    assert "yttrande.pdf" in page and "Maja Berg" in page
    listed = client.get(f"/admin/r/kronoberg/c/{consultation.id}/responses").get_data(as_text=True)
    assert f"Inkommet med post {arrived.isoformat()}" in listed
    assert "efter sista dagen" not in listed


def _file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def test_the_list_filters_by_how_answers_arrived(client, consultation):
    add_response(consultation, name="Växjö kammarkör", municipality="0780", categories=["choir"],
                 named=True, answers={})  # fmt: skip
    db.session.commit()
    _editor(client)
    client.post(_url(consultation), data=_form(client, consultation, channel="email"))
    url = f"/admin/r/kronoberg/c/{consultation.id}/responses"
    by_email = client.get(f"{url}?channel=email").get_data(as_text=True)
    assert "Lessebo bruksteater" in by_email and "Växjö kammarkör" not in by_email
    by_form = client.get(f"{url}?channel=form").get_data(as_text=True)
    assert "Växjö kammarkör" in by_form and "Lessebo bruksteater" not in by_form
    assert '<option value="email" selected>E-post</option>' in by_email


def test_any_question_may_stay_blank_and_a_late_answer_is_marked(client, consultation):
    consultation.status = ConsultationStatus.CLOSED
    consultation.closes_at = utcnow() - timedelta(days=3)
    db.session.commit()
    _editor(client)
    form = client.get(_url(consultation)).get_data(as_text=True)
    assert "Sista dagen att svara var" in form
    # Required questions stay blank: the letter did not answer them.
    today = _today().isoformat()
    late = client.post(
        _url(consultation), data=_form(client, consultation, channel="email", received_on=today)
    )
    assert late.status_code == 303
    on_time_day = (_today() - timedelta(days=5)).isoformat()
    data = _form(client, consultation, channel="meeting", received_on=on_time_day,
                 organisation_name="Alvesta musikarrangörer", contact_email="")  # fmt: skip
    on_time = client.post(_url(consultation), data=data)
    assert on_time.status_code == 303

    assert {(r.organisation_name, r.status) for r in _entered()} == {
        ("Lessebo bruksteater", "submitted"), ("Alvesta musikarrangörer", "submitted"),
    }  # fmt: skip
    page = client.get(late.headers["Location"]).get_data(as_text=True)
    assert f"Inkommet via e-post {_today().isoformat()} (efter sista dagen)" in page
    assert "Inte besvarad" in page
    meeting = client.get(on_time.headers["Location"]).get_data(as_text=True)
    assert f"Lämnat vid möte {on_time_day}" in meeting and "efter sista dagen" not in meeting
    # A contact person with a name and no address: no empty mail link.
    assert "<p>Maja Berg</p>" in meeting and "mailto:" not in meeting


def test_errors_keep_what_was_typed_and_the_files(client, consultation):
    q = _questions(consultation)
    _editor(client)
    data = _form(client, consultation, organisation_name="", municipality="0761",
                 received_on=(_today() + timedelta(days=1)).isoformat(),
                 organisation_number="19121212-1212")  # fmt: skip
    data[f"q-{q['Medlemmar'].id}"] = "många"
    data[f"q-{q['Vad saknas?'].id}"] = "Lokaler för repetitioner"
    data["files"] = [(_file(PDF), "brev.pdf"), (_file(b"just text"), "lista.txt")]
    refused = client.post(_url(consultation), data=data, content_type="multipart/form-data")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "<title>Fel:" in html
    for anchor in ("organisation_name", "organisation_number", "received_on",
                   f"q-{q['Medlemmar'].id}", "files"):  # fmt: skip
        assert f'href="#{anchor}"' in html, anchor
    assert "senare än i dag" in html and "personnummer" in html
    assert "lista.txt: Filen måste vara" in html
    # What was typed is still there, and the PDF is kept as attached.
    assert "Lokaler för repetitioner</textarea>" in html and 'value="många"' in html
    assert '<option selected value="0761">' in html or '<option value="0761" selected>' in html
    assert "Ta bort brev.pdf" in html
    staged = _hidden(html, "staged")
    assert staged
    assert db.session.scalar(
        db.select(db.func.count()).select_from(Response).where(Response.status == "submitted")
    ) == 0  # fmt: skip

    data = _form(client, consultation, staged=staged, nonce=_hidden(html, "nonce"))
    data[f"q-{q['Vad saknas?'].id}"] = "Lokaler för repetitioner"
    fixed = client.post(_url(consultation), data=data)
    assert fixed.status_code == 303
    (response,) = _entered()
    assert response.id == int(staged) and response.status == "submitted"
    assert [a.filename for a in response.current_version.attachments] == ["brev.pdf"]
    assert "brev.pdf" in client.get(fixed.headers["Location"]).get_data(as_text=True)


def test_files_attached_one_at_a_time_and_one_taken_out(client, consultation):
    _editor(client)
    data = _form(client, consultation, action="attach")
    data["files"] = [(_file(PDF), "forsta.pdf")]
    first = client.post(_url(consultation), data=data, content_type="multipart/form-data")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "Filerna är bifogade" in html and "Ta bort forsta.pdf" in html
    assert 'value="Lessebo bruksteater"' in html
    staged = _hidden(html, "staged")
    (attached,) = _entered()[0].attachments

    data = _form(client, consultation, action="attach", staged=staged)
    data["files"] = [(_file(PDF + b" 2"), "andra.pdf")]
    html = client.post(_url(consultation), data=data, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert "Ta bort forsta.pdf" in html and "Ta bort andra.pdf" in html
    # A staged entry is a draft on the list, not an answer.
    listed = client.get(f"/admin/r/kronoberg/c/{consultation.id}/responses").get_data(as_text=True)
    assert "Registreras av personal" in listed

    # Someone else's id, or one beyond the column, is no staged entry: nothing is shown.
    for wrong in ("0", "abc", str(2**63)):
        page = client.get(f"{_url(consultation)}?staged={wrong}")
        assert page.status_code == 200 and "forsta.pdf" not in page.get_data(as_text=True)
    data = _form(client, consultation, staged=staged, remove=str(attached.id))
    registered = client.post(_url(consultation), data=data)
    assert registered.status_code == 303
    (response,) = _entered()
    assert [a.filename for a in response.current_version.attachments] == ["andra.pdf"]


def test_a_double_post_registers_one_answer(client, consultation):
    consultation.board_visibility = "while_open"
    db.session.commit()
    _editor(client)
    data = _form(client, consultation)
    first = client.post(_url(consultation), data=data)
    again = client.post(_url(consultation), data=data)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert len(_entered()) == 1
    assert _totals(client.application.test_client(), consultation)["totals"]["responses"] == 1


def test_a_double_click_at_once_registers_one_answer(app, client, consultation):
    _editor(client)
    other = app.test_client()
    login(other, make_user("kronoberg", Role.ADMIN))
    nonce = _hidden(client.get(_url(consultation)).get_data(as_text=True), "nonce")
    forms = [_form(c, consultation, nonce=nonce) for c in (client, other)]
    clients = iter([(client, forms[0]), (other, forms[1])])
    url = _url(consultation)
    db.session.commit()  # the test's own reads must not hold SQLite's lock meanwhile

    def post():  # type: ignore[no-untyped-def]
        visitor, data = next(clients)
        return visitor.post(url, data=data)

    results = at_once(app, 2, post)
    assert [result.status_code for result in results] == [303, 303]
    assert len({result.headers["Location"] for result in results}) == 1
    assert len(_entered()) == 1


def test_who_may_register_answers(client, consultation):
    url = _url(consultation)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/admin/login")

    viewer = client.application.test_client()
    login(viewer, make_user("kronoberg", Role.VIEWER))
    assert viewer.get(url).status_code == 403
    lists = viewer.get(f"/admin/r/kronoberg/c/{consultation.id}/responses")
    assert "Registrera svar som kommit in på annat sätt" not in lists.get_data(as_text=True)

    other = client.application.test_client()
    login(other, make_user("blekinge", Role.EDITOR))
    assert other.get(url).status_code == 404

    editor = client.application.test_client()
    login(editor, make_user("kronoberg", Role.EDITOR))
    listed = editor.get(f"/admin/r/kronoberg/c/{consultation.id}/responses")
    assert f'href="{url}"' in listed.get_data(as_text=True)
    assert "Registrera svar som kommit in på annat sätt" in listed.get_data(as_text=True)
    assert _entered() == []


def test_not_on_a_draft_consultation(client):
    consultation = make_consultation(status=ConsultationStatus.DRAFT)
    _editor(client)
    page = client.get(_url(consultation)).get_data(as_text=True)
    assert "när det är öppet" in page and 'name="nonce"' not in page
    html = client.get(f"/admin/r/kronoberg/c/{consultation.id}/")
    assert html.status_code == 200
    token = _hidden(
        client.get(f"/admin/r/kronoberg/c/{consultation.id}/settings").get_data(as_text=True),
        "csrf_token",
    )
    refused = client.post(
        _url(consultation), data={**ORGANISATION, "csrf_token": token, "nonce": "n" * 32}
    )
    assert refused.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 0


def test_registering_is_in_the_audit_log_without_personal_data(client, consultation):
    _editor(client)
    client.post(_url(consultation), data=_form(client, consultation))
    (response,) = _entered()
    (event,) = db.session.scalars(db.select(AuditEvent).filter_by(action="response.enter"))
    assert event.subject == f"response:{response.id}" and event.detail == "channel=post"
    assert event.region_id == consultation.region_id
    assert "Maja" not in event.detail + event.subject


def test_the_registrar_is_told_and_the_contact_gets_no_receipt(client, consultation):
    consultation.registrar_email = "registrator@kronoberg.example.se"
    db.session.commit()
    _editor(client)
    client.post(_url(consultation), data=_form(client, consultation))
    (response,) = _entered()
    mails = db.session.scalars(db.select(OutboxMessage)).all()
    assert [mail.to_address for mail in mails] == ["registrator@kronoberg.example.se"]
    assert response.current_version.reference in mails[0].subject
    assert "Kanal: Post" in mails[0].body_text
