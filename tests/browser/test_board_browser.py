"""The board in Chromium: it refreshes itself without moving the reader, and feedback is mailed."""

from __future__ import annotations

from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    QuestionKind,
    Region,
    ResponseContact,
    Role,
)
from kick_forms.timeutil import utcnow
from tests.board.generated import add_response
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in
from tests.conftest import Collector, free_port, question_data


def _consultation(slug: str):  # type: ignore[no-untyped-def]
    region = db.session.scalars(db.select(Region).filter_by(slug="gavleborg")).one()
    closes = (utcnow().replace(microsecond=0)).replace(year=utcnow().year + 1)
    consultation = builder.create_consultation(
        region,
        builder.Settings("Kulturplan Gävleborg", slug, "", 2027, 2030, [], None, closes, None,
                         None, board_visibility="while_open", board_live=True),
    )  # fmt: skip
    section = builder.add_section(consultation, "Frågor", "")
    builder.add_question(section, question_data(kind=QuestionKind.SCALE, label="Hur väl?"))
    builder.change_status(consultation, ConsultationStatus.OPEN, utcnow())
    return consultation


def _answer(consultation, name: str, email: str) -> None:  # type: ignore[no-untyped-def]
    question = consultation.questions[0]
    response = add_response(consultation, name=name, municipality="2180", categories=["choir"],
                            named=True, answers={question: "4"})  # fmt: skip
    db.session.add(ResponseContact(response_id=response.id, name=name, email=email))


def test_the_live_board_refreshes_without_moving_focus(live_app, live_server, page):
    with live_app.app_context():
        consultation = _consultation("live")
        _answer(consultation, "Gävle kammarkör", "a@example.se")
        db.session.commit()
    page.goto(f"{live_server}/r/gavleborg/c/live/board")
    expect(page.locator(".totals dd").first).to_have_text("1")
    page.focus("#municipality")
    with live_app.app_context():
        consultation = db.session.scalars(
            db.select(type(consultation)).filter_by(slug="live")
        ).one()
        _answer(consultation, "Sandvikens spelmän", "b@example.se")
        db.session.commit()
    expect(page.locator(".totals dd").first).to_have_text("2", timeout=10_000)
    expect(page.locator("#municipality")).to_be_focused()


def test_publishing_feedback_in_the_browser_mails_each_organisation_once(
    live_app, live_server, page
):
    with live_app.app_context():
        consultation = _consultation("feedback")
        for index in range(3):
            _answer(consultation, f"Förening {index}", f"forening{index}@example.se")
        consultation.status = ConsultationStatus.CLOSED
        add_staff("gavleborg", Role.EDITOR, "redaktor@gavleborg.example.se")
        db.session.commit()
        consultation_id = consultation.id
        section_id = consultation.sections[0].id

    log_in(page, live_server, "redaktor@gavleborg.example.se")
    page.goto(f"{live_server}/admin/r/gavleborg/c/{consultation_id}/feedback")
    page.check(f"#s{section_id}-status-1")
    page.fill(f"#s{section_id}-explanation", "Körerna får ett eget stöd i planen.")
    page.get_by_role("button", name="Spara återkopplingen").first.click()
    expect(page.locator(f"#outcome-s{section_id} [role=status]")).to_have_text("Sparat.")
    page.get_by_role("button", name="Publicera återkopplingen och meddela organisationerna").click()
    expect(page.locator(".flash")).to_contain_text("3 organisationer")

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with live_app.app_context():
            live_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
            while send_due().handled:
                pass
    finally:
        controller.stop()
    # Other tests share the live database and may have left their own mail in the outbox.
    recipients = sorted(
        rcpt
        for rcpts, message in collector.received
        if message["Subject"].startswith("Vad Region Gävleborg gjorde")
        for rcpt in rcpts
    )
    assert recipients == [f"forening{index}@example.se" for index in range(3)]

    page.goto(f"{live_server}/r/gavleborg/c/feedback/board")
    expect(page.locator(".outcome")).to_contain_text("Körerna får ett eget stöd i planen.")


def test_the_board_charts_pass_axe_fold_away_and_keep_forced_colours(live_app, live_server, page):
    with live_app.app_context():
        consultation = _consultation("charts")
        _answer(consultation, "Hudiksvalls kör", "c@example.se")
        consultation.board_live = False
        db.session.commit()
    page.goto(f"{live_server}/r/gavleborg/c/charts/board")
    chart = page.get_by_role("img", name="Hur väl?")
    expect(chart).to_contain_text("1 (100\N{NO-BREAK SPACE}%)")
    assert violations(page) == []
    page.get_by_text("Visa siffrorna som tabell").first.click()
    expect(page.get_by_role("table", name="Svar per typ av organisation")).to_be_visible()
    assert violations(page) == []
    page.locator(".board-section > summary", has_text="Frågor").click()
    expect(chart).to_be_hidden()
    page.emulate_media(forced_colors="active")
    page.locator(".board-section > summary", has_text="Frågor").click()
    text_colour = page.evaluate("getComputedStyle(document.body).color")
    bar = page.locator(".svg-chart__bar").first
    assert bar.evaluate("el => getComputedStyle(el).fill") == text_colour


def _add_answer(live_app, slug: str, name: str, municipality: str = "2180") -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        consultation = db.session.scalars(db.select(Consultation).filter_by(slug=slug)).one()
        add_response(consultation, name=name, municipality=municipality, categories=["choir"],
                     named=True, answers={consultation.questions[0]: "4"})  # fmt: skip
        db.session.commit()


def test_a_section_the_reader_folds_stays_folded_through_refreshes_and_filters(
    live_app, live_server, page
):
    with live_app.app_context():
        consultation = _consultation("folding")
        _answer(consultation, "Gävle kammarkör", "d@example.se")
        db.session.commit()
    page.goto(f"{live_server}/r/gavleborg/c/folding/board")
    responses = page.locator(".totals dd").first
    expect(responses).to_have_text("1")
    sections = page.locator("details.board-section")
    questions = sections.filter(has=page.locator("summary", has_text="Frågor"))
    who = sections.filter(has=page.locator("summary", has_text="Vilka som svarade"))
    questions.locator(":scope > summary").click()
    expect(questions).to_have_js_property("open", False)
    who.get_by_text("Visa siffrorna som tabell").first.click()
    table = who.locator(".svg-chart details").first
    expect(table).to_have_js_property("open", True)

    for count in (2, 3):
        _add_answer(live_app, "folding", f"Förening {count}")
        expect(responses).to_have_text(str(count), timeout=10_000)
    expect(questions).to_have_js_property("open", False)
    expect(who).to_have_js_property("open", True)
    expect(table).to_have_js_property("open", True)
    assert (
        page.evaluate("document.activeElement.textContent")
        == "Visa siffrorna som tabell: Svar per typ av organisation"
    )

    page.focus("#municipality")
    page.select_option("#municipality", "2180")
    expect(page.locator("#board-results h2").first).to_contain_text("filtrerat")
    expect(questions).to_have_js_property("open", False)
    expect(who).to_have_js_property("open", True)
    for count in (4, 5):
        _add_answer(live_app, "folding", f"Förening {count}")
        expect(responses).to_have_text(str(count), timeout=10_000)
    expect(questions).to_have_js_property("open", False)
    expect(who).to_have_js_property("open", True)
    expect(page.locator("#municipality")).to_be_focused()

    # A filter with no answers shows no sections; the fold is still there after it.
    page.select_option("#municipality", label="Sandviken")
    expect(page.locator("#board-results")).to_contain_text("Det finns inga svar att visa än.")
    page.select_option("#municipality", "")
    expect(responses).to_have_text("5")
    expect(questions).to_have_js_property("open", False)
    expect(who).to_have_js_property("open", True)


def test_the_export_links_stand_apart_from_the_text_after_them(live_app, live_server, page):
    with live_app.app_context():
        _answer(_consultation("exports"), "Bollnäs spelmanslag", "e@example.se")
        db.session.commit()
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/r/gavleborg/c/exports/board")
        links = page.locator(".export-links").bounding_box()
        after = page.locator(".export-links + *").bounding_box()
        pdf = page.get_by_role("link", name="Sammanställningen som PDF").bounding_box()
        assert links and after and pdf
        assert after["y"] - (links["y"] + links["height"]) >= 16, width
        assert pdf["x"] + pdf["width"] <= width, width


def test_the_overviews_table_of_regions_fits_a_desktop_and_scrolls_alone_on_a_phone(
    live_server, page
):
    """All 21 regions and their figures fit 1280 px; on a phone only the table's own labelled
    scroller scrolls, never the page."""
    widths = {}
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/board")
        widths[width] = page.evaluate(
            """() => {
                const scroller = document.querySelector('.table-wrap[role=region]');
                return [scroller.scrollWidth, scroller.clientWidth,
                        document.documentElement.scrollWidth];
            }"""
        )
    assert widths[1280][0] <= widths[1280][1], widths
    assert widths[320][2] <= 320, widths
