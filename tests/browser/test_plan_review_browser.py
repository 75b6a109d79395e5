"""The plan's text reviewed from end to end, in one browser: an editor imports a short DOCX plan
with headings, checks the preview, replaces the text and opens the consultation; an organisation,
in the frame on the region's own website (another origin, third-party cookies blocked), starts
an answer, comments on two paragraphs in place with htmx, answers the required question and
sends; the public board shows the comments under those two paragraphs only; after "Stäng nu"
every comment route, plain and embedded, answers 409 and changes nothing. axe-core (and the Nu
checker, where installed) on each new page state on the way."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import docx
import pytest
from playwright.sync_api import expect

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import (
    Consultation,
    EmbedOrigin,
    PlanChapter,
    PlanParagraph,
    Region,
    Response,
    ResponseVersion,
    Role,
)
from kick_forms.models.plan import ParagraphComment
from kick_forms.timeutil import to_local, utcnow
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in
from tests.browser.test_embed_browser import (  # noqa: F401  strict_browser: a fixture
    _content_frame,
    _frame,
    _serve_host,
    strict_browser,
)
from tests.conftest import question_data

STAFF = "planreview@kronoberg.example.se"
SLUG = "planreview"
QUESTION = "Vad tycker ni om planens inriktning?"
ORGANISATION = "Alvesta musikförening"
COMMENTED = {"1.2": "Nämn skolbiblioteken också.", "2.1": "Bjud in oss tidigt i arbetet."}
UNCOMMENTED = ("1.1", "2.2")


def _plan_docx() -> bytes:
    """Two Heading 1 chapters, a Heading 2 inside the first, four paragraphs."""
    document = docx.Document()
    document.add_heading("Kultur i hela regionen", level=1)
    document.add_paragraph("Regionen vill att kultur finns i alla kommuner.")
    document.add_heading("Bibliotek", level=2)
    document.add_paragraph("Biblioteken är mötesplatser för alla.")
    document.add_heading("Dialog och samverkan", level=1)
    document.add_paragraph("Regionen samråder med civilsamhället varje år.")
    document.add_paragraph("Kulturrådet följer upp planen.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def setting(live_app, live_server) -> Iterator[tuple[int, str]]:
    """An editor, a draft consultation in Kronoberg with one required question and no plan's
    text, and a page of the region's website (on its allow-list) that embeds it."""
    server, host = _serve_host(live_server, SLUG)
    with live_app.app_context():
        add_staff("kronoberg", Role.EDITOR, STAFF)
        region = db.session.scalars(db.select(Region).filter_by(slug="kronoberg")).one()
        closes = to_local(utcnow() + timedelta(days=20)).replace(tzinfo=None)
        consultation = builder.create_consultation(
            region,
            builder.Settings(
                "Kulturplan Kronoberg 2027–2030",
                SLUG,
                "Intro",
                2027,
                2030,
                ["film"],
                None,
                closes,
                "consultation",
                "drafting",
            ),
        )
        section = builder.add_section(consultation, "Frågor", "")
        builder.add_question(section, question_data(label=QUESTION, required=True))
        db.session.add(EmbedOrigin(region_id=region.id, origin=host))
        db.session.commit()
        consultation_id = consultation.id
    yield consultation_id, host
    with live_app.app_context():
        db.session.execute(db.delete(EmbedOrigin).filter_by(origin=host))
        db.session.commit()
    server.shutdown()


def _paragraph_ids(live_app, consultation_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The commentable paragraphs' ids by their numbers ("2.1")."""
    with live_app.app_context():
        paragraphs = db.session.scalars(
            db.select(PlanParagraph)
            .join(PlanChapter)
            .where(
                PlanChapter.consultation_id == consultation_id,
                PlanParagraph.number.is_not(None),
            )
        ).all()
        return {paragraph.label: paragraph.id for paragraph in paragraphs}


def _closing_time(live_app, consultation_id: int):  # type: ignore[no-untyped-def]
    with live_app.app_context():
        return db.session.get(Consultation, consultation_id).closes_at


def _stored(live_app, consultation_id: int):  # type: ignore[no-untyped-def]
    """Everything the comment routes could change: the comments, the answer and its versions."""
    with live_app.app_context():
        response = db.session.scalars(
            db.select(Response).filter_by(consultation_id=consultation_id)
        ).one()
        comments = db.session.execute(
            db.select(
                ParagraphComment.id,
                ParagraphComment.version_id,
                ParagraphComment.paragraph_id,
                ParagraphComment.text,
                ParagraphComment.saved_at,
            )
            .filter_by(response_id=response.id)
            .order_by(ParagraphComment.id)
        ).all()
        versions = db.session.scalar(
            db.select(db.func.count())
            .select_from(ResponseVersion)
            .filter_by(response_id=response.id)
        )
        return (
            [tuple(row) for row in comments],
            response.status,
            response.saved_at,
            response.current_version_id,
            versions,
        )


def _saved(target, folder, name: str) -> None:  # type: ignore[no-untyped-def]
    (folder / f"{name}.html").write_text(target.content(), encoding="utf-8")


POST = """async ([url, htmx]) => {
  const body = new FormData();
  body.append("comment", "Efter stängningen.");
  const headers = htmx ? {"HX-Request": "true"} : {};
  const answer = await fetch(url, {method: "POST", body, headers, redirect: "manual"});
  return answer.status;
}"""


def test_staff_import_an_organisation_comments_in_the_frame_the_board_shows_it_closing_locks(
    live_app, live_server, setting, request, tmp_path
):
    consultation_id, host = setting
    chromium = request.getfixturevalue("strict_browser")  # the only browser started
    checked: dict[str, list[str]] = {}
    errors: list[str] = []

    # 1. The editor imports the plan, checks the preview, replaces the text and opens.
    staff = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    admin = staff.new_page()
    admin.on("pageerror", lambda error: errors.append(str(error)))
    log_in(admin, live_server, STAFF)
    builder_url = f"{live_server}/admin/r/kronoberg/c/{consultation_id}/"
    admin.goto(builder_url)
    admin.get_by_role("link", name="Planens text").click()
    admin.get_by_label("Eller importera en fil").set_input_files(
        {"name": "kulturplan.docx", "mimeType": "application/octet-stream", "buffer": _plan_docx()}
    )
    admin.get_by_role("button", name="Förhandsgranska").click()
    preview = admin.locator("#preview")
    expect(preview.get_by_role("heading", name="1. Kultur i hela regionen")).to_be_visible()
    expect(preview.get_by_role("heading", name="2. Dialog och samverkan")).to_be_visible()
    expect(preview.get_by_role("heading", name="Bibliotek")).to_be_visible()
    expect(admin.locator("#preview-p-2-2")).to_contain_text("Kulturrådet följer upp planen.")
    expect(preview).to_contain_text("2 kapitel, 4 stycken")
    expect(admin.locator("#preview-heading")).to_be_focused()
    checked["import preview"] = violations(admin)
    _saved(admin, tmp_path, "import-preview")
    admin.get_by_role("button", name="Ersätt planens text").click()
    expect(admin.get_by_text("Planens text sparades: 2 kapitel och 4 stycken.")).to_be_visible()
    paragraphs = _paragraph_ids(live_app, consultation_id)
    assert sorted(paragraphs) == ["1.1", "1.2", "2.1", "2.2"]

    admin.goto(builder_url)
    admin.get_by_role("link", name="Ändra inställningar").click()
    admin.get_by_label("Alla, redan medan samrådet är öppet").check()
    admin.get_by_role("button", name="Spara inställningar").click()
    admin.get_by_role("button", name="Öppna för svar").click()
    expect(admin.locator("#status-heading")).to_contain_text("Öppet")

    # 2. An organisation answers in the frame on the region's site and comments on two
    # paragraphs in place.
    visitor = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = visitor.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(host)
    form = _frame(page)
    form.get_by_label("Organisationens namn").fill(ORGANISATION)
    form.get_by_label("Kommun", exact=True).select_option(label="Alvesta")
    form.get_by_label("Hembygdsförening").check()
    form.get_by_label("Kontaktpersonens namn").fill("Anna Berg")
    form.get_by_label("Kontaktpersonens e-postadress").fill("anna@example.se")
    form.get_by_label("Ja", exact=True).check()
    form.get_by_role("button", name="Börja svara").click()
    expect(form.locator("h1")).to_contain_text(ORGANISATION)
    link = form.locator("#private-link").input_value()
    token = re.fullmatch(rf"{live_server}/respond/([A-Za-z0-9_-]{{43}})", link).group(1)  # type: ignore[union-attr]

    with _content_frame(page).expect_navigation():
        form.get_by_role("link", name="Kommentera planens text").click()
    expect(form.locator("h1")).to_have_text("Kommentera planens text")
    plan_url = _content_frame(page).url
    assert plan_url.startswith(f"{live_server}/embed/respond/{token}/plan")
    for number, text in COMMENTED.items():
        form.get_by_role("link", name=f"Kommentera på stycke {number}").click()
        box = form.get_by_label(f"Er kommentar på stycke {number}")
        expect(box).to_be_focused()
        assert _content_frame(page).url == plan_url  # opened in place: no navigation
        if number == "1.2":
            checked["comment step, a box open"] = violations(_content_frame(page))
            _saved(_content_frame(page), tmp_path, "comment-box-open")
        box.fill(text)
        form.get_by_role("button", name="Spara kommentaren").click()
        expect(form.locator("#plan-status")).to_have_text(
            f"Er kommentar på stycke {number} är sparad."
        )
        expect(
            form.get_by_role("link", name=f"Ändra kommentaren på stycke {number}")
        ).to_be_focused()
        expect(form.locator(f"#comment-{paragraphs[number]} .plan-comment__text")).to_have_text(
            text
        )
    assert _content_frame(page).url == plan_url
    checked["comment step, two saved"] = violations(_content_frame(page))
    _saved(_content_frame(page), tmp_path, "comment-saved")
    for number in UNCOMMENTED:
        expect(form.locator(f"#comment-{paragraphs[number]} .plan-comment__text")).to_have_count(0)

    with _content_frame(page).expect_navigation():
        form.get_by_role("link", name="Tillbaka till översikten").click()
    expect(form.locator("main")).to_contain_text("Ni har kommenterat 2 stycken.")
    with _content_frame(page).expect_navigation():
        form.get_by_role("link", name="Svara på frågorna").click()
    form.get_by_label(QUESTION).fill("Bra, men civilsamhället behöver mer plats.")
    with _content_frame(page).expect_navigation():
        form.get_by_role("button", name="Spara och kontrollera era svar").click()
    expect(form.locator("h1")).to_contain_text("Kontrollera")
    check = form.locator("main")
    for number, text in COMMENTED.items():
        row = check.locator(".summary-list__row", has_text=f"Stycke {number}")
        expect(row).to_contain_text(text)
    for number in UNCOMMENTED:
        expect(check.get_by_text(f"Stycke {number}", exact=False)).to_have_count(0)
    checked["check page with comments"] = violations(_content_frame(page))
    _saved(_content_frame(page), tmp_path, "check")
    with _content_frame(page).expect_navigation():
        form.get_by_role("button", name="Skicka in svaret").click()
    expect(form.locator("h1")).to_contain_text("Ert svar har skickats in")

    # 3. The public board: the comments under those two paragraphs, with their counts.
    board = visitor.new_page()
    board.on("pageerror", lambda error: errors.append(str(error)))
    board.goto(f"{live_server}/r/kronoberg/c/{SLUG}/board")
    plan = board.locator("#board-plan")
    expect(plan.get_by_role("heading", name="Kommentarer på planens text")).to_be_visible()
    for number, text in COMMENTED.items():
        shown = plan.locator(f"#board-p-{paragraphs[number]}")
        expect(shown).to_contain_text("1 organisation har kommenterat")
        expect(shown.locator(".quotes li")).to_have_count(1)
        expect(shown.locator("blockquote")).to_have_text(text)
        expect(shown.locator(".quotes__who")).to_have_text(f"– {ORGANISATION}")
    for number in UNCOMMENTED:
        shown = plan.locator(f"#board-p-{paragraphs[number]}")
        expect(shown).to_contain_text("0 organisationer har kommenterat")
        expect(shown.locator(".quotes")).to_have_count(0)
    checked["board with comments"] = violations(board)
    _saved(board, tmp_path, "board")

    # 4. "Stäng nu": every comment route, plain and embedded, answers 409 and changes nothing.
    admin.goto(builder_url)
    admin.get_by_role("link", name="Stäng nu").click()
    admin.get_by_role("button", name="Ja, stäng nu").click()  # the confirmation
    expect(admin.locator("#status-heading")).to_contain_text("Stängt")
    closed_at = _closing_time(live_app, consultation_id)
    assert closed_at is not None and closed_at <= utcnow()  # the actual closing time
    before = _stored(live_app, consultation_id)
    assert len(before[0]) == 4  # the draft's two comments and the sent version's copies

    paragraph_urls = [
        f"{live_server}{prefix}/respond/{token}/plan/{paragraphs[number]}"
        for prefix in ("", "/embed")
        for number in ("1.2", "2.2")  # one commented, one not
    ]
    for url in paragraph_urls:
        for address in (url, f"{url}/shown"):
            answer = board.goto(address)
            assert answer is not None and answer.status == 409, address
    # Writes from KICK's own pages: a page of ours, and the frame on the region's site.
    board.goto(f"{live_server}/respond/{token}")
    page.goto(host)
    frame = _content_frame(page)
    for url in paragraph_urls:
        for htmx in (False, True):
            assert board.evaluate(POST, [url, htmx]) == 409, url
            if "/embed/" in url:
                assert frame.evaluate(POST, [url, htmx]) == 409, url
    assert _stored(live_app, consultation_id) == before

    # The text stays readable in the frame, without the comment controls.
    frame.goto(plan_url)
    form = _frame(page)
    expect(form.locator("h1")).to_have_text("Kommentera planens text")
    expect(form.locator(".plan-comment__text")).to_have_count(2)
    expect(
        form.get_by_role("link", name=re.compile("Kommentera på|Ändra kommentaren"))
    ).to_have_count(0)

    assert checked == {name: [] for name in checked}
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}
    assert errors == []
    staff.close()
    visitor.close()
