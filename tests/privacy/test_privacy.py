"""The privacy notice, a contact person's data on request, and the audit log staff read."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from sqlalchemy import delete, select

from kick_forms import tally
from kick_forms.extensions import db
from kick_forms.models import (
    AuditEvent,
    Consultation,
    ConsultationStatus,
    Organisation,
    OrganisationContact,
    RegisterImport,
    Response,
    ResponseContact,
    Role,
)
from kick_forms.organisations import services as register
from kick_forms.responses.services import record_version
from kick_forms.timeutil import utcnow
from tests.conftest import csrf_token, login, make_consultation, make_user, region

NOTICE = "/integritet"


def _organisation(slug: str, name: str, *contacts: tuple[str, str]) -> Organisation:
    organisation = register.register_organisation(
        region(slug), register.OrganisationData(name, None, None, [])
    )
    for contact_name, email in contacts:
        register.add_contact(region(slug), organisation, contact_name, email)
    db.session.commit()
    return organisation


def _answer(consultation: Consultation, organisation: str, name: str, email: str) -> Response:
    response = Response(consultation_id=consultation.id, organisation_name=organisation)
    response.contact = ResponseContact(name=name, email=email)
    db.session.add(response)
    db.session.commit()
    return response


def _events() -> list[AuditEvent]:
    """The events of what a test does; the roles its staff were given are left out."""
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action != "role.grant").order_by(AuditEvent.id)
        )
    )


def _export_url(organisation: Organisation, contact: OrganisationContact, slug="kronoberg") -> str:
    return f"/admin/r/{slug}/organisations/{organisation.id}/contacts/{contact.id}/export"


def test_the_notice_is_public_and_linked_from_every_page(client, app):
    notice = client.get(NOTICE)
    html = notice.get_data(as_text=True)
    assert notice.status_code == 200
    assert "<h1>Integritet och personuppgifter</h1>" in html
    assert "personuppgiftsansvarig" in html and "Integritetsskyddsmyndigheten" in html
    assert "3 år" in html  # the default retention, 1095 days
    assert "Privacy and personal data" in client.get(f"{NOTICE}?lang=en").get_data(as_text=True)

    app.config["CONTACT_RETENTION_DAYS"] = 180
    assert "6 månader" in client.get(f"{NOTICE}?lang=sv").get_data(as_text=True)

    make_consultation(status=ConsultationStatus.OPEN)
    for path in ("/", "/r/kronoberg/", "/r/kronoberg/c/kulturplan/", "/admin/login", "/nowhere"):
        assert f'href="{NOTICE}"' in client.get(path).get_data(as_text=True), path
    login(client, make_user("kronoberg", Role.VIEWER))
    assert f'href="{NOTICE}"' in client.get("/admin/r/kronoberg/").get_data(as_text=True)


def test_a_contact_export_holds_that_person_and_their_answers_in_this_region_only(client):
    choir = _organisation(
        "kronoberg", "Växjö kammarkör", ("Eva Ek", "eva@example.se"), ("Olle Ås", "olle@example.se")
    )
    eva = choir.all_contacts[0]
    here = make_consultation(slug="kulturplan")
    elsewhere = make_consultation(region_slug="blekinge", slug="kulturplan")
    mine = _answer(here, "Växjö kammarkör", "Eva Ek", "EVA@example.se")
    _answer(here, "Ljungby kör", "Karin Berg", "karin@example.se")
    theirs = _answer(elsewhere, "Växjö kammarkör", "Eva Ek", "eva@example.se")
    login(client, make_user("kronoberg", Role.EDITOR))

    exported = client.get(_export_url(choir, eva))
    assert exported.status_code == 200
    assert exported.mimetype == "application/json"
    assert exported.headers["Content-Disposition"].startswith("attachment; filename=")
    assert exported.headers["Cache-Control"] == "no-store"
    record = json.loads(exported.get_data(as_text=True))
    person = record["contact_person"]
    assert (person["name"], person["email"]) == ("Eva Ek", "eva@example.se")
    assert person["created_at"] and person["unsubscribed_at"] is None
    assert record["organisation"] == {"id": choir.id, "name": "Växjö kammarkör"}
    assert [answer["response"] for answer in record["answers"]] == [mine.reference]
    assert record["answers"][0]["consultation"] == here.title
    assert record["answers"][0]["email"] == "EVA@example.se"
    assert record["answers"][0]["status"] == "draft"
    body = exported.get_data(as_text=True)
    for other in ("Olle", "olle@", "Karin", "karin@", theirs.reference, "Ljungby"):
        assert other not in body

    (event,) = _events()
    assert (event.action, event.subject) == ("contact.export", f"contact:{eva.id}")
    assert event.region_id == region("kronoberg").id
    written = f"{event.subject} {event.detail}"
    assert "Eva" not in written and "eva@" not in written.lower()


def test_a_contact_export_holds_the_sent_versions_that_named_them_after_a_new_contact(client):
    choir = _organisation("kronoberg", "Växjö kammarkör", ("Eva Ek", "eva@example.se"))
    eva = choir.all_contacts[0]
    here = make_consultation(slug="kulturplan", status=ConsultationStatus.OPEN)
    elsewhere = make_consultation(region_slug="blekinge", slug="kulturplan")
    mine = _answer(here, "Växjö kammarkör", "Eva Ek", "EVA@example.se")
    theirs = _answer(elsewhere, "Växjö kammarkör", "Eva Ek", "eva@example.se")
    for response, nonce in ((mine, "first"), (theirs, "theirs")):
        with tally.kept_for(response):
            record_version(response, {}, nonce * 8, utcnow())
    # The choir sends again with another contact person: Eva is left only in what was sent.
    mine.contact.name, mine.contact.email = "Olle Ås", "olle@example.se"
    with tally.kept_for(mine):
        record_version(mine, {}, "second" * 8, utcnow())
    db.session.commit()
    login(client, make_user("kronoberg", Role.EDITOR))

    record = json.loads(client.get(_export_url(choir, eva)).get_data(as_text=True))
    assert record["answers"] == []
    [sent] = record["sent_versions"]
    assert sent["version"] == f"{mine.reference}-1" and sent["consultation"] == here.title
    assert (sent["name"], sent["email"]) == ("Eva Ek", "EVA@example.se")
    assert sent["organisation"] == "Växjö kammarkör" and sent["arrived_at"]
    assert theirs.reference not in json.dumps(record)


def test_viewers_may_not_export_and_other_regions_do_not_find_the_contact(client):
    choir = _organisation("kronoberg", "Växjö kammarkör", ("Eva Ek", "eva@example.se"))
    other = _organisation("kronoberg", "Ljungby kör", ("Karin Berg", "karin@example.se"))
    eva = choir.all_contacts[0]
    login(client, make_user("kronoberg", Role.VIEWER))
    assert client.get(_export_url(choir, eva)).status_code == 403
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    login(client, make_user("blekinge", Role.EDITOR))
    assert client.get(_export_url(choir, eva)).status_code == 404
    assert client.get(_export_url(choir, eva, slug="blekinge")).status_code == 404
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    login(client, make_user("kronoberg", Role.EDITOR))
    assert client.get(_export_url(other, eva)).status_code == 404  # not that organisation's
    assert _events() == []
    page = client.get(f"/admin/r/kronoberg/organisations/{choir.id}").get_data(as_text=True)
    assert f'href="{_export_url(choir, eva)}"' in page


def test_staff_actions_on_personal_data_are_audited_without_personal_data(client):
    choir = _organisation("kronoberg", "Växjö kammarkör", ("Eva Ek", "eva@example.se"))
    eva_id = choir.all_contacts[0].id
    consultation = make_consultation()
    answer = _answer(consultation, "Växjö kammarkör", "Eva Ek", "eva@example.se")
    staff = "/admin/r/kronoberg"

    login(client, make_user("kronoberg", Role.VIEWER))
    client.get(f"{staff}/organisations/{choir.id}")  # a viewer sees no contact person
    client.get(f"{staff}/c/{consultation.id}/responses/{answer.id}")
    assert _events() == []
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    login(client, make_user("kronoberg", Role.EDITOR))
    token = csrf_token(client, f"{staff}/organisations/{choir.id}")
    client.get(f"{staff}/c/{consultation.id}/responses/{answer.id}")
    client.get(f"{staff}/c/{consultation.id}/export.csv")
    client.get(f"{staff}/c/{consultation.id}/export.xlsx")
    client.get(f"{staff}/c/{consultation.id}/attachments.zip")
    client.get(f"{staff}/organisations/export.xlsx")
    client.post(
        f"{staff}/organisations/{choir.id}/contacts/{eva_id}/delete", data={"csrf_token": token}
    )
    client.get(f"{staff}/organisations/{choir.id}")  # no contact person left: nothing seen
    client.post(f"{staff}/c/{consultation.id}/status", data={"csrf_token": token, "status": "open"})
    uploaded = client.post(
        f"{staff}/organisations/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"Namn\nLjungby kor\n"), "r.csv")},
        content_type="multipart/form-data",
    )
    client.post(f"{uploaded.headers['Location']}/run", data={"csrf_token": token})

    import_id = db.session.scalars(select(RegisterImport.id)).one()
    assert [(e.action, e.subject, e.detail) for e in _events()] == [
        ("contacts.view", f"organisation:{choir.id}", ""),
        ("response.view", f"response:{answer.id}", ""),
        ("responses.export", f"consultation:{consultation.id}", "format=csv"),
        ("responses.export", f"consultation:{consultation.id}", "format=xlsx"),
        ("responses.export", f"consultation:{consultation.id}", "format=zip"),
        ("register.export", "register", "format=xlsx"),
        ("contact.erase", f"contact:{eva_id}", f"organisation={choir.id}"),
        ("consultation.status", f"consultation:{consultation.id}", "status=open"),
        ("register.import", f"import:{import_id}", "imported=1 updated=0 contacts=0 skipped=0"),
    ]
    assert {e.region_id for e in _events()} == {region("kronoberg").id}
    assert all(e.user_id is not None for e in _events())


def test_the_audit_log_shows_the_regions_own_events_newest_first_in_pages(client):
    choir = _organisation("kronoberg", "Växjö kammarkör", ("Eva Ek", "eva@example.se"))
    editor = make_user("kronoberg", Role.EDITOR)
    now = utcnow()
    kronoberg, blekinge = region("kronoberg"), region("blekinge")
    db.session.add_all(
        [
            AuditEvent(at=now - timedelta(minutes=3), region_id=kronoberg.id, user_id=editor.id,
                       action="contacts.view", subject=f"organisation:{choir.id}"),
            AuditEvent(at=now - timedelta(minutes=2), region_id=kronoberg.id, user_id=editor.id,
                       action="contact.erase", subject="contact:99",
                       detail=f"organisation={choir.id}"),
            AuditEvent(at=now - timedelta(minutes=1), region_id=blekinge.id,
                       action="register.export", subject="register", detail="format=csv"),
            AuditEvent(at=now, region_id=None, action="privacy.purge", detail="contacts=2"),
        ]
    )  # fmt: skip
    db.session.commit()
    login(client, make_user("kronoberg", Role.VIEWER))
    db.session.execute(delete(AuditEvent).where(AuditEvent.action == "role.grant"))
    db.session.commit()
    assert 'href="/admin/r/kronoberg/audit"' in client.get("/admin/r/kronoberg/").get_data(
        as_text=True
    )

    html = client.get("/admin/r/kronoberg/audit").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", html, re.S)
    assert len(rows) == 2
    assert "Raderade en kontaktpersons uppgifter" in rows[0] and "Kontaktperson 99" in rows[0]
    assert "Visade kontaktpersoner" in rows[1] and editor.email in rows[1]
    assert f'href="/admin/r/kronoberg/organisations/{choir.id}">Växjö kammarkör</a>' in rows[1]
    assert "Laddade ner registret" not in html and "Gallrade" not in html
    assert "Eva" not in html

    db.session.add_all(
        AuditEvent(at=now - timedelta(hours=1, seconds=n), region_id=kronoberg.id,
                   action="register.export", subject="register", detail="format=csv")
        for n in range(55)
    )  # fmt: skip
    db.session.commit()
    first = client.get("/admin/r/kronoberg/audit").get_data(as_text=True)
    assert len(re.findall(r"<tr>\s*<td>", first)) == 50 and "sida 1 av 2" in first
    second = client.get("/admin/r/kronoberg/audit?page=2").get_data(as_text=True)
    assert len(re.findall(r"<tr>\s*<td>", second)) == 7
    assert client.get("/admin/r/blekinge/audit").status_code == 404
