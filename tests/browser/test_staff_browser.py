"""Colleagues in a browser: a region admin invites a colleague by mail through a real SMTP
server, the colleague chooses a password and signs in, becomes editor, and is deactivated, at
which their open page stops working; axe-core on the staff list, invite form and welcome page."""

from __future__ import annotations

import re

from aiosmtpd.controller import Controller

from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from kick_forms.models import Role, User
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, add_staff, log_in
from tests.conftest import Collector, free_port, region

ADMIN = "admin@vasterbotten.example.se"
COLLEAGUE = "vera.varg@vasterbotten.example.se"
LINK = re.compile(r"https?://\S+/admin/welcome/[A-Za-z0-9_-]+")


def _mailed_link(live_app) -> str:  # type: ignore[no-untyped-def]
    """Send the outbox through a real SMTP server and read the link from what it received."""
    collector = Collector()
    controller = Controller(
        collector, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test"
    )
    controller.start()
    saved = {key: live_app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    live_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        with live_app.app_context():
            send_due()
    finally:
        live_app.config.update(saved)
        controller.stop()
    # The live server is shared: other tests' mail may be waiting in its outbox too.
    [mail] = [mail for recipients, mail in collector.received if recipients == [COLLEAGUE]]
    return LINK.search(mail.get_body(("plain",)).get_content()).group(0)


def _served(page, folder, name: str) -> None:  # type: ignore[no-untyped-def]
    """The page's HTML as the server sends it, saved for the W3C Nu checker."""
    html = page.context.request.get(page.url).text()
    (folder / f"{name}.html").write_text(html, encoding="utf-8")


def _role(live_app) -> Role | None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        user = db.session.scalars(db.select(User).filter_by(email=COLLEAGUE)).one()
        return user.role_in(region("vasterbotten"))


def test_an_admin_invites_a_colleague_who_signs_up_and_is_stopped_at_once(
    live_app, live_server, page, tmp_path
):
    with live_app.app_context():
        add_staff("vasterbotten", Role.ADMIN, ADMIN)
        db.session.commit()
    checked = {}
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/admin/r/vasterbotten/")
    page.get_by_role("link", name="Medarbetare").click()
    page.get_by_role("heading", name="Medarbetare").wait_for()
    checked["staff list"] = violations(page)
    _served(page, tmp_path, "staff-list")

    page.get_by_role("link", name="Bjud in en medarbetare").click()
    checked["invite form"] = violations(page)
    _served(page, tmp_path, "invite")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.get_by_text("Skriv medarbetarens e-postadress.").first.wait_for()
    checked["invite form with errors"] = violations(page)
    page.fill("#email", COLLEAGUE)
    page.select_option("#role", "viewer")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.get_by_text(f"Inbjudan är skickad till {COLLEAGUE}.").wait_for()
    assert page.get_by_text("Inbjuden, inte registrerad än").is_visible()

    link = _mailed_link(live_app)
    colleague = page.context.browser.new_context(locale="sv-SE").new_page()
    colleague.goto(link)
    colleague.get_by_role("heading", name="Välkommen till KICK Forms").wait_for()
    checked["welcome"] = violations(colleague)
    _served(colleague, tmp_path, "welcome")
    colleague.fill("#name", "Vera Varg")
    colleague.fill("#password", "fjällbjörk vid Umeälven i maj")
    colleague.fill("#password_again", "fjällbjörk vid Umeälven i maj")
    colleague.get_by_role("button", name="Spara och logga in").click()
    colleague.wait_for_url(f"{live_server}/admin/")
    colleague.goto(f"{live_server}/admin/r/vasterbotten/")
    colleague.get_by_role("heading", name="Samråd").wait_for()
    assert colleague.get_by_role("link", name="Nytt samråd").count() == 0  # a viewer

    page.reload()
    page.get_by_label("Roll för Vera Varg").select_option("editor")
    page.get_by_role("button", name="Byt roll för Vera Varg").click()
    page.get_by_text("Rollen för Vera Varg är ändrad.").wait_for()
    assert _role(live_app) == Role.EDITOR
    colleague.reload()
    colleague.get_by_role("link", name="Nytt samråd").wait_for()

    page.get_by_role("button", name="Stäng av Vera Varg").click()
    page.get_by_text("Vera Varg arbetar inte längre i Region Västerbotten.").wait_for()
    checked["staff list after deactivating"] = violations(page)
    _served(page, tmp_path, "staff-list-deactivated")
    assert _role(live_app) is None

    # The colleague's open page stops working at its next request.
    colleague.reload()
    colleague.wait_for_url(re.compile(r"/admin/login"))
    colleague.context.close()
    assert checked == {name: [] for name in checked}
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}


def test_the_platform_list_of_accounts_passes_axe_and_nu(live_app, live_server, page, tmp_path):
    from kick_forms.auth.services import create_user

    with live_app.app_context():
        create_user("platform@staff.example.se", PASSWORD, name="Pia Plattform",
                    platform_admin=True)  # fmt: skip
        db.session.commit()
    log_in(page, live_server, "platform@staff.example.se")
    page.get_by_role("link", name="Alla konton").click()
    page.get_by_role("heading", name="Alla konton").wait_for()
    assert violations(page) == []
    _served(page, tmp_path, "accounts")
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}
