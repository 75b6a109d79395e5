"""The builder in a real browser: htmx swaps, keyboard-only reordering, the preview."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import Region, Role
from tests.browser.conftest import add_staff, log_in
from tests.conftest import question_data

EDITOR = "redaktor@kronoberg.example.se"


def _setup(live_app, email: str = EDITOR, slug: str = "kulturplan") -> int:
    with live_app.app_context():
        add_staff("kronoberg", Role.EDITOR, email)
        kronoberg = db.session.scalars(db.select(Region).filter_by(slug="kronoberg")).one()
        consultation = builder.create_consultation(
            kronoberg,
            builder.Settings("Kulturplan", slug, "", 2027, 2030, [], None, None, None, None),
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
    log_in(page, live_server, EDITOR)
    page.goto(f"{live_server}/admin/r/kronoberg/c/{consultation_id}/")
    page.evaluate("window.sameDocument = true")

    # Add a question in place: htmx loads the form into the section and swaps the list back.
    page.get_by_role("link", name=re.compile("Lägg till en fråga")).click()
    label = page.get_by_label("Fråga", exact=True)
    label.wait_for()
    assert re.fullmatch(r"new-\d+-label", page.evaluate("document.activeElement.id"))
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


# Every element with an id; the ids that occur more than once.
REPEATED_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map((element) => element.id);
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}"""
# Per open builder form: its labels whose control is missing or in another form.
STRAY_LABELS = """() => [...document.querySelectorAll("form[data-question-form]")].flatMap((form) =>
  [...form.querySelectorAll("label[for]")]
    .filter((label) => !label.control || label.control.form !== form)
    .map((label) => `${form.id}: ${label.htmlFor}`))"""


def test_three_question_forms_open_at_once_each_have_their_own_ids(live_app, live_server, page):
    email = "ids@kronoberg.example.se"
    consultation_id = _setup(live_app, email, "kulturplan-ids")
    log_in(page, live_server, email)
    page.goto(f"{live_server}/admin/r/kronoberg/c/{consultation_id}/")
    forms = page.locator("form[data-question-form]")

    # Two questions opened for editing and a new one, all at once.
    edits = page.locator("[id^=edit-question-]").evaluate_all("links => links.map(a => a.id)")
    for link in [page.locator(f"#{edits[0]}"), page.locator(f"#{edits[1]}"),
                 page.get_by_role("link", name=re.compile("Lägg till en fråga"))]:  # fmt: skip
        count = forms.count()
        link.click()
        expect(forms).to_have_count(count + 1)
        # htmx moved the focus into the form just opened: its own question field.
        focused = page.evaluate("[document.activeElement.form?.id, document.activeElement.name]")
        assert focused == [forms.nth(count).get_attribute("id"), "label"]
    assert page.evaluate(REPEATED_IDS) == []
    assert page.evaluate(STRAY_LABELS) == []

    # Clicking a label puts the focus in its own form's field.
    for index in range(3):
        form = forms.nth(index)
        labels = form.locator("label.label[for]:visible")
        assert labels.count() >= 3  # kind, question, help text at least
        for label in labels.all():
            label.click()
            focused = page.evaluate("[document.activeElement.form?.id, document.activeElement.id]")
            assert focused == [form.get_attribute("id"), label.get_attribute("for")]

    # The second form sent without its question: its error summary links into it, the others
    # stay open and the ids stay unique.
    second = forms.nth(1)
    second_id = second.get_attribute("id")
    second.get_by_label("Fråga", exact=True).fill("")
    second.get_by_role("button", name="Spara frågan").click()
    summary = page.locator(f"#{second_id} .error-summary")
    expect(summary).to_be_focused()
    target = summary.get_by_role("link").first.get_attribute("href")
    assert page.locator(f"#{second_id} {target}").count() == 1
    expect(forms).to_have_count(3)
    assert page.evaluate(REPEATED_IDS) == []
    assert page.evaluate(STRAY_LABELS) == []
