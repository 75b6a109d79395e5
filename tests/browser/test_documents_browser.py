"""A consultation's documents in a real browser: attaching one with an error first, moving it
by keyboard with htmx, and reading the list on the public page and in the frame; axe and the
Nu checker on each state."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from kick_forms.extensions import db
from kick_forms.models import Role
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in, open_consultation

EDITOR = "dokument@kronoberg.example.se"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _saved(page, folder, name: str) -> None:  # type: ignore[no-untyped-def]
    html = page.context.request.get(page.url).text()
    (folder / f"{name}.html").write_text(html, encoding="utf-8")


def test_attach_documents_move_them_by_keyboard_and_read_them_on_the_public_page(
    live_app, live_server, page, tmp_path
):
    with live_app.app_context():
        add_staff("kronoberg", Role.EDITOR, EDITOR)
        consultation = open_consultation("kronoberg", "Kulturplan med dokument", "dokumentplan")
        db.session.commit()
        consultation_id = consultation.id
    checked = {}
    log_in(page, live_server, EDITOR)
    builder = f"{live_server}/admin/r/kronoberg/c/{consultation_id}/"
    page.goto(builder)
    checked["builder without documents"] = violations(page)

    # A file without a title: the page says so, focused on the summary, the file kept unsent.
    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Bifoga dokumentet").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Skriv en titel för dokumentet.")
    expect(page).to_have_title(re.compile("^Fel:"))
    checked["upload with an error"] = violations(page)

    for title in ("Förslag till kulturplan", "Bilaga: statistik"):
        page.get_by_label("Titel", exact=True).fill(title)
        page.get_by_label("Fil", exact=True).set_input_files(
            {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="Bifoga dokumentet").click()
        page.wait_for_url(re.compile(r"#documents$"))
    items = page.locator("#documents-list li > a")
    expect(items).to_have_text(["Förslag till kulturplan", "Bilaga: statistik"])
    checked["builder with documents"] = violations(page)
    _saved(page, tmp_path, "builder")

    # Keyboard only: "Flytta upp" on the annex moves it first, in place, the focus kept.
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Flytta upp Bilaga: statistik").focus()
    page.keyboard.press("Enter")
    expect(items).to_have_text(["Bilaga: statistik", "Förslag till kulturplan"])
    focused = page.evaluate("document.activeElement.id")
    assert re.fullmatch(r"move-down-document-\d+", focused)
    expect(page.locator("#documents-status")).to_contain_text("är nu nummer 1 av 2")
    assert page.evaluate("window.sameDocument") is True
    checked["after moving"] = violations(page)

    public = f"{live_server}/r/kronoberg/c/dokumentplan/"
    page.goto(public)
    documents = page.get_by_role("region", name="Dokument")
    expect(documents.get_by_role("listitem")).to_have_text(
        [re.compile(r"Bilaga: statistik\s+\(PDF, 1 kB\)"),
         re.compile(r"Förslag till kulturplan\s+\(PDF, 1 kB\)")]
    )  # fmt: skip
    checked["public page"] = violations(page)
    _saved(page, tmp_path, "public")
    href = documents.get_by_role("link").first.get_attribute("href")
    download = page.context.request.get(f"{live_server}{href}")
    assert download.status == 200 and download.body() == PDF

    page.goto(f"{live_server}/embed/r/kronoberg/c/dokumentplan")
    link = page.get_by_role("link", name=re.compile("Förslag till kulturplan"))
    expect(link).to_have_attribute("target", "_blank")
    checked["embedded start page"] = violations(page)
    _saved(page, tmp_path, "embedded")

    assert checked == {name: [] for name in checked}
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}
