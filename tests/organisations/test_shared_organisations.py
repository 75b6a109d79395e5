"""An organisation two regions list: each sees, exports, erases and mails only its own contact
persons and notes; only the region that registered it first (or KICK's staff) changes the facts
they share, and every such change is in the log of every region it touches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from kick_forms.extensions import db
from kick_forms.invitations import services as invitations
from kick_forms.models import (
    AuditEvent,
    ConsultationStatus,
    Organisation,
    OrganisationContact,
    OutboxMessage,
    Role,
)
from kick_forms.organisations import services as register
from kick_forms.organisations.services import RegisterSearch
from kick_forms.timeutil import utcnow
from tests.conftest import csrf_token, login, make_consultation, make_user, region

NUMBER = "802455-1239"


def _staff(client, slug: str, role: Role = Role.EDITOR, platform: bool = False):  # type: ignore[no-untyped-def]
    staff = client.application.test_client()
    login(staff, make_user(None if platform else slug, None if platform else role, platform))
    return staff


def _register(slug: str) -> str:
    return f"/admin/r/{slug}/organisations"


def _events(slug: str, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .filter_by(region_id=region(slug).id, action=action)
            .order_by(AuditEvent.id)
        )
    )


def _kronoberg_choir() -> Organisation:
    organisation = register.register_organisation(
        region("kronoberg"),
        register.OrganisationData("Växjö kammarkör", NUMBER, "0780", ["choir"]),
    )
    register.add_contact(region("kronoberg"), organisation, "Karin Kronberg", "karin@example.se")
    db.session.commit()
    return organisation


def _list_by_number(staff, slug: str, name: str = "Kammarkören"):  # type: ignore[no-untyped-def]
    return staff.post(
        f"{_register(slug)}/new",
        data={
            "csrf_token": csrf_token(staff, f"{_register(slug)}/new"),
            "name": name,
            "organisation_number": NUMBER.replace("-", ""),
            "municipality": "1080",
        },
    )


def _edit_facts(staff, slug: str, organisation: Organisation, name: str):  # type: ignore[no-untyped-def]
    edit = f"{_register(slug)}/{organisation.id}/edit"
    return staff.post(
        edit,
        data={
            "csrf_token": csrf_token(staff, edit),
            "name": name,
            "organisation_number": NUMBER,
            "municipality": "0780",
            "categories": ["choir"],
        },
    )


def test_a_region_that_lists_another_regions_organisation_sees_none_of_its_contacts(client):
    choir = _kronoberg_choir()
    karin = choir.all_contacts[0]
    blekinge = _staff(client, "blekinge")

    listed = _list_by_number(blekinge, "blekinge")
    assert listed.status_code == 303
    assert db.session.scalars(select(Organisation)).all() == [choir]  # one record, two listings
    page = blekinge.get(listed.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Växjö kammarkör" in html
    assert "Karin" not in html and "karin@example.se" not in html

    # Neither exported, nor erased through Blekinge: not Blekinge's to see.
    contact_url = f"{_register('blekinge')}/{choir.id}/contacts/{karin.id}"
    export = f"/admin/r/blekinge/organisations/{choir.id}/contacts/{karin.id}/export"
    assert blekinge.get(export).status_code == 404
    token = csrf_token(blekinge, f"{_register('blekinge')}/{choir.id}")
    erase = blekinge.post(f"{contact_url}/delete", data={"csrf_token": token})
    assert erase.status_code == 404
    assert db.session.get(OrganisationContact, karin.id) is not None
    assert _events("blekinge", "contact.export") == _events("blekinge", "contact.erase") == []
    # Kronoberg's log says who else lists its organisation.
    (listed_event,) = _events("kronoberg", "register.list")
    assert listed_event.detail == "by=region:blekinge"


def test_each_region_sees_exports_and_erases_only_its_own_contact_persons(client):
    choir = _kronoberg_choir()
    blekinge = _staff(client, "blekinge")
    kronoberg = _staff(client, "kronoberg")
    _list_by_number(blekinge, "blekinge")
    page = f"{_register('blekinge')}/{choir.id}"
    added = blekinge.post(
        f"{page}/contacts",
        data={
            "csrf_token": csrf_token(blekinge, page),
            "contact_name": "Bo Blekinger",
            "contact_email": "bo@example.se",
        },
    )
    assert added.status_code == 303
    bo = db.session.scalars(select(OrganisationContact).filter_by(email="bo@example.se")).one()
    assert bo.region_id == region("blekinge").id

    kronoberg_page = kronoberg.get(f"{_register('kronoberg')}/{choir.id}").get_data(as_text=True)
    assert "Karin Kronberg" in kronoberg_page and "Bo Blekinger" not in kronoberg_page
    blekinge_page = blekinge.get(page).get_data(as_text=True)
    assert "Bo Blekinger" in blekinge_page and "Karin" not in blekinge_page

    # The data export of Blekinge's own contact names Blekinge, and only Bo.
    exported = blekinge.get(f"/admin/r/blekinge/organisations/{choir.id}/contacts/{bo.id}/export")
    assert exported.status_code == 200
    body = exported.get_data(as_text=True)
    assert "bo@example.se" in body and "karin" not in body.lower()
    assert region("blekinge").name in body
    assert [e.subject for e in _events("blekinge", "contact.export")] == [f"contact:{bo.id}"]
    assert _events("kronoberg", "contact.export") == []

    # Kronoberg erases its own contact; Blekinge's stays, and each log has only its own.
    karin_id = choir.all_contacts[0].id
    token = csrf_token(kronoberg, f"{_register('kronoberg')}/{choir.id}")
    erase = kronoberg.post(
        f"{_register('kronoberg')}/{choir.id}/contacts/{karin_id}/delete",
        data={"csrf_token": token},
    )
    assert erase.status_code == 303
    left = db.session.scalars(select(OrganisationContact)).all()
    assert [contact.email for contact in left] == ["bo@example.se"]
    assert [e.subject for e in _events("kronoberg", "contact.erase")] == [f"contact:{karin_id}"]
    assert _events("blekinge", "contact.erase") == []


def test_only_the_owner_region_changes_shared_facts_and_every_listing_region_reads_it(client):
    choir = _kronoberg_choir()
    blekinge = _staff(client, "blekinge")
    _list_by_number(blekinge, "blekinge", name="Ett annat namn")
    edit = f"{_register('blekinge')}/{choir.id}/edit"
    facts = {"name": "Omdöpt kör", "organisation_number": "", "municipality": "1080"}

    assert blekinge.get(edit).status_code == 403
    assert blekinge.post(edit, data=facts).status_code in (400, 403)
    db.session.expire_all()
    assert db.session.get(Organisation, choir.id).name == "Växjö kammarkör"
    assert "Ändra uppgifterna" not in blekinge.get(f"{_register('blekinge')}/{choir.id}").get_data(
        as_text=True
    )

    # The owner changes them; the change is in both regions' logs, naming who made it.
    changed = _edit_facts(_staff(client, "kronoberg"), "kronoberg", choir, "Växjö kammarorkester")
    assert changed.status_code == 303
    for slug in ("kronoberg", "blekinge"):
        (event,) = _events(slug, "organisation.update")
        assert event.subject == f"organisation:{choir.id}"
        assert event.detail == "by=region:kronoberg fields=name"

    # KICK's staff may change them from any region's register.
    again = _edit_facts(_staff(client, "", platform=True), "blekinge", choir, "Växjö kammarkör")
    assert again.status_code == 303
    assert len(_events("kronoberg", "organisation.update")) == 2


def test_notes_are_each_regions_own(client):
    choir = _kronoberg_choir()
    blekinge = _staff(client, "blekinge")
    kronoberg = _staff(client, "kronoberg")
    _list_by_number(blekinge, "blekinge")
    page = f"{_register('blekinge')}/{choir.id}"
    saved = blekinge.post(
        f"{page}/notes",
        data={"csrf_token": csrf_token(blekinge, page), "notes": "Ring före jul."},
    )
    assert saved.status_code == 303
    assert "Ring före jul." in blekinge.get(page).get_data(as_text=True)
    kronoberg_page = kronoberg.get(f"{_register('kronoberg')}/{choir.id}").get_data(as_text=True)
    assert "Ring före jul." not in kronoberg_page
    assert [e.subject for e in _events("blekinge", "register.notes")] == [
        f"organisation:{choir.id}"
    ]


def test_invitations_and_reminders_reach_only_the_inviting_regions_contacts(client):
    choir = _kronoberg_choir()
    register.register_organisation(
        region("blekinge"), register.OrganisationData("Kören", NUMBER, None, [])
    )
    register.add_contact(region("blekinge"), choir, "Bo Blekinger", "bo@example.se")
    db.session.commit()
    consultation = make_consultation("blekinge", status=ConsultationStatus.OPEN)
    user = make_user("blekinge", Role.EDITOR)
    report = invitations.invite(consultation, RegisterSearch(), user, utcnow())
    db.session.commit()
    assert (report.invited, report.mails) == (1, 1)
    assert [m.to_address for m in db.session.scalars(select(OutboxMessage))] == ["bo@example.se"]

    # A reminder as closing comes near goes to Blekinge's contact only, too.
    db.session.execute(delete(OutboxMessage))
    consultation.closes_at = utcnow() + timedelta(hours=12)
    db.session.commit()
    sent = invitations.send_reminders(utcnow(), [7, 1])
    db.session.commit()
    assert sent.mails == 1
    assert [m.to_address for m in db.session.scalars(select(OutboxMessage))] == ["bo@example.se"]


def test_the_upgrade_gives_existing_contacts_and_facts_to_the_region_that_listed_first(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from kick_forms import create_app
    from kick_forms.reference import load_reference_data

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0010")
        load_reference_data()
        db.session.commit()
        ids = dict(db.session.execute(text("SELECT slug, id FROM region")).tuples().all())
        db.session.execute(
            text(
                "INSERT INTO organisation (id, name, name_key, description, created_at, updated_at)"
                " VALUES (1, 'Kören', 'kören', '', '2025-01-01', '2025-01-01'),"
                " (2, 'Ingen', 'ingen', '', '2025-01-01', '2025-01-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO register_entry (region_id, organisation_id, added_at)"
                " VALUES (:blekinge, 1, '2025-03-01'), (:kronoberg, 1, '2025-02-01')"
            ),
            {"blekinge": ids["blekinge"], "kronoberg": ids["kronoberg"]},
        )
        db.session.execute(
            text(
                "INSERT INTO organisation_contact (organisation_id, name, email, created_at)"
                " VALUES (1, 'Eva', 'eva@example.se', '2025-02-02'),"
                " (2, 'Ingen', 'ingen@example.se', '2025-02-02')"
            )
        )
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT email, region_id FROM organisation_contact")).all()
        assert rows == [("eva@example.se", ids["kronoberg"])]  # the unlisted one's is gone
        owner = db.session.scalar(text("SELECT owner_region_id FROM organisation WHERE id = 1"))
        assert owner == ids["kronoberg"]
        db.session.remove()
        db.engine.dispose()
