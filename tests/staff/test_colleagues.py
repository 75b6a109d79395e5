"""A region's admins manage their colleagues: invite, change roles, deactivate, sign out."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from kick_forms.auth.services import create_user, grant_role
from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from kick_forms.models import (
    AccountToken,
    AuditEvent,
    OutboxMessage,
    RegionMembership,
    Role,
    StaffSession,
    User,
)
from kick_forms.timeutil import utcnow
from kick_forms.tokens import hash_token
from tests.conftest import PASSWORD, csrf_token, login, make_user, region

STAFF = "/admin/r/kronoberg/staff"
INVITE = f"{STAFF}/invite"
LINK = re.compile(r"https?://\S+/admin/welcome/[A-Za-z0-9_-]+")
NEW_PASSWORD = "kulturplan i kronoberg 2027"


def _admin(client):  # type: ignore[no-untyped-def]
    admin = make_user("kronoberg", Role.ADMIN)
    login(client, admin)
    return admin


def _invite(client, email: str, role: str = "viewer"):  # type: ignore[no-untyped-def]
    token = csrf_token(client, INVITE)
    return client.post(INVITE, data={"email": email, "role": role, "csrf_token": token})


def _welcome(client, link: str, name: str = "Vera Varg", password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    path = urlsplit(link).path
    token = csrf_token(client, path)
    return client.post(
        path,
        data={"name": name, "password": password, "password_again": password, "csrf_token": token},
    )


def _mailed_link() -> str:
    return LINK.search(db.session.scalars(select(OutboxMessage.body_text)).one()).group(0)


def _colleague(email: str, role: Role = Role.EDITOR, region_slug: str = "kronoberg") -> User:
    user = create_user(email, PASSWORD, name="Kim Kollega")
    grant_role(user, region(region_slug), role)
    db.session.commit()
    return user


def _post(client, url: str, **data):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, STAFF), **data})


def _actions() -> list[tuple[str, str, str]]:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("staff.%")).order_by(AuditEvent.id)
    )
    return [(event.action, event.subject, event.detail) for event in events]


def test_an_invitation_makes_an_account_and_its_mailed_link_sets_a_password_once(app, client, smtp):
    admin = _admin(client)
    sent = _invite(client, "Vera@Example.se", "editor")
    assert sent.status_code == 303
    assert "Inbjudan är skickad till Vera@Example.se." in client.get(STAFF).get_data(as_text=True)

    user = db.session.scalars(select(User).filter_by(email="vera@example.se")).one()
    assert user.password_hash == ""
    assert user.role_in(region("kronoberg")) == Role.EDITOR
    assert "Inbjuden, inte registrerad än" in client.get(STAFF).get_data(as_text=True)

    send_due()
    [(recipients, mail)] = smtp.received
    assert recipients == ["vera@example.se"]
    assert "Region Kronoberg" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    link = LINK.search(text).group(0)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(AccountToken)).one()
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert stored.purpose == "invite" and stored.created_by_id == admin.id
    assert timedelta(days=6, hours=23) < stored.expires_at - utcnow() <= timedelta(days=7)

    colleague = app.test_client()
    page = colleague.get(urlsplit(link).path)
    assert page.status_code == 200 and "vera@example.se" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    welcomed = _welcome(colleague, link)
    assert welcomed.status_code == 303
    # Signed in at once, and the password works for the next login too.
    dashboard = colleague.get("/admin/")
    assert dashboard.status_code == 200 and "Region Kronoberg" in dashboard.get_data(as_text=True)
    db.session.expire_all()
    assert user.name == "Vera Varg" and user.last_login_at is not None
    assert colleague.get("/admin/r/kronoberg/").status_code == 200

    again = app.test_client().get(urlsplit(link).path)
    assert again.status_code == 410 and "Länken är redan använd" in again.get_data(as_text=True)
    assert ("staff.invite", f"user:{user.id}", "role=editor") in _actions()
    assert all("vera" not in repr(action).lower() for action in _actions())


def test_an_expired_or_unknown_link_gets_a_clear_page_and_sets_nothing(app, client):
    _admin(client)
    _invite(client, "vera@example.se")
    link = _mailed_link()
    invitation = db.session.scalars(select(AccountToken)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    visitor = app.test_client()
    expired = visitor.get(urlsplit(link).path)
    assert expired.status_code == 410
    assert "Länken har slutat gälla" in expired.get_data(as_text=True)
    late = {"name": "Vera", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
            "csrf_token": csrf_token(visitor, "/admin/login")}  # fmt: skip
    assert visitor.post(urlsplit(link).path, data=late).status_code == 410
    for path in ("/admin/welcome/" + "A" * 43, "/admin/welcome/kort"):
        unknown = visitor.get(path)
        assert unknown.status_code == 404, path
        assert "Inbjudningslänken är okänd" in unknown.get_data(as_text=True)
    assert visitor.get("/admin/welcome/%00").status_code == 404
    assert (
        db.session.scalars(select(User.password_hash).filter_by(email="vera@example.se")).one()
        == ""
    )


def test_a_weak_or_mistyped_password_is_refused_and_the_link_still_works(app, client):
    _admin(client)
    _invite(client, "vera@example.se")
    link = _mailed_link()
    visitor = app.test_client()
    short = _welcome(visitor, link, password="kort")
    assert short.status_code == 422
    path = urlsplit(link).path
    token = csrf_token(visitor, path)
    typed = {"name": "Vera", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"}
    mistyped = visitor.post(path, data={**typed, "csrf_token": token})
    assert mistyped.status_code == 422
    assert "De två lösenorden är inte likadana." in mistyped.get_data(as_text=True)
    assert (
        db.session.scalars(select(User.password_hash).filter_by(email="vera@example.se")).one()
        == ""
    )
    assert _welcome(visitor, link).status_code == 303


def test_inviting_someone_of_another_region_adds_the_region_to_their_one_login(app, client):
    _admin(client)
    other = _colleague("kim@example.se", Role.EDITOR, "blekinge")
    assert _invite(client, "kim@example.se", "viewer").status_code == 303

    assert db.session.scalar(select(func.count(User.id)).filter_by(email="kim@example.se")) == 1
    db.session.expire_all()
    assert other.role_in(region("kronoberg")) == Role.VIEWER
    assert other.role_in(region("blekinge")) == Role.EDITOR
    assert db.session.scalar(select(func.count(AccountToken.id))) == 0
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "kim@example.se"
    assert "/admin/login" in mail.body_text and "/admin/welcome/" not in mail.body_text

    kim = app.test_client()
    login(kim, other)
    assert kim.get("/admin/r/kronoberg/").status_code == 200
    assert kim.get("/admin/r/blekinge/").status_code == 200

    twice = _invite(client, "kim@example.se", "editor")
    assert twice.status_code == 422
    assert "redan medarbetare i Region Kronoberg" in twice.get_data(as_text=True)
    assert other.role_in(region("kronoberg")) == Role.VIEWER


def test_inviting_a_deactivated_colleague_or_account_says_what_to_do(client):
    _admin(client)
    kim = _colleague("kim@example.se")
    _post(client, f"{STAFF}/{kim.id}/deactivate")
    again = _invite(client, "kim@example.se")
    assert again.status_code == 422
    assert "är avstängd i Region Kronoberg" in again.get_data(as_text=True)

    stopped = _colleague("eva@example.se", Role.EDITOR, "blekinge")
    stopped.active = False
    db.session.commit()
    refused = _invite(client, "eva@example.se")
    assert refused.status_code == 422
    assert "kontot för den adressen är avstängt" in refused.get_data(as_text=True).lower()
    db.session.expire_all()
    assert stopped.role_in(region("kronoberg")) is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_an_admin_changes_a_role_and_the_last_admin_is_kept(client):
    admin = _admin(client)
    kim = _colleague("kim@example.se", Role.VIEWER)
    url = f"{STAFF}/{kim.id}/role"
    assert _post(client, url, **{f"user-{kim.id}-role": "editor"}).status_code == 303
    db.session.expire_all()
    assert kim.role_in(region("kronoberg")) == Role.EDITOR

    refused = _post(client, f"{STAFF}/{admin.id}/role", **{f"user-{admin.id}-role": "editor"})
    assert refused.status_code == 303
    page = client.get(STAFF).get_data(as_text=True)
    assert "måste ha minst en aktiv administratör" in page
    assert admin.role_in(region("kronoberg")) == Role.ADMIN
    assert _post(client, f"{STAFF}/{admin.id}/deactivate").status_code == 303
    db.session.expire_all()
    assert admin.role_in(region("kronoberg")) == Role.ADMIN

    # With a second admin, the first may step down.
    _post(client, url, **{f"user-{kim.id}-role": "admin"})
    assert (
        _post(client, f"{STAFF}/{admin.id}/role", **{f"user-{admin.id}-role": "viewer"}).status_code
        == 303
    )
    db.session.expire_all()
    assert admin.role_in(region("kronoberg")) == Role.VIEWER
    assert client.get(STAFF).status_code == 403
    assert [a[:3] for a in _actions()] == [
        ("staff.role", f"user:{kim.id}", "role=editor"),
        ("staff.role", f"user:{kim.id}", "role=admin"),
        ("staff.role", f"user:{admin.id}", "role=viewer"),
    ]


def test_an_unknown_role_is_refused_with_the_page(client):
    _admin(client)
    kim = _colleague("kim@example.se", Role.VIEWER)
    refused = _post(client, f"{STAFF}/{kim.id}/role", **{f"user-{kim.id}-role": "owner"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert kim.role_in(region("kronoberg")) == Role.VIEWER


def test_deactivating_ends_the_colleagues_sessions_and_reactivating_lets_them_back(app, client):
    _admin(client)
    kim = _colleague("kim@example.se")
    colleague = app.test_client()
    login(colleague, kim)
    assert colleague.get("/admin/r/kronoberg/").status_code == 200

    assert _post(client, f"{STAFF}/{kim.id}/deactivate").status_code == 303
    page = client.get(STAFF).get_data(as_text=True)
    assert "arbetar inte längre i Region Kronoberg" in page and "Avstängd" in page
    next_request = colleague.get("/admin/r/kronoberg/")
    assert next_request.status_code == 302
    assert next_request.headers["Location"].startswith("/admin/login")
    assert (
        db.session.scalar(
            select(func.count(StaffSession.id)).filter_by(user_id=kim.id, ended_at=None)
        )
        == 0
    )

    assert _post(client, f"{STAFF}/{kim.id}/reactivate").status_code == 303
    login(colleague, kim)
    assert colleague.get("/admin/r/kronoberg/").status_code == 200
    assert [a[0] for a in _actions()] == ["staff.deactivate", "staff.reactivate"]


def test_deactivating_in_one_region_keeps_the_others(app, client):
    _admin(client)
    kim = _colleague("kim@example.se")
    grant_role(kim, region("blekinge"), Role.EDITOR)
    db.session.commit()
    colleague = app.test_client()
    login(colleague, kim)

    _post(client, f"{STAFF}/{kim.id}/deactivate")
    assert colleague.get("/admin/r/kronoberg/").status_code == 404
    assert colleague.get("/admin/r/blekinge/").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_colleague(app, client):
    _admin(client)
    kim = _colleague("kim@example.se")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, kim)
    login(laptop, kim)
    assert _post(client, f"{STAFF}/{kim.id}/sign-out").status_code == 303
    for device in (phone, laptop):
        assert device.get("/admin/r/kronoberg/").status_code == 302
    login(phone, kim)  # the account itself still works
    assert phone.get("/admin/r/kronoberg/").status_code == 200
    assert _actions() == [("staff.sign_out", f"user:{kim.id}", "")]


def test_an_admin_acts_only_on_their_own_regions_colleagues(client):
    _admin(client)
    stranger = _colleague("kim@example.se", Role.EDITOR, "blekinge")
    for action in ("deactivate", "sign-out", "role"):
        assert _post(client, f"{STAFF}/{stranger.id}/{action}").status_code == 404
    assert client.get("/admin/r/blekinge/staff").status_code == 404
    assert not _actions()


def test_the_list_shows_role_last_sign_in_and_pages(client):
    _admin(client)
    for number in range(55):
        user = User(email=f"person{number:02}@example.se", name=f"Person {number:02}",
                    password_hash="")  # fmt: skip
        db.session.add(user)
        db.session.flush()
        db.session.add(RegionMembership(user_id=user.id, region_id=region("kronoberg").id,
                                        role="viewer"))  # fmt: skip
    db.session.commit()
    first = client.get(STAFF).get_data(as_text=True)
    assert "56 medarbetare" in first and "sida 1 av 2" in first
    second = client.get(f"{STAFF}?page=2").get_data(as_text=True)
    assert "Person 54" in second and "Person 00" not in second
    assert "kronoberg-admin@example.se" in first
    assert re.search(r"Senast inloggad", first)
