"""The builder in a real browser: htmx swaps, keyboard-only reordering, the preview."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import Region, Role
from tests.browser.conftest import add_staff, log_in
from tests.conftest import question_data


def _setup(live_app) -> int:
    with live_app.app_context():
        add_staff("kronoberg", Role.EDITOR, "redaktor@kronoberg.example.se")
        kronoberg = db.session.scalars(db.select(Region).filter_by(slug="kronoberg")).one()
        consultation = builder.create_consultation(
            kronoberg,
            builder.Settings(
                "Kulturplan", "kulturplan", "", 2027, 2030, [], None, None, None, None
            ),
        )
        section = builder.add_section(consultation, "Om er", "")
        builder.add_question(section, question_data(label="Första frågan"))
        builder.add_question(section, question_data(label="Andra frågan"))
        db.session.commit()
        return consultation.id


def _labels(page) -> list[str]:
    texts = page.locator(".builder-question__label").all_inner_texts()
    return [re.sub(r"^\d+\.\d+ ", "", text) for text in texts]


def test_build_a_question_reorder_it_by_keyboard_and_see_it_in_the_preview(
    live_app, live_server, page
):
    consultation_id = _setup(live_app)
    log_in(page, live_server, "redaktor@kronoberg.example.se")
    page.goto(f"{live_server}/admin/r/kronoberg/c/{consultation_id}/")
    page.evaluate("window.sameDocument = true")

    # Add a question in place: htmx loads the form into the section and swaps the list back.
    page.get_by_role("link", name=re.compile("Lägg till en fråga")).click()
    label = page.get_by_label("Fråga", exact=True)
    label.wait_for()
    assert page.evaluate("document.activeElement.id") == "label"
    page.get_by_label("Typ av fråga").select_option("single_choice")
    label.fill("Vilket område är viktigast?")
    page.get_by_label("Svarsalternativ").fill("Museer\nBibliotek\nFilm")
    page.get_by_role("button", name="Spara frågan").click()
    page.get_by_role("heading", name="Vilket område är viktigast?").wait_for()
    assert _labels(page) == ["Första frågan", "Andra frågan", "Vilket område är viktigast?"]
    assert page.evaluate("window.sameDocument") is True  # no full page load

    # Keyboard only: from the focused edit link, tab to "Flytta upp" and press Enter twice.
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("edit-question-")
    question_id = focused.removeprefix("edit-question-")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"move-up-question-{question_id}"
    page.keyboard.press("Enter")
    expect(page.locator(".builder-question__label").nth(1)).to_contain_text("Vilket område")
    assert page.evaluate("document.activeElement.id") == f"move-up-question-{question_id}"
    page.keyboard.press("Enter")
    expect(page.locator(".builder-question__label").nth(0)).to_contain_text("Vilket område")
    assert _labels(page) == ["Vilket område är viktigast?", "Första frågan", "Andra frågan"]
    # At the top the "up" button is gone; the focus stays on the question's other move button.
    assert page.evaluate("document.activeElement.id") == f"move-down-question-{question_id}"
    assert "Frågan är nu nummer 1 av 3" in page.locator("#builder-status").inner_text()

    # The preview shows it first, with its options, as organisations will see it.
    page.goto(f"{live_server}/admin/r/kronoberg/c/{consultation_id}/preview")
    legends = page.locator("form.answer-form legend").all_inner_texts()
    assert legends[0].startswith("Vilket område är viktigast?")
    assert page.get_by_label("Bibliotek").count() == 1
