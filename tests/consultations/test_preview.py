"""The builder's preview shows the whole answering flow, and nothing in it can be sent."""

from __future__ import annotations

import re

from kick_forms.extensions import db
from kick_forms.models import Role
from tests.conftest import login, make_consultation, make_user, pdf_document


def test_the_preview_shows_intro_documents_start_sections_and_check_page(client):
    consultation = make_consultation()
    pdf = b"%PDF-1.4 utkast"
    consultation.documents.append(pdf_document("Utkast till kulturplan", "kulturplan.pdf", pdf))
    db.session.commit()
    login(client, make_user("kronoberg", Role.VIEWER))
    page = client.get(f"/admin/r/kronoberg/c/{consultation.id}/preview")
    assert page.status_code == 200
    html = page.get_data(as_text=True)

    steps = re.findall(r'<li><a href="#(preview-[a-z0-9-]+)"', html)
    section_ids = [f"preview-section-{section.id}" for section in consultation.sections]
    assert steps == ["preview-intro", "preview-start", *section_ids, "preview-check"]
    for anchor in steps:
        assert f'id="{anchor}"' in html
    assert "Steg 1 av 5" in html and "Steg 5 av 5" in html

    intro = html.split('id="preview-intro"')[1].split('id="preview-start"')[0]
    assert "<strong>höra er</strong>" in intro  # the intro, as Markdown
    assert "Utkast till kulturplan" in intro and "(PDF, 1 kB)" in intro
    document = consultation.documents[0]
    assert f"/c/{consultation.slug}/documents/{document.id}" in intro  # staff may open it
    start = html.split('id="preview-start"')[1].split('id="preview-section-')[0]
    assert 'name="organisation_name"' in start and 'name="contact_email"' in start
    assert "Växjö" in start  # the municipalities to choose from
    check = html.split('id="preview-check"')[1]
    for question in consultation.questions:
        assert question.label in check
    assert "Skicka in svaret" in check and "disabled" in check
    # A preview sends nothing anywhere.
    assert 'method="post"' not in html.split("<main")[1].split("</main>")[0]
