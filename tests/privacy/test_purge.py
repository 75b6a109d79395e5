"""`flask kick purge`: contact persons of inactive organisations, stale imports and requests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select

from kick_forms.extensions import db
from kick_forms.models import (
    AuditEvent,
    Invitation,
    Organisation,
    OrganisationContact,
    RegisterImport,
    RegistrationRequest,
    Response,
    ResponseContact,
    ResponseVersion,
)
from kick_forms.privacy.purge import purge
from kick_forms.timeutil import utcnow
from tests.conftest import make_consultation, make_user, region

RETENTION_DAYS = 30


def _ago(days: float):  # type: ignore[no-untyped-def]
    return utcnow() - timedelta(days=days)


def _organisation(name: str, *, number: str | None = None, updated: float = 100,
                  contacts: tuple[float, ...] = (100,)) -> Organisation:  # fmt: skip
    """An organisation last changed `updated` days ago, with contacts added so many days ago."""
    organisation = Organisation(
        name=name, organisation_number=number, created_at=_ago(400), updated_at=_ago(updated)
    )
    organisation.all_contacts = [
        OrganisationContact(
            region_id=region("kronoberg").id,
            name=f"Person {n}",
            email=f"p{n}@example.se",
            created_at=_ago(days),
        )  # fmt: skip
        for n, days in enumerate(contacts)
    ]
    db.session.add(organisation)
    db.session.flush()
    return organisation


def _contacts_of(organisation: Organisation) -> int:
    query = select(func.count(OrganisationContact.id)).filter_by(organisation_id=organisation.id)
    return db.session.scalar(query) or 0


def _setup() -> dict[str, Organisation]:
    consultation = make_consultation()
    organisations = {
        "stale": _organisation("Gamla föreningen", contacts=(100, 200)),
        "stale_old_signals": _organisation("Tysta kören", number="802455-1239"),
        "changed": _organisation("Ändrade föreningen", updated=5),
        "new_contact": _organisation("Nya kontakten", contacts=(100, 5)),
        "invited": _organisation("Inbjudna föreningen"),
        "answered_by_number": _organisation("Nummerföreningen", number="556036-0793"),
        "answered_by_name": _organisation("Ljungby  Hembygdsförening"),
    }
    stale, invited = organisations["stale_old_signals"], organisations["invited"]
    db.session.add_all(
        [
            # Signals older than the retention time keep nothing.
            Invitation(consultation_id=consultation.id, organisation_id=stale.id,
                       opened_at=_ago(90)),
            Response(consultation_id=consultation.id, organisation_name="Tysta kören",
                     organisation_number="802455-1239", saved_at=_ago(90)),
            # Recent ones keep the contact persons.
            Invitation(consultation_id=consultation.id, organisation_id=invited.id,
                       opened_at=_ago(3)),
            Response(consultation_id=consultation.id, organisation_name="Något annat namn",
                     organisation_number="556036-0793", saved_at=_ago(2)),
            Response(consultation_id=consultation.id, organisation_name="ljungby hembygdsförening",
                     saved_at=_ago(1)),
        ]
    )  # fmt: skip
    user = make_user("kronoberg", None)
    kronoberg = region("kronoberg").id
    db.session.add_all(
        [
            RegisterImport(region_id=kronoberg, user_id=user.id, filename="gammal.csv",
                           data=b"Namn;E-post\n", created_at=_ago(2)),
            RegisterImport(region_id=kronoberg, user_id=user.id, filename="ny.csv",
                           data=b"Namn;E-post\n", created_at=_ago(0.5)),
            RegisterImport(region_id=kronoberg, user_id=user.id, filename="klar.csv",
                           data=b"", created_at=_ago(5), imported_at=_ago(5)),
            RegistrationRequest(region_id=kronoberg, name="Aldrig bekräftad", contact_name="A",
                                contact_email="a@example.se", expires_at=_ago(1)),
            RegistrationRequest(region_id=kronoberg, name="Väntar på bekräftelse",
                                contact_name="B", contact_email="b@example.se",
                                expires_at=_ago(-1)),
            RegistrationRequest(region_id=kronoberg, name="Bekräftad", contact_name="C",
                                contact_email="c@example.se", expires_at=_ago(3),
                                confirmed_at=_ago(4)),
            RegistrationRequest(region_id=kronoberg, name="Beslutad", contact_name="D",
                                contact_email="d@example.se", expires_at=_ago(10),
                                confirmed_at=_ago(12), decided_at=_ago(11), outcome="approved"),
        ]
    )  # fmt: skip
    db.session.commit()
    return organisations


def _state() -> tuple:
    db.session.expire_all()
    return (
        db.session.execute(select(OrganisationContact.id).order_by(OrganisationContact.id)).all(),
        db.session.scalars(select(RegisterImport.filename).order_by(RegisterImport.id)).all(),
        db.session.execute(
            select(RegistrationRequest.name, RegistrationRequest.contact_email).order_by(
                RegistrationRequest.id
            )
        ).all(),
        db.session.scalar(select(func.count(AuditEvent.id))),
    )


def test_purge_deletes_only_what_is_kept_too_long_and_a_dry_run_changes_nothing(app):
    app.config["CONTACT_RETENTION_DAYS"] = RETENTION_DAYS
    organisations = _setup()
    runner = app.test_cli_runner()
    before = _state()

    counted = runner.invoke(args=["kick", "purge", "--dry-run"])
    assert counted.exit_code == 0, counted.output
    assert "30 days: 3 would be deleted (2 organisations)" in counted.output
    assert "within a day: 1 would be deleted" in counted.output
    assert "past their expiry: 1 would be deleted" in counted.output
    assert "contact details: 1 would be cleared" in counted.output
    assert _state() == before

    done = runner.invoke(args=["kick", "purge"])
    assert done.exit_code == 0, done.output
    assert "30 days: 3 deleted (2 organisations)" in done.output
    db.session.expire_all()
    remaining = {key: _contacts_of(organisation) for key, organisation in organisations.items()}
    assert remaining == {
        "stale": 0,
        "stale_old_signals": 0,
        "changed": 1,
        "new_contact": 2,
        "invited": 1,
        "answered_by_number": 1,
        "answered_by_name": 1,
    }
    assert db.session.scalar(select(func.count(Organisation.id))) == len(organisations)
    imports = select(RegisterImport.filename).order_by(RegisterImport.id)
    assert db.session.scalars(imports).all() == ["ny.csv", "klar.csv"]
    requests = db.session.execute(
        select(RegistrationRequest.name, RegistrationRequest.contact_name,
               RegistrationRequest.contact_email).order_by(RegistrationRequest.id)
    ).all()  # fmt: skip
    assert requests == [
        ("Väntar på bekräftelse", "B", "b@example.se"),
        ("Bekräftad", "C", "c@example.se"),
        ("Beslutad", "", ""),
    ]
    logged, regional = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.region_id.is_not(None))
    ).all()
    assert (logged.action, logged.region_id, logged.user_id) == ("privacy.purge", None, None)
    assert (
        logged.detail
        == "contacts=3 organisations=2 imports=1 requests=1 cleared=1 drafts=0 interests=0"
        " followers=0"
    )
    # The region whose contact persons went reads it in its own log.
    assert (regional.action, regional.region_id, regional.detail) == (
        "privacy.purge", region("kronoberg").id, "contacts=3")  # fmt: skip

    again = runner.invoke(args=["kick", "purge"])
    assert "30 days: 0 deleted (0 organisations)" in again.output


def test_purge_takes_the_same_few_statements_however_many_organisations(app):
    def statements(count: int) -> int:
        for n in range(count):
            _organisation(f"Förening {count}-{n}")
        db.session.commit()
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            purge(utcnow(), RETENTION_DAYS)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.rollback()
        return len(seen)

    assert statements(3) == statements(60)


def test_drafts_never_sent_are_deleted_a_month_after_closing_with_their_contact(app):
    def draft(consultation, name: str, sent: bool = False) -> Response:
        response = Response(consultation_id=consultation.id, organisation_name=name,
                            saved_at=_ago(60))  # fmt: skip
        response.contact = ResponseContact(name="Karin", email=f"{name}@example.se")
        if sent:
            response.versions = [ResponseVersion(number=1, submit_nonce=f"n-{name}" * 3)]
            response.status = "submitted"
        db.session.add(response)
        return response

    long_closed = make_consultation(slug="gammal")
    long_closed.closes_at = _ago(31)
    recently_closed = make_consultation(slug="nyss")
    recently_closed.closes_at = _ago(29)
    draft(long_closed, "glomd")
    draft(long_closed, "skickad", sent=True)
    draft(recently_closed, "nyss")
    db.session.commit()

    report = purge(utcnow(), RETENTION_DAYS)
    db.session.commit()
    assert report.drafts == 1
    left = db.session.scalars(select(Response.organisation_name).order_by(Response.id)).all()
    assert left == ["skickad", "nyss"]
    emails = db.session.scalars(select(ResponseContact.email).order_by(ResponseContact.id)).all()
    assert emails == ["skickad@example.se", "nyss@example.se"]
    regional = db.session.scalars(
        select(AuditEvent).filter_by(region_id=region("kronoberg").id, subject="drafts")
    ).one()
    assert regional.detail == "drafts=1"
