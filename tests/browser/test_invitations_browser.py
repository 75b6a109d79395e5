"""Invitations in a browser: filtering with htmx, inviting, the personal link, unsubscribing,
and the reach on the board; axe-core on each of these pages."""

from __future__ import annotations

from kick_forms.extensions import db
from kick_forms.invitations import services as invitations
from kick_forms.models import Invitation, Role
from kick_forms.organisations import services as register
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in, open_consultation

STAFF = "invitations@halland.example.se"


def _setup(live_app) -> int:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_staff("halland", Role.EDITOR, STAFF)
        consultation = open_consultation("halland", "Kulturplan Halland", "inbjudan")
        region = consultation.region
        for name, municipality, kind, email in (
            ("Halmstads kammarkör", "1380", "choir", "kor@example.se"),
            ("Laholms hembygdsförening", "1381", "local_heritage", "hembygd@example.se"),
            ("Hylte teaterförening", "1315", "amateur_theatre", None),
        ):
            organisation = register.register_organisation(
                region, register.OrganisationData(name, None, municipality, [kind])
            )
            if email:
                register.add_contact(region, organisation, "Kim Kontakt", email)
        db.session.commit()
        return consultation.id


def test_staff_invite_a_filtered_register_and_an_organisation_follows_its_link(
    live_app, live_server, page
):
    consultation_id = _setup(live_app)
    checked = {}
    log_in(page, live_server, STAFF)
    page.goto(f"{live_server}/admin/r/halland/c/{consultation_id}/invitations")
    checked["invitations"] = violations(page)

    # Filtering swaps the list in place and keeps the address in step.
    page.select_option("#category", "choir")
    page.wait_for_url("**category=choir**")
    page.get_by_text("1 organisation hittades").wait_for()
    assert page.locator("table tbody tr").count() == 1
    page.get_by_role(
        "button", name="Bjud in den 1 organisation som matchar och inte är inbjuden"
    ).click()
    page.get_by_text("1 organisation inbjuden (antal e-postmeddelanden: 1).").wait_for()
    assert page.locator(".status--invited").count() == 1
    checked["after inviting"] = violations(page)

    with live_app.app_context():
        invitation = db.session.scalars(db.select(Invitation)).one()
        contact = invitation.organisation.all_contacts[0]
        link = invitations.invitation_token(invitation.id, contact.id)
        stop = invitations.unsubscribe_token(contact.id)

    # The organisation's personal link: the form is filled in from the register.
    visitor = page.context.browser.new_context(locale="sv-SE").new_page()
    visitor.goto(f"{live_server}/invitation/{link}")
    assert visitor.input_value("#organisation_name") == "Halmstads kammarkör"
    assert visitor.input_value("#contact_email") == "kor@example.se"
    checked["invitation link"] = violations(visitor)
    visitor.goto(f"{live_server}/unsubscribe/{stop}")
    checked["unsubscribe"] = violations(visitor)
    visitor.get_by_role("button", name="Sluta skicka e-post").click()
    visitor.get_by_text("Klart:").wait_for()
    checked["unsubscribed"] = violations(visitor)
    visitor.context.close()

    page.reload()
    assert page.locator(".status--opened").inner_text() == "Öppnade inbjudan"
    page.goto(f"{live_server}/r/halland/c/inbjudan/board")
    page.get_by_role("heading", name="Räckvidd i registret").wait_for()
    checked["board with reach"] = violations(page)
    assert checked == {name: [] for name in checked}
