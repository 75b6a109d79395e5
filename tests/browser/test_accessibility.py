"""axe-core on the pages this part of the product has, in the states people see them."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, QuestionKind, Region, Role
from kick_forms.timeutil import to_local, utcnow
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in
from tests.conftest import question_data


def _setup(live_app) -> int:
    with live_app.app_context():
        add_staff("blekinge", Role.ADMIN, "a11y@blekinge.example.se")
        region = db.session.scalars(db.select(Region).filter_by(slug="blekinge")).one()
        closes = to_local(utcnow() + timedelta(days=20)).replace(tzinfo=None)
        consultation = builder.create_consultation(
            region,
            builder.Settings("Kulturplan Blekinge", "a11y", "Intro **fet**", 2027, 2030,
                             ["film"], None, closes, "dialogue", "drafting"),
        )  # fmt: skip
        section = builder.add_section(consultation, "Allt", "Alla sorters frågor")
        for kind in QuestionKind:
            options = ["Ett", "Två"] if kind.has_options else []
            builder.add_question(
                section,
                question_data(kind=kind, label=f"Fråga {kind}", options=options,
                              allow_other=kind == QuestionKind.MULTIPLE_CHOICE,
                              help_text="Hjälptext", required=True),
            )  # fmt: skip
        builder.change_status(consultation, ConsultationStatus.OPEN, utcnow())
        db.session.commit()
        return consultation.id


def test_public_and_staff_pages_have_no_axe_violations(live_app, live_server, page):
    consultation_id = _setup(live_app)
    checked = {}
    public_pages = ("/", "/board", "/r/blekinge/", "/r/blekinge/c/a11y/",
                    "/r/blekinge/c/a11y/?lang=en", "/admin/login", "/r/nowhere/")  # fmt: skip
    for path in public_pages:
        page.goto(live_server + path)
        checked[path] = violations(page)

    log_in(page, live_server, "a11y@blekinge.example.se")
    base = f"{live_server}/admin/r/blekinge/c/{consultation_id}"
    register = "/admin/r/blekinge/organisations"
    for path in ("/admin/", "/admin/r/blekinge/", f"{base}/", f"{base}/settings",
                 f"{base}/preview", "/admin/r/blekinge/c/new", f"{base}/embed",
                 register, f"{register}?q=ingen", f"{register}/new",
                 f"{register}/report"):  # fmt: skip
        page.goto(path if path.startswith("http") else live_server + path)
        checked[path] = violations(page)

    # States reached through htmx: a question being edited, and a form with errors.
    page.goto(f"{base}/")
    page.locator("[id^=edit-question-]").first.click()
    page.locator("form[id^=question-form-]").wait_for()
    checked["editing a question"] = violations(page)
    page.get_by_label("Fråga", exact=True).fill("")
    page.get_by_role("button", name="Spara frågan").click()
    expect(page.locator(".error-summary")).to_be_focused()
    checked["question with errors"] = violations(page)

    page.goto(f"{live_server}{register}/new")
    page.get_by_role("button", name="Spara").click()
    page.locator(".error-summary").wait_for()
    checked["organisation with errors"] = violations(page)
    page.fill("#name", "Karlskrona konstförening")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"{live_server}{register}/*")
    checked["an organisation"] = violations(page)

    page.goto(f"{live_server}{register}/import")
    checked["import"] = violations(page)
    csv = "Namn;Kommun\nKarlskrona kör;Karlskrona\n;Atlantis\n".encode()
    page.set_input_files("#file", {"name": "register.csv", "mimeType": "text/csv", "buffer": csv})
    page.get_by_role("button", name="Läs filen").click()
    page.wait_for_url(f"{live_server}{register}/import/*")
    checked["import report"] = violations(page)

    page.goto(f"{base}/settings")
    page.fill("#closes_at", "inte ett datum")
    page.get_by_role("button", name="Spara inställningar").click()
    page.locator(".error-summary").wait_for()
    assert page.title().startswith("Fel:")
    checked["settings with errors"] = violations(page)

    assert {name: found for name, found in checked.items() if found} == {}


def test_the_board_has_no_axe_violations_and_keeps_focus_when_filtered(live_app, live_server, page):
    from kick_forms.demo import DEMO_SLUG, load_demo_data
    from kick_forms.models import Consultation
    from tests.board.generated import add_response

    with live_app.app_context():
        load_demo_data()
        consultation = db.session.scalars(db.select(Consultation).filter_by(slug=DEMO_SLUG)).one()
        consultation.board_visibility = "while_open"
        questions = consultation.questions
        for index, (municipality, category) in enumerate(
            [("0780", "choir"), ("0764", "local_heritage"), ("0780", "study_association")]
        ):
            answers = {}
            for question in questions:
                if question.kind == "scale":
                    answers[question] = str(index + 2)
                elif question.kind == "yes_no":
                    answers[question] = "yes"
                elif question.kind in ("single_choice", "multiple_choice"):
                    answers[question] = ([question.options[index].id], None)
                elif question.kind == "number":
                    answers[question] = 10 * (index + 1)
                else:
                    answers[question] = f"Synpunkt {index}"
            add_response(consultation, name=f"Förening {index}", municipality=municipality,
                         categories=[category], named=index != 1, answers=answers)  # fmt: skip
        db.session.commit()

    page.goto(f"{live_server}/r/kronoberg/c/{DEMO_SLUG}/board")
    assert page.locator(".totals dd").first.inner_text() == "3"
    assert violations(page) == []
    page.focus("#category")
    page.keyboard.press("ArrowDown")  # the first kind: study associations
    page.wait_for_url("**category=study_association**")
    assert page.locator(".totals dd").first.inner_text() == "1"
    expect(page.locator("#category")).to_be_focused()
    assert violations(page) == []
