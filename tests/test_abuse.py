"""Public writes against robots and caches: the honeypot, private pages never cached, roles
audited."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from kick_forms.auth.services import create_user, grant_role
from kick_forms.extensions import db
from kick_forms.invitations import services as invitations
from kick_forms.models import AuditEvent, RegistrationRequest, Response, Role
from kick_forms.organisations import services as register
from tests.conftest import csrf_token, region
from tests.responses.conftest import ORGANISATION, START


def _nonce(html: str) -> str:
    return re.search(r'name="nonce" type="hidden" value="([^"]+)"', html).group(1)


def test_the_honeypot_is_out_of_reach_for_people_and_stops_robots(client, consultation):
    page = client.get(START).get_data(as_text=True)
    trap = re.search(r'<div class="honeypot" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap and 'tabindex="-1"' in trap.group(1) and 'name="fax_number"' in trap.group(1)

    robot = client.post(START, data={**ORGANISATION, "nonce": _nonce(page), "fax_number": "0470-1"})
    assert robot.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    person = client.post(START, data={**ORGANISATION, "nonce": _nonce(page), "fax_number": ""})
    assert person.status_code == 303


def test_the_registration_form_has_the_honeypot_too(client):
    url = "/r/kronoberg/register"
    data = {"csrf_token": csrf_token(client, url), "name": "Växjö kör", "municipality": "0780",
            "categories": ["choir"], "contact_name": "Eva Ek", "contact_email": "eva@example.se",
            "privacy": "y", "fax_number": "spam"}  # fmt: skip
    assert client.post(url, data=data).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 0


def test_pages_behind_signed_links_are_never_cached(client, consultation):
    organisation = register.register_organisation(
        region("kronoberg"), register.OrganisationData("Växjö kör", None, "0780", ["choir"])
    )
    contact = register.add_contact(region("kronoberg"), organisation, "Eva Ek", "eva@example.se")
    db.session.commit()
    for path in (f"/unsubscribe/{invitations.unsubscribe_token(contact.id)}", "/kvalitet/x",
                 "/invitation/x", "/register/confirm/x"):  # fmt: skip
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/r/kronoberg/").headers.get("Cache-Control", "")


def test_giving_a_role_is_written_to_the_audit_log(app):
    user = create_user("ny@kronoberg.example.se", "a long enough password")
    grant_role(user, region("kronoberg"), Role.EDITOR)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).filter_by(action="role.grant")).one()
    assert (event.subject, event.detail) == (f"user:{user.id}", "role=editor")
    assert event.region_id == region("kronoberg").id


def test_a_form_sent_without_its_referring_page_is_told_why(client):
    """Over HTTPS the CSRF check also wants the Referer; when a privacy setting strips it the
    person learns that, not that the form expired."""
    https = {"base_url": "https://localhost"}
    page = client.get("/admin/login", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"email": "a@example.se", "password": "x", "csrf_token": token}

    stripped = client.post("/admin/login", data=form, **https)
    assert stripped.status_code == 400
    assert "Formuläret kunde inte kontrolleras" in stripped.get_data(as_text=True)
    assert "vilken sida formuläret kom från" in stripped.get_data(as_text=True)

    expired = client.post("/admin/login", data={**form, "csrf_token": "x"}, **https,
                          headers={"Referer": "https://localhost/admin/login"})  # fmt: skip
    assert expired.status_code == 400
    assert "Formuläret hade hunnit bli för gammalt" in expired.get_data(as_text=True)

    sent = client.post("/admin/login", data=form, **https,
                       headers={"Referer": "https://localhost/admin/login"})  # fmt: skip
    assert sent.status_code == 422  # past the check: the password is wrong
