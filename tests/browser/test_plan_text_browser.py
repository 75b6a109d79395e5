"""The plan's text in a browser: staff import a DOCX, check the preview and replace the text;
the public page shows it with numbered anchors; axe-core and the Nu checker on each state."""

from __future__ import annotations

from playwright.sync_api import expect

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import Consultation, ConsultationStatus, Role
from kick_forms.timeutil import utcnow
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in, open_consultation
from tests.consultations.plan_files import docx_plan

STAFF = "plan@jonkoping.example.se"


def _draft(live_app) -> int:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_staff("jonkoping", Role.EDITOR, STAFF)
        consultation = open_consultation("jonkoping", "Kulturplan Jönköping", "plantext")
        consultation.status = ConsultationStatus.DRAFT  # as built, before opening
        db.session.commit()
        return consultation.id


def _saved(page, folder, name: str) -> None:  # type: ignore[no-untyped-def]
    (folder / f"{name}.html").write_text(page.content(), encoding="utf-8")


def test_import_preview_replace_and_read_the_plan(live_app, live_server, page, tmp_path):
    consultation_id = _draft(live_app)
    checked = {}
    log_in(page, live_server, STAFF)
    page.goto(f"{live_server}/admin/r/jonkoping/c/{consultation_id}/")
    page.get_by_role("link", name="Planens text").click()
    checked["empty"] = violations(page)
    _saved(page, tmp_path, "empty")

    page.get_by_label("Eller importera en fil").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"}
    )
    page.get_by_label("Planens text som Markdown").fill("Det jag skrev")
    page.get_by_role("button", name="Förhandsgranska").click()
    page.locator(".error-summary").wait_for()
    assert page.get_by_label("Planens text som Markdown").input_value() == "Det jag skrev"
    checked["bad file"] = violations(page)
    _saved(page, tmp_path, "bad-file")

    page.get_by_label("Eller importera en fil").set_input_files(
        {"name": "plan.docx", "mimeType": "application/octet-stream", "buffer": docx_plan()}
    )
    page.get_by_role("button", name="Förhandsgranska").click()
    page.locator("#preview-p-2-3").wait_for()
    expect(page.locator("#preview-heading")).to_be_focused()
    checked["preview"] = violations(page)
    _saved(page, tmp_path, "preview")

    page.get_by_role("button", name="Ersätt planens text").click()
    page.get_by_text("Planens text sparades: 3 kapitel och 8 stycken.").wait_for()
    checked["stored"] = violations(page)
    _saved(page, tmp_path, "stored")

    with live_app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        builder.change_status(consultation, ConsultationStatus.OPEN, utcnow())
        db.session.commit()
    page.goto(f"{live_server}/r/jonkoping/c/plantext/")
    page.get_by_role("link", name="Läs planens text").click()
    page.get_by_role("heading", name="2. Kultur i hela regionen", level=2).wait_for()
    page.get_by_role("link", name="Stycke 2.3").click()
    assert page.url.endswith("#p-2-3")
    checked["public"] = violations(page)
    _saved(page, tmp_path, "public")

    assert checked == {name: [] for name in checked}
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}
