"""Invitations, reminders and unsubscribing, through a real SMTP server and the user's pages."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.invitations import services as invitations
from kick_forms.mail.services import send_due
from kick_forms.models import Invitation, OutboxMessage, ReminderDay, Role
from kick_forms.organisations import services as register
from kick_forms.timeutil import utcnow
from tests.conftest import at_once, csrf_token, login, make_consultation, make_user, region
from tests.responses.conftest import nonce_on, token_of


def _list(slug: str, name: str, *contacts: tuple[str, str], **details):  # type: ignore[no-untyped-def]
    organisation = register.register_organisation(
        region(slug),
        register.OrganisationData(
            name=name,
            organisation_number=details.get("number"),
            municipality_code=details.get("municipality", "0780"),
            category_keys=details.get("categories", ["choir"]),
        ),
    )
    for contact_name, email in contacts:
        register.add_contact(region(slug), organisation, contact_name, email)
    db.session.commit()
    return organisation


def _staff(client, role: Role = Role.EDITOR):  # type: ignore[no-untyped-def]
    staff = client.application.test_client()
    login(staff, make_user("kronoberg", role))
    return staff


def _page(consultation) -> str:  # type: ignore[no-untyped-def]
    return f"/admin/r/kronoberg/c/{consultation.id}/invitations"


def _invite(staff, consultation, **filters):  # type: ignore[no-untyped-def]
    token = csrf_token(staff, _page(consultation))
    return staff.post(
        f"{_page(consultation)}/send", data={"csrf_token": token, **filters}, follow_redirects=True
    )


def _delivered(smtp) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Send what is queued through the SMTP server (some tests queue at a later hour of the
    day than now); the bodies received, by recipient."""
    send_due(now=utcnow() + timedelta(days=1))
    received = {
        rcpts[0]: message.get_body(("plain",)).get_content() for rcpts, message in smtp.received
    }
    smtp.received.clear()
    return received


def _link(body: str, path: str) -> str:
    return re.search(rf"https?://[^/\s]+(/{path}/[A-Za-z0-9_.-]+)", body).group(1)


def _remind(app) -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["kick", "remind"])
    assert result.exit_code == 0, result.output
    return result.output


def _submit_from_invitation(client, consultation, link: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get(link).get_data(as_text=True)
    form = {
        name: value
        for name, value in re.findall(r'name="([a-z_]+)"[^>]*?value="([^"]*)"', page)
        if name
        in ("organisation_name", "organisation_number", "contact_name", "contact_email", "nonce")
    }
    started = client.post(
        link,
        data={**form, "municipality": "0780", "categories": ["choir"], "may_publish_name": "no"},
    )
    assert started.status_code == 303, started.get_data(as_text=True)
    token = token_of(started.headers["Location"])
    questions = {q.label: q for q in consultation.questions}
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Växjö"})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "4"})
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    assert client.post(f"/respond/{token}/submit", data={"nonce": nonce}).status_code == 303


def _statuses(staff, consultation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    html = staff.get(_page(consultation)).get_data(as_text=True)
    return dict(
        re.findall(
            r'/organisations/\d+">([^<]+)</a>.*?class="status status--[a-z_]+">([^<]+)<', html, re.S
        )
    )


def test_invitation_reminders_and_submission_through_a_real_mail_server(
    app, client, consultation, smtp
):
    _list("kronoberg", "Växjö kammarkör", ("Anna Berg", "anna@example.se"),
          ("Olof Ek", "olof@example.se"), number="802455-1239")  # fmt: skip
    _list("kronoberg", "Ljungby hembygdsförening", ("Britt Lund", "britt@example.se"),
          municipality="0781", categories=["local_heritage"])  # fmt: skip
    _list("kronoberg", "Älmhults kör")  # nobody to mail
    _list("blekinge", "Karlskrona kör", ("Cecilia Ny", "cecilia@example.se"))
    staff = _staff(client)
    _delivered(smtp)  # nothing queued before

    done = _invite(staff, consultation).get_data(as_text=True)
    assert "2 organisationer inbjudna (antal e-postmeddelanden: 3)." in done
    assert "1 har ingen kontaktperson att skicka e-post till och bjöds inte in." in done
    invitation_mails = _delivered(smtp)
    assert sorted(invitation_mails) == ["anna@example.se", "britt@example.se", "olof@example.se"]
    assert "Hej Anna Berg!" in invitation_mails["anna@example.se"]
    assert _statuses(staff, consultation) == {
        "Ljungby hembygdsförening": "Inbjuden", "Växjö kammarkör": "Inbjuden",
        "Älmhults kör": "Inte inbjuden",
    }  # fmt: skip

    # Inviting again sends nothing twice.
    again = _invite(staff, consultation).get_data(as_text=True)
    assert "0 organisationer inbjudna" in again and "2 var redan inbjudna" in again
    assert _delivered(smtp) == {}

    # The personal link fills in who is answering, and the staff see it was opened.
    anna_link = _link(invitation_mails["anna@example.se"], "invitation")
    form = client.get(anna_link).get_data(as_text=True)
    assert 'value="Växjö kammarkör"' in form and 'value="anna@example.se"' in form
    assert 'value="olof@example.se"' not in form
    assert _statuses(staff, consultation)["Växjö kammarkör"] == "Öppnade inbjudan"

    # Olof unsubscribes: a GET only asks, the POST does it.
    olof_stop = _link(invitation_mails["olof@example.se"], "unsubscribe")
    question = client.get(olof_stop)
    assert "Sluta skicka e-post" in question.get_data(as_text=True)
    stop_token = csrf_token(client, olof_stop)
    assert client.post(olof_stop, data={"csrf_token": stop_token}).status_code == 200
    assert "Klart" in client.get(olof_stop).get_data(as_text=True)

    # Six days before closing: the 7-day reminder, to everyone invited who may be mailed.
    consultation.closes_at = utcnow() + timedelta(days=6)
    db.session.commit()
    assert "2 organisations, 2 emails queued" in _remind(app)
    reminders = _delivered(smtp)
    assert sorted(reminders) == ["anna@example.se", "britt@example.se"]
    assert consultation.title in reminders["britt@example.se"]
    assert _link(reminders["anna@example.se"], "invitation") == anna_link

    # Run again, as cron does: nothing twice.
    assert "0 organisations, 0 emails queued" in _remind(app)
    assert _delivered(smtp) == {}

    # Anna's choir answers through its link; on the last day only Ljungby is reminded.
    _submit_from_invitation(client, consultation, anna_link)
    _delivered(smtp)  # the draft's link and the receipt
    assert _statuses(staff, consultation)["Växjö kammarkör"] == "Inskickat"
    db.session.execute(db.delete(ReminderDay))  # as on the next day
    consultation.closes_at = utcnow() + timedelta(hours=20)
    db.session.commit()
    assert "1 organisations, 1 emails queued" in _remind(app)
    assert sorted(_delivered(smtp)) == ["britt@example.se"]
    assert _remind(app).startswith("Reminders: 0 organisations")


def test_an_organisation_gets_one_reminder_a_day_listing_every_consultation(
    app, client, consultation, smtp
):
    second = make_consultation(slug="museiplan", status=consultation.status)
    _list("kronoberg", "Ljungby hembygdsförening", ("Britt Lund", "britt@example.se"))
    staff = _staff(client)
    _invite(staff, consultation)
    _invite(staff, second)
    _delivered(smtp)
    now = utcnow().replace(hour=5, minute=0)  # early in the Swedish day
    for each in (consultation, second):
        each.opens_at = now - timedelta(days=1)
    consultation.closes_at = now + timedelta(days=5)
    second.closes_at = now + timedelta(days=1, hours=6)
    db.session.commit()

    report = invitations.send_reminders(now, [7, 1])
    assert (report.organisations, report.mails) == (1, 1)
    [body] = _delivered(smtp).values()
    assert body.count("/invitation/") == 2

    # The 1-day point of the second consultation passes later the same day: still one a day.
    later = now + timedelta(hours=8)
    assert invitations.send_reminders(later, [7, 1]).already_today == 1
    assert _delivered(smtp) == {}


def test_a_forged_or_foreign_invitation_link_finds_nothing(client, consultation):
    organisation = _list("kronoberg", "Växjö kammarkör", ("Anna Berg", "anna@example.se"))
    invitation = Invitation(consultation_id=consultation.id, organisation_id=organisation.id)
    db.session.add(invitation)
    db.session.commit()
    good = invitations.invitation_token(invitation.id, organisation.all_contacts[0].id)
    assert client.get(f"/invitation/{good}").status_code == 200
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    assert client.get(f"/invitation/{tampered}").status_code == 404
    assert (
        client.get(f"/invitation/{invitations.invitation_token(invitation.id + 1, 1)}").status_code
        == 404
    )
    assert client.get("/unsubscribe/nonsense").status_code == 404


def test_viewers_see_the_statuses_but_cannot_invite(client, consultation):
    _list("kronoberg", "Växjö kammarkör", ("Anna Berg", "anna@example.se"))
    viewer = _staff(client, Role.VIEWER)
    page = viewer.get(_page(consultation)).get_data(as_text=True)
    assert "Inte inbjuden" in page and "Bjud in den" not in page
    token = csrf_token(viewer, _page(consultation))
    assert viewer.post(f"{_page(consultation)}/send", data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_a_filtered_invitation_reaches_only_the_filtered_organisations(client, consultation, smtp):
    _list("kronoberg", "Växjö kammarkör", ("Anna Berg", "anna@example.se"))
    _list("kronoberg", "Ljungby hembygdsförening", ("Britt Lund", "britt@example.se"),
          municipality="0781", categories=["local_heritage"])  # fmt: skip
    staff = _staff(client)
    filtered = staff.get(f"{_page(consultation)}?category=local_heritage").get_data(as_text=True)
    assert "Bjud in den 1 organisation som matchar" in filtered
    _invite(staff, consultation, category="local_heritage")
    assert list(_delivered(smtp)) == ["britt@example.se"]
    reply = staff.get(f"{_page(consultation)}?status=not_invited")
    assert reply.status_code == 200
    waiting = reply.get_data(as_text=True)
    assert "Växjö kammarkör" in waiting and "Ljungby hembygdsförening" not in waiting
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_invitations_wait_for_an_open_consultation(client):
    draft = make_consultation()
    _list("kronoberg", "Växjö kammarkör", ("Anna Berg", "anna@example.se"))
    staff = _staff(client)
    page = staff.get(_page(draft)).get_data(as_text=True)
    assert "Inbjudningar kan skickas när samrådet är öppet." in page
    refused = _invite(staff, draft).get_data(as_text=True)
    assert "Inbjudningar kan skickas när samrådet är öppet." in refused
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_reminder_runs_at_once_remind_each_organisation_once(app, client, consultation, smtp):
    """``flask kick remind`` started on three machines at the same moment: each organisation
    is claimed by one run, and gets one mail."""
    for number in range(6):
        _list("kronoberg", f"Förening {number}", (f"Kontakt {number}", f"k{number}@example.se"))
    _invite(_staff(client), consultation)
    _delivered(smtp)
    now = utcnow().replace(hour=5, minute=0)
    consultation.opens_at = now - timedelta(days=1)
    consultation.closes_at = now + timedelta(days=5)
    db.session.commit()
    reports = at_once(app, 3, lambda: invitations.send_reminders(now, [7, 1]))

    assert sum(report.organisations for report in reports) == 6
    assert sum(report.mails for report in reports) == 6
    assert db.session.scalar(select(func.count()).select_from(ReminderDay)) == 6
    assert sorted(_delivered(smtp)) == sorted(f"k{number}@example.se" for number in range(6))


def test_an_invitation_names_its_one_click_unsubscribe_which_stops_the_reminders(
    app, client, consultation, smtp
):
    _list("kronoberg", "Ljungby hembygdsförening", ("Britt Lund", "britt@example.se"))
    _invite(_staff(client), consultation)
    send_due(now=utcnow() + timedelta(days=1))
    [(_rcpts, message)] = smtp.received
    smtp.received.clear()
    stop = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop in message.get_body(("plain",)).get_content()
    # The mail program's POST: no session, no form token, only the link's own.
    mail_program = app.test_client(use_cookies=False)
    reply = mail_program.post(
        urlsplit(stop).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert reply.status_code == 200
    consultation.closes_at = utcnow() + timedelta(days=6)
    db.session.commit()
    assert "1 organisations, 0 emails queued" in _remind(app)  # due, but Britt is not mailed
    assert _delivered(smtp) == {}
