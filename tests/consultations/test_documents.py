"""A consultation's documents: staff attach, reorder and remove them in the builder; readers
see and download them on the public page, in the frame and at the start of the answer."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import AuditEvent, ConsultationStatus, Role
from kick_forms.models.plan import ConsultationDocument
from tests import zip_bombs
from tests.conftest import csrf_token, login, make_consultation, make_user
from tests.responses.conftest import start

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HX = {"HX-Request": "true"}


def _admin(consultation) -> str:
    return f"/admin/r/{consultation.region.slug}/c/{consultation.id}"


def _public(consultation) -> str:
    return f"/r/{consultation.region.slug}/c/{consultation.slug}"


def _upload(client, consultation, title: str, data: bytes, filename: str = "plan.pdf"):
    token = csrf_token(client, f"{_admin(consultation)}/")
    return client.post(
        f"{_admin(consultation)}/documents",
        data={"csrf_token": token, "title": title, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _documents(consultation) -> list[tuple[str, str, str, int]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(ConsultationDocument)
        .filter_by(consultation_id=consultation.id)
        .order_by(ConsultationDocument.position)
    )
    return [(d.title, d.filename, d.content_type, d.size) for d in rows]


@pytest.fixture
def editor(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    return client


def test_an_editor_attaches_a_pdf_and_a_spreadsheet_shown_with_type_and_size(editor):
    consultation = make_consultation()
    response = _upload(editor, consultation, "  Förslag till  kulturplan ", PDF, "Förslag 2027.pdf")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{_admin(consultation)}/#documents")
    sheet = zip_bombs.xlsx([["Område", "Kronor"], ["Musik", 1000]])
    assert _upload(editor, consultation, "Budget", sheet, "budget.xlsx").status_code == 303

    assert _documents(consultation) == [
        ("Förslag till kulturplan", "Forslag_2027.pdf", "application/pdf", len(PDF)),
        ("Budget", "budget.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", len(sheet)),
    ]  # fmt: skip
    builder = editor.get(f"{_admin(consultation)}/").get_data(as_text=True)
    assert "Förslag till kulturplan" in builder and "(PDF, 1 kB)" in builder
    assert "(Excel, " in builder


@pytest.mark.parametrize(
    ("title", "data", "filename", "field", "message"),
    [
        ("Planen", b"", "plan.pdf", "file", "Filen är tom"),
        ("Planen", b"<html><script>alert(1)</script>", "plan.pdf", "file", "PDF, Word, Excel"),
        ("Planen", b"MZ\x90\x00 an executable", "plan.docx", "file", "PDF, Word, Excel"),
        ("   ", PDF, "plan.pdf", "title", "Skriv en titel"),
        ("Planen", zip_bombs.docx(document_size=150_000_000), "bomb.docx", "file", "packas upp"),
    ],
    ids=["empty file", "html", "executable", "empty title", "zip bomb"],
)
def test_a_refused_upload_says_why_next_to_its_field_and_stores_nothing(
    editor, title, data, filename, field, message
):
    consultation = make_consultation()
    response = _upload(editor, consultation, title, data, filename)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="document-{field}-error"' in html and message in html
    assert 'class="error-summary"' in html and f'href="#document-{field}"' in html
    assert "<title>Fel:" in html
    assert _documents(consultation) == []


def test_a_file_over_the_size_limit_is_refused(app, editor):
    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    consultation = make_consultation()
    response = _upload(editor, consultation, "Planen", PDF + bytes(1000))
    assert response.status_code == 422
    assert "Filen är större än 0,001 MB" in response.get_data(as_text=True)
    assert _documents(consultation) == []


def test_a_viewer_may_not_attach_and_an_upload_without_the_csrf_token_is_refused(client):
    consultation = make_consultation()
    login(client, make_user("kronoberg", Role.VIEWER))
    assert _upload(client, consultation, "Planen", PDF).status_code == 403
    assert "document-form" not in client.get(f"{_admin(consultation)}/").get_data(as_text=True)
    client = client.application.test_client()  # a new browser, signed out
    login(client, make_user("kronoberg", Role.EDITOR))
    response = client.post(
        f"{_admin(consultation)}/documents",
        data={"title": "Planen", "file": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert _documents(consultation) == []


def test_documents_move_up_and_down_with_htmx_and_without(editor):
    consultation = make_consultation()
    for title in ("Ett", "Två", "Tre"):
        _upload(editor, consultation, title, PDF)
    ids = {d.title: d.id for d in db.session.scalars(select(ConsultationDocument))}
    token = csrf_token(editor, f"{_admin(consultation)}/")

    moved = editor.post(
        f"{_admin(consultation)}/documents/{ids['Tre']}/move",
        data={"csrf_token": token, "direction": "up"},
        headers=HX,
    )
    assert moved.status_code == 200
    fragment = moved.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="documents-list">')
    assert "”Tre” är nu nummer 2 av 3." in fragment
    assert f'id="move-up-document-{ids["Tre"]}" class="link-button" autofocus' in fragment
    assert [row[0] for row in _documents(consultation)] == ["Ett", "Tre", "Två"]

    response = editor.post(
        f"{_admin(consultation)}/documents/{ids['Ett']}/move",
        data={"csrf_token": token, "direction": "down"},
    )
    assert response.status_code == 303
    assert [row[0] for row in _documents(consultation)] == ["Tre", "Ett", "Två"]
    assert (
        editor.post(
            f"{_admin(consultation)}/documents/{ids['Ett']}/move",
            data={"csrf_token": token, "direction": "sideways"},
        ).status_code
        == 400
    )


def test_removing_asks_first_and_is_logged_once_the_consultation_is_public(editor):
    consultation = make_consultation()
    _upload(editor, consultation, "Utkast", PDF)
    _upload(editor, consultation, "Bilaga", PDF)
    draft_doc, annex = db.session.scalars(
        select(ConsultationDocument).order_by(ConsultationDocument.position)
    ).all()
    url = f"{_admin(consultation)}/documents/{draft_doc.id}/delete"
    ask = editor.get(url).get_data(as_text=True)
    assert "Ta bort ”Utkast”?" in ask and "händelseloggen" not in ask
    assert editor.post(url, data={"csrf_token": csrf_token(editor, url)}).status_code == 303
    assert [row[0] for row in _documents(consultation)] == ["Bilaga"]
    assert db.session.scalars(select(AuditEvent).filter_by(action="document.remove")).all() == []

    opened = make_consultation(slug="oppet", status=ConsultationStatus.OPEN)
    _upload(editor, opened, "Förslaget", PDF)
    document_id = (
        db.session.scalars(select(ConsultationDocument).filter_by(title="Förslaget")).one().id
    )
    url = f"{_admin(opened)}/documents/{document_id}/delete"
    assert "händelseloggen" in editor.get(url).get_data(as_text=True)
    assert editor.post(url, data={"csrf_token": csrf_token(editor, url)}).status_code == 303
    assert _documents(opened) == []
    event = db.session.scalars(select(AuditEvent).filter_by(action="document.remove")).one()
    assert (
        event.subject == f"consultation:{opened.id}" and f"document={document_id}" in event.detail
    )
    assert editor.get(f"{_public(opened)}/documents/{document_id}").status_code == 404


def test_staff_of_another_region_reach_no_document(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    login(client, make_user("kronoberg", Role.EDITOR))
    _upload(client, consultation, "Planen", PDF)
    document = db.session.scalars(select(ConsultationDocument)).one()
    client = client.application.test_client()  # a new browser, signed out
    login(client, make_user("blekinge", Role.ADMIN))
    admin = _admin(consultation)
    assert client.get(f"{admin}/documents").status_code == 404
    assert client.get(f"{admin}/documents/{document.id}/delete").status_code == 404
    token = csrf_token(client, "/admin/r/blekinge/c/new")
    for url, data in [
        (f"{admin}/documents/{document.id}/delete", {}),
        (f"{admin}/documents/{document.id}/move", {"direction": "down"}),
    ]:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404
    assert len(_documents(consultation)) == 1


def test_a_drafts_documents_are_for_its_regions_staff_only(client):
    consultation = make_consultation()
    login(client, make_user("kronoberg", Role.EDITOR))
    _upload(client, consultation, "Planen", PDF)
    document = db.session.scalars(select(ConsultationDocument)).one()
    url = f"{_public(consultation)}/documents/{document.id}"
    staff = client.get(url)
    assert staff.status_code == 200 and staff.data == PDF
    assert staff.headers["Cache-Control"] == "private, no-store"
    preview = client.get(f"{_admin(consultation)}/preview").get_data(as_text=True)
    assert f'href="{url}"' in preview

    client = client.application.test_client()  # a new browser, signed out
    assert client.get(url).status_code == 404
    login(client, make_user("blekinge", Role.ADMIN))
    assert client.get(url).status_code == 404
    other = make_consultation(slug="annat", status=ConsultationStatus.OPEN)
    assert client.get(f"{_public(other)}/documents/{document.id}").status_code == 404


def _anchor(html: str, href: str) -> str:
    """The opening tag of the page's link with this ``href="…"``, whatever its attributes' order."""
    match = re.search(rf"<a [^>]*{re.escape(href)}[^>]*>", html)
    assert match, f"no link {href}"
    return match.group(0)


def test_an_open_consultation_shows_its_documents_on_every_public_page(app, client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    login(client, make_user("kronoberg", Role.EDITOR))
    _upload(client, consultation, "Förslag till kulturplan", PDF)
    _upload(client, consultation, "Bilaga: statistik", zip_bombs.odt(), "statistik.odt")
    client = client.application.test_client()  # a new browser, signed out
    document = db.session.scalars(select(ConsultationDocument).filter_by(position=0)).one()
    link = f'href="{_public(consultation)}/documents/{document.id}"'

    page = client.get(f"{_public(consultation)}/").get_data(as_text=True)
    assert link in page and "(PDF, 1 kB)" in page and "(OpenDocument-text, 1 kB)" in page
    assert page.index("Förslag till kulturplan") < page.index("Bilaga: statistik")
    begin = client.get(f"{_public(consultation)}/respond").get_data(as_text=True)
    # On our own site a document opens where it is; in the frame, in a new tab.
    assert 'target="_blank"' not in _anchor(begin, link)
    frame = client.get(f"/embed{_public(consultation)}").get_data(as_text=True)
    assert 'target="_blank"' in _anchor(frame, link) and 'rel="noopener"' in _anchor(frame, link)
    assert "öppnas i en ny flik" in frame

    token = start(client)
    overview = client.get(f"/respond/{token}").get_data(as_text=True)
    assert link in overview and "(PDF, 1 kB)" in overview


def test_a_pdf_opens_in_the_browser_and_other_documents_download_with_safe_headers(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    login(client, make_user("kronoberg", Role.EDITOR))
    _upload(client, consultation, "Planen", PDF, "plan.pdf")
    _upload(client, consultation, "Text", zip_bombs.docx(), "<script>x</script>.html")
    client = client.application.test_client()  # a new browser, signed out
    pdf, docx = db.session.scalars(
        select(ConsultationDocument).order_by(ConsultationDocument.position)
    ).all()

    shown = client.get(f"{_public(consultation)}/documents/{pdf.id}")
    assert shown.status_code == 200 and shown.data == PDF
    assert shown.headers["Content-Type"] == "application/pdf"
    assert shown.headers["Content-Disposition"] == "inline; filename=plan.pdf"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    policy = shown.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy
    assert shown.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert shown.headers["Cache-Control"] == "public, max-age=300"
    assert shown.headers["ETag"] == f'"{pdf.sha256}"'
    again = client.get(
        f"{_public(consultation)}/documents/{pdf.id}",
        headers={"If-None-Match": shown.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""

    saved = client.get(f"{_public(consultation)}/documents/{docx.id}")
    assert saved.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert saved.headers["Content-Disposition"] == "attachment; filename=scriptx_script.docx"
    assert saved.headers["Content-Security-Policy"].endswith("sandbox")
    assert saved.headers["X-Content-Type-Options"] == "nosniff"
