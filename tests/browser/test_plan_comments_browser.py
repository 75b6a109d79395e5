"""Commenting on the plan's text in place, with htmx, inside the frame on a region's website:
the box opens where the paragraph is with the focus in it, saving swaps the comment back with
the focus on its control and a spoken confirmation, and axe finds nothing in either state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kick_forms.demo import DEMO_SLUG
from kick_forms.extensions import db
from kick_forms.models import (
    Consultation,
    ParagraphComment,
    PlanChapter,
    Response,
    ResponseContact,
    ResponseStatus,
)
from kick_forms.tokens import hash_token, new_token
from tests.browser.axe import violations
from tests.browser.test_embed_browser import (  # noqa: F401  hosts, strict_browser: fixtures
    _content_frame,
    _frame,
    hosts,
    strict_browser,
)
from tests.responses.plan_helpers import add_plan


@pytest.fixture
def draft(live_app, request):  # type: ignore[no-untyped-def]
    """A draft answer to the demo consultation, which gets a plan's text: its private link."""
    request.getfixturevalue("hosts")  # loads the demo consultation
    token = new_token()
    with live_app.app_context():
        consultation = db.session.scalars(db.select(Consultation).filter_by(slug=DEMO_SLUG)).one()
        added = not consultation.chapters  # the demo has a plan's text of its own
        if added:
            add_plan(consultation)
        response = Response(
            consultation_id=consultation.id,
            token_hash=hash_token(token),
            status=ResponseStatus.DRAFT,
            organisation_name="Kommenterande föreningen",
            may_publish_name=True,
        )
        response.contact = ResponseContact(name="Eva Ek", email="eva@example.se")
        db.session.add(response)
        db.session.commit()
        consultation_id, response_id = consultation.id, response.id
    yield token
    with live_app.app_context():
        db.session.execute(db.delete(Response).filter_by(id=response_id))
        if added:
            db.session.execute(db.delete(PlanChapter).filter_by(consultation_id=consultation_id))
        db.session.commit()


def _focused(frame) -> str:  # type: ignore[no-untyped-def]
    return frame.evaluate("document.activeElement && document.activeElement.id")


def test_a_comment_opens_and_saves_in_place_in_the_frame(live_app, live_server, draft, request):  # type: ignore[no-untyped-def]
    allowed, _other = request.getfixturevalue("hosts")
    context = request.getfixturevalue("strict_browser").new_context(
        locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(allowed)
    form = _frame(page)
    form.get_by_label("Er privata länk").fill(f"{live_server}/respond/{draft}")
    form.get_by_role("button", name="Fortsätt mitt svar").click()
    expect(form.locator("h1")).to_contain_text("Kommenterande föreningen")
    with _content_frame(page).expect_navigation():
        form.get_by_role("link", name="Kommentera planens text").click()
    expect(form.locator("h1")).to_have_text("Kommentera planens text")
    frame = _content_frame(page)
    assert "/embed/respond/" in frame.url
    assert violations(frame) == []

    form.get_by_role("link", name="Kommentera på stycke 1.1").click()
    box = form.get_by_label("Er kommentar på stycke 1.1")
    expect(box).to_be_visible()
    expect(box).to_be_focused()
    assert "/plan/" not in frame.url  # opened in place, no navigation
    assert violations(frame) == []
    box.fill("Skriv in kulturskolan här.")
    form.get_by_role("button", name="Spara kommentaren").click()

    status = form.locator("#plan-status")
    expect(status).to_have_text("Er kommentar på stycke 1.1 är sparad.")
    expect(status).to_have_attribute("role", "status")
    change = form.get_by_role("link", name="Ändra kommentaren på stycke 1.1")
    expect(change).to_be_focused()
    expect(form.locator(".plan-comment__text").first).to_have_text("Skriv in kulturskolan här.")
    assert violations(frame) == []

    # Cancel puts the comment back as it was, the focus on its control again.
    change.click()
    expect(form.get_by_label("Er kommentar på stycke 1.1")).to_have_value(
        "Skriv in kulturskolan här."
    )
    form.get_by_role("link", name="Avbryt").click()
    expect(form.get_by_role("link", name="Ändra kommentaren på stycke 1.1")).to_be_focused()

    with live_app.app_context():
        texts = db.session.scalars(
            db.select(ParagraphComment.text)
            .join(Response, Response.id == ParagraphComment.response_id)
            .where(Response.token_hash == hash_token(draft))  # this answer's, not others'
        ).all()
    assert texts == ["Skriv in kulturskolan här."]
    assert errors == []
    context.close()
