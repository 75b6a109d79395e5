"""Platform admins see every account and manage platform admins and whole accounts."""

from __future__ import annotations

import re

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Role
from tests.conftest import csrf_token, login, make_user, region
from tests.staff.test_colleagues import _colleague

ACCOUNTS = "/admin/staff"


def _post(client, url: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, ACCOUNTS)})


def test_the_list_shows_every_account_with_its_regions(client):
    login(client, make_user(None, None, platform=True))
    _colleague("kim@example.se", Role.EDITOR, "blekinge")
    _colleague("vera@example.se", Role.ADMIN, "kronoberg")
    page = client.get(ACCOUNTS).get_data(as_text=True)
    assert "3 konton" in page
    assert "kim@example.se" in page and "Region Blekinge" in page and "Redaktör" in page
    assert "platform-none@example.se" in page and "Plattformsadministratör" in page
    # ... and a platform admin manages any region's colleagues.
    assert "kim@example.se" in client.get("/admin/r/blekinge/staff").get_data(as_text=True)


def test_a_region_admin_may_not_see_every_account(client):
    login(client, make_user("kronoberg", Role.ADMIN))
    assert client.get(ACCOUNTS).status_code == 403


def test_platform_admins_are_made_and_unmade_and_one_is_always_kept(app, client):
    me = make_user(None, None, platform=True)
    login(client, me)
    kim = _colleague("kim@example.se", Role.EDITOR, "blekinge")

    refused = _post(client, f"{ACCOUNTS}/{me.id}/platform-admin/revoke")
    assert refused.status_code == 303
    assert "minst en aktiv plattformsadministratör" in client.get(ACCOUNTS).get_data(as_text=True)
    assert _post(client, f"{ACCOUNTS}/{me.id}/deactivate").status_code == 303
    db.session.expire_all()
    assert me.is_platform_admin and me.active

    assert _post(client, f"{ACCOUNTS}/{kim.id}/platform-admin").status_code == 303
    db.session.expire_all()
    assert kim.is_platform_admin and kim.role_in(region("kronoberg")) == Role.ADMIN
    assert _post(client, f"{ACCOUNTS}/{me.id}/platform-admin/revoke").status_code == 303
    db.session.expire_all()
    assert not me.is_platform_admin
    assert client.get(ACCOUNTS).status_code == 403
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("staff.%")))
    assert [(e.action, e.subject, e.detail) for e in events] == [
        ("staff.platform_admin", f"user:{kim.id}", "on"),
        ("staff.platform_admin", f"user:{me.id}", "off"),
    ]


def test_a_deactivated_account_is_signed_out_and_cannot_log_in(app, client):
    login(client, make_user(None, None, platform=True))
    kim = _colleague("kim@example.se", Role.EDITOR, "blekinge")
    colleague = app.test_client()
    login(colleague, kim)

    assert _post(client, f"{ACCOUNTS}/{kim.id}/deactivate").status_code == 303
    assert colleague.get("/admin/r/blekinge/").status_code == 302
    token = csrf_token(colleague, "/admin/login")
    refused = colleague.post("/admin/login", data={"email": kim.email, "password": "x" * 20,
                                                   "csrf_token": token})  # fmt: skip
    assert refused.status_code != 303

    assert _post(client, f"{ACCOUNTS}/{kim.id}/reactivate").status_code == 303
    login(colleague, kim)
    assert colleague.get("/admin/r/blekinge/").status_code == 200


def test_an_account_that_is_a_regions_last_admin_is_not_deactivated(client):
    login(client, make_user(None, None, platform=True))
    vera = _colleague("vera@example.se", Role.ADMIN, "kronoberg")
    _post(client, f"{ACCOUNTS}/{vera.id}/deactivate")
    assert "måste ha minst en aktiv administratör" in client.get(ACCOUNTS).get_data(as_text=True)
    db.session.expire_all()
    assert vera.active


def test_sign_out_everywhere_from_the_platform(app, client):
    login(client, make_user(None, None, platform=True))
    kim = _colleague("kim@example.se", Role.EDITOR, "blekinge")
    colleague = app.test_client()
    login(colleague, kim)
    assert _post(client, f"{ACCOUNTS}/{kim.id}/sign-out").status_code == 303
    assert colleague.get("/admin/r/blekinge/").status_code == 302


def test_a_platform_admin_clears_a_lost_second_factor_from_the_list(client):
    login(client, make_user(None, None, platform=True))
    kim = _colleague("kim@example.se", Role.EDITOR, "blekinge")
    kim.totp_secret = "JBSWY3DPEHPK3PXP"
    kim.totp_confirmed_at = kim.created_at
    db.session.commit()
    page = client.get(ACCOUNTS).get_data(as_text=True)
    assert page.count("Nollställ tvåstegsverifiering") == 1  # only those who have one
    form = re.search(r'action="(/admin/staff/\d+/two-factor/reset)"', page).group(1)
    done = client.post(form, data={"csrf_token": csrf_token(client, ACCOUNTS), "next": ACCOUNTS})
    assert done.status_code == 303 and done.headers["Location"] == ACCOUNTS
    db.session.expire_all()
    assert kim.totp_secret is None and kim.totp_confirmed_at is None
