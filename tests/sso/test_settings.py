"""A platform admin sets a region's provider (checked against its discovery document); the
region's admins see whether it is on; a region can require it instead of passwords."""

from __future__ import annotations

import html

from kick_forms.auth.services import grant_role
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, RegionSignIn, Role
from tests.conftest import PASSWORD, csrf_token, free_port, login, make_user, region
from tests.sso.conftest import configure_region

URL = "/admin/r/kronoberg/sso"


def _save(client, **fields) -> tuple[int, str]:
    data = {"issuer": "", "client_id": "", "client_secret": "", **fields}
    data["csrf_token"] = csrf_token(client, URL)
    if data.get("sso_required") is False:
        del data["sso_required"]
    response = client.post(URL, data=data)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def _stored() -> RegionSignIn | None:
    db.session.expire_all()
    return db.session.get(RegionSignIn, region("kronoberg").id)


def test_platform_admin_saves_a_provider_after_its_discovery_is_read(client, provider):
    login(client, make_user(None, None, platform=True))
    status, _ = _save(
        client, issuer=provider.issuer, client_id="kick-forms", client_secret="s3cret",
        sso_required="y",
    )  # fmt: skip
    assert status == 303
    stored = _stored()
    assert (stored.oidc_issuer, stored.oidc_client_id, stored.oidc_client_secret) == (
        provider.issuer, "kick-forms", "s3cret",
    )  # fmt: skip
    assert stored.sso_required
    [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="sso.configure"))
    assert event.subject == f"region:{region('kronoberg').id}"
    assert "s3cret" not in event.detail

    page = client.get(URL).get_data(as_text=True)
    assert "s3cret" not in page  # the secret is never shown back
    assert provider.issuer in page

    # A blank secret keeps the stored one.
    status, _ = _save(client, issuer=provider.issuer, client_id="other-id", client_secret="")
    assert status == 303
    assert (_stored().oidc_client_id, _stored().oidc_client_secret) == ("other-id", "s3cret")
    assert not _stored().sso_required


def test_an_issuer_whose_discovery_cannot_be_read_is_refused(client):
    login(client, make_user(None, None, platform=True))
    issuer = f"http://127.0.0.1:{free_port()}"
    status, page = _save(client, issuer=issuer, client_id="kick-forms", client_secret="s")
    assert status == 422
    assert f"{issuer}/.well-known/openid-configuration" in page
    assert _stored() is None


def test_an_issuer_that_names_another_issuer_is_refused(client, provider):
    login(client, make_user(None, None, platform=True))
    claimed = provider.issuer.replace("127.0.0.1", "localhost")  # discovery names 127.0.0.1
    status, page = _save(client, issuer=claimed, client_id="kick-forms", client_secret="s")
    assert status == 422
    assert provider.issuer in page and claimed in page
    assert _stored() is None


def test_plain_http_is_refused_except_on_this_machine(client):
    login(client, make_user(None, None, platform=True))
    status, page = _save(
        client, issuer="http://login.example.se", client_id="kick-forms", client_secret="s"
    )
    assert status == 422
    assert _stored() is None


def test_requiring_sso_without_a_provider_is_refused(client):
    login(client, make_user(None, None, platform=True))
    status, _ = _save(client, sso_required="y")
    assert status == 422
    assert _stored() is None


def test_a_region_admin_sees_the_settings_but_cannot_change_them(client, provider):
    configure_region(provider)
    login(client, make_user("kronoberg", Role.ADMIN))
    page = client.get(URL).get_data(as_text=True)
    assert provider.issuer in page
    assert 'name="client_secret"' not in page
    token = csrf_token(client, "/admin/")
    response = client.post(URL, data={"csrf_token": token, "issuer": "", "client_id": ""})
    assert response.status_code == 403
    assert _stored().oidc_issuer == provider.issuer


def _password_login(client, user):
    token = csrf_token(client, "/admin/login")
    return client.post(
        "/admin/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )


def test_sso_required_refuses_password_sign_in_for_the_regions_staff(client, provider):
    configure_region(provider, required=True)
    editor = make_user("kronoberg", Role.EDITOR)
    response = _password_login(client, editor)
    assert response.status_code == 403
    page = html.unescape(response.get_data(as_text=True))
    assert "Region Kronoberg loggar in sin personal via regionens eget konto" in page
    assert client.get("/admin/").status_code == 302


def test_sso_required_keeps_passwords_for_platform_admins_and_other_regions(client, provider):
    configure_region(provider, required=True)
    assert _password_login(client, make_user(None, None, platform=True)).status_code == 303
    other = make_user("blekinge", Role.EDITOR)
    assert _password_login(client.application.test_client(), other).status_code == 303


def test_someone_with_a_region_without_the_requirement_keeps_the_password(client, provider):
    configure_region(provider, required=True)
    editor = make_user("kronoberg", Role.EDITOR)
    grant_role(editor, region("blekinge"), Role.VIEWER)
    db.session.commit()
    assert _password_login(client, editor).status_code == 303


def test_the_login_page_offers_the_regions_that_have_a_provider(client, provider):
    assert "/admin/sso/" not in client.get("/admin/login").get_data(as_text=True)
    configure_region(provider)
    page = html.unescape(client.get("/admin/login?next=/admin/r/kronoberg/").get_data(as_text=True))
    assert "Logga in via Region Kronoberg" in page
    assert 'href="/admin/sso/kronoberg/login?next=/admin/r/kronoberg/"' in page
