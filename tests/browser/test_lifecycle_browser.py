"""axe-core and the Nu checker on the lifecycle's pages: the whole-flow preview, "Stäng nu"'s
confirmation and the versions of an answer with what changed."""

from __future__ import annotations

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import Answer, QuestionKind, ResponseVersion, Role
from tests.board.generated import add_response
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import add_staff, log_in, open_consultation
from tests.conftest import question_data


def _setup(live_app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_staff("halland", Role.EDITOR, "lifecycle@halland.example.se")
        consultation = open_consultation("halland", "Kulturplan Halland", "livscykel")
        section = consultation.sections[0]
        choice = builder.add_question(
            section,
            question_data(kind=QuestionKind.MULTIPLE_CHOICE, label="Områden",
                          options=["Museer", "Film"]),
        )  # fmt: skip
        text = consultation.questions[0]
        db.session.flush()
        response = add_response(
            consultation, name="Kören", municipality="1980", categories=["choir"], named=True,
            answers={text: "Mer stöd till landsbygden.", choice: ([choice.options[0].id], None)},
        )  # fmt: skip
        second = ResponseVersion(response_id=response.id, number=2, submit_nonce="lifecycle-2")
        db.session.add(second)
        db.session.flush()
        db.session.add(
            Answer(response_id=response.id, version_id=second.id, question_id=text.id,
                   text_value="Mer stöd till hela landsbygden.")
        )  # fmt: skip
        response.current_version_id = second.id
        db.session.commit()
        return consultation.id, response.id


def test_lifecycle_pages_pass_axe_and_the_nu_checker(live_app, live_server, page, tmp_path):
    consultation_id, response_id = _setup(live_app)
    log_in(page, live_server, "lifecycle@halland.example.se")
    base = f"{live_server}/admin/r/halland/c/{consultation_id}"
    checked = {}
    for name, url in (
        ("preview", f"{base}/preview"),
        ("close", f"{base}/close"),
        ("versions", f"{base}/responses/{response_id}/versions"),
        ("first version", f"{base}/responses/{response_id}/versions?number=1"),
    ):
        page.goto(url)
        checked[name] = violations(page)
        html = page.context.request.get(page.url).text()
        (tmp_path / f"{name.replace(' ', '-')}.html").write_text(html, encoding="utf-8")
    assert page.locator("del").count() == 0
    page.goto(f"{base}/responses/{response_id}/versions")
    added = " ".join(page.locator("ins").first.text_content().split())
    assert added == "[tillagt: hela ]"

    # Closing through the confirmation lands on the builder, closed.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Stäng nu").click()
    page.get_by_role("button", name="Ja, stäng nu").click()
    page.wait_for_url(f"{base}/")
    assert "Stängt" in page.locator(".status-panel").inner_text()
    checked["closed"] = violations(page)
    assert checked == {name: [] for name in checked}
    if nu.available():
        assert nu.errors(sorted(tmp_path.glob("*.html"))) == {}
