"""The plan's text: read from Markdown, DOCX and ODT, previewed, replaced only in draft, and
shown read-only on the public page with numbered anchors."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kick_forms.consultations import plan_text
from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Consultation, ConsultationStatus, PlanChapter, Role
from kick_forms.timeutil import utcnow
from tests import zip_bombs
from tests.conftest import csrf_token, login, make_consultation, make_user
from tests.consultations.plan_files import docx_plan, odt_plan

MARKDOWN = """Förord utan rubrik.

# Kultur i hela regionen

Regionen vill att kultur
finns i alla kommuner.

## Bibliotek

Biblioteken är mötesplatser.

- Läsfrämjande
- Digital
  delaktighet

# Dialog

1. Först
2. Sedan

Sista stycket.
"""


def numbered(chapters):
    return [
        (chapter.title, [(number, block.kind, block.text) for number, block in chapter.numbered()])
        for chapter in chapters
    ]


# Parsing -------------------------------------------------------------------------------------


def test_markdown_chapters_subheadings_lists_and_numbers():
    assert numbered(plan_text.parse_markdown(MARKDOWN)) == [
        ("Inledning", [(1, "paragraph", "Förord utan rubrik.")]),
        (
            "Kultur i hela regionen",
            [
                (1, "paragraph", "Regionen vill att kultur finns i alla kommuner."),
                (None, "heading", "Bibliotek"),
                (2, "paragraph", "Biblioteken är mötesplatser."),
                (3, "list", "- Läsfrämjande\n- Digital delaktighet"),
            ],
        ),
        ("Dialog", [(1, "list", "1. Först\n2. Sedan"), (2, "paragraph", "Sista stycket.")]),
    ]


def test_markdown_setext_headings_and_escaped_markers():
    chapters = plan_text.parse_markdown("Kapitel\n=======\n\nDel\n---\n\n\\# inte en rubrik\n")
    assert numbered(chapters) == [
        ("Kapitel", [(None, "heading", "Del"), (1, "paragraph", "# inte en rubrik")])
    ]


@pytest.mark.parametrize(
    ("build", "first_title"),
    [(docx_plan, "Regional kulturplan 2027–2030"), (odt_plan, "Inledning")],
)
def test_documents_keep_headings_paragraphs_and_lists(build, first_title):
    chapters = plan_text.parse_document(build())
    titles = [chapter.title for chapter in chapters]
    assert titles == [first_title, "Kultur i hela regionen", "Dialog"]
    culture = numbered(chapters)[1][1]
    assert culture[0] == (1, "paragraph", "Regionen vill att kultur finns i alla kommuner.")
    assert culture[1] == (None, "heading", "Bibliotek")
    assert culture[2] == (2, "paragraph", "Biblioteken är mötesplatser.")
    assert culture[3][0:2] == (3, "list")
    assert plan_text.list_items(culture[3][2])[1] == ["Läsfrämjande", "Digital delaktighet"]
    dialogue = numbered(chapters)[2][1]
    assert (None, *dialogue[-2][1:]) == (None, "list", "- Område | Mål\n- Film | Fler biografer")
    assert dialogue[-1][1:] == ("paragraph", "Sista stycket.")


def test_docx_numbered_list_and_swedish_heading_style():
    chapters = plan_text.parse_document(docx_plan(swedish_styles=True))
    assert [chapter.title for chapter in chapters][1:] == ["Kultur i hela regionen", "Dialog"]
    assert chapters[2].blocks[0] == plan_text.Block("list", "1. Först\n2. Sedan")


def test_odt_numbered_list_style_is_kept():
    chapters = plan_text.parse_document(odt_plan())
    assert plan_text.list_items(chapters[1].blocks[3].text) == (
        True,
        ["Läsfrämjande", "Digital delaktighet"],
    )


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen är tom"),
        (b"%PDF-1.7 not a text document", "Filen måste vara ett textdokument i Word"),
        (b"just some text", "Filen måste vara ett textdokument i Word"),
        (docx_plan()[:2000], "Filen måste vara ett textdokument i Word"),
        (
            _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<broken"}),
            "den är skadad",
        ),
        (
            _zip(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.text",
                    "META-INF/manifest.xml": b"<x/>",
                    "content.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
                }
            ),
            "den är skadad",
        ),
    ],
)
def test_bad_files_are_refused_with_a_reason(app, data, message):
    with pytest.raises(plan_text.PlanTextError) as refused:
        plan_text.parse_document(data)
    assert message in str(refused.value.message)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app):
    with pytest.raises(plan_text.PlanTextError) as refused:
        plan_text.parse_document(zip_bombs.docx(60_000_000))
    assert "kunde inte läsas" in str(refused.value.message)


def test_empty_and_oversized_texts_are_refused(app):
    for text in ("", "   \n\n", "# Bara rubriker\n\n## Inget mer\n"):
        with pytest.raises(plan_text.PlanTextError, match="inga stycken"):
            plan_text.parse_markdown(text)
    many = "\n\n".join(f"Stycke {n}." for n in range(plan_text.MAX_PARAGRAPHS + 1))
    with pytest.raises(plan_text.PlanTextError, match="fler än 3.000 stycken"):
        plan_text.parse_markdown(many)
    with pytest.raises(plan_text.PlanTextError, match="Stycke 1.1 är längre"):
        plan_text.parse_markdown("# A\n\n" + "x" * 20_001)


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda text: text.split())
_block = st.one_of(
    st.builds(plan_text.Block, st.just("paragraph"), _text),
    st.builds(plan_text.Block, st.just("heading"), _text),
    st.builds(
        lambda items: plan_text.Block("list", "\n".join(f"- {item}" for item in items)),
        st.lists(_text, min_size=1, max_size=3),
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(plan_text.Chapter, _text, st.lists(_block, max_size=5)), min_size=1, max_size=4
    )
)
def test_markdown_written_from_chapters_reads_back_the_same(chapters):
    def tidy(text: str) -> str:
        return "\n".join(" ".join(line.split()) for line in text.split("\n"))

    chapters = [
        plan_text.Chapter(
            " ".join(chapter.title.split()),
            [plan_text.Block(block.kind, tidy(block.text)) for block in chapter.blocks],
        )
        for chapter in chapters
    ]
    chapters[0].blocks.append(plan_text.Block("paragraph", "Något att kommentera."))
    again = plan_text.parse_markdown(plan_text.to_markdown(chapters))
    assert again == chapters


# The staff pages -----------------------------------------------------------------------------

BASE = "/admin/r/kronoberg"


def _url(consultation: Consultation, tail: str = "") -> str:
    return f"{BASE}/c/{consultation.id}/plan{tail}"


def _editor(client):
    login(client, make_user("kronoberg", Role.EDITOR))


def _fingerprint(html: str) -> str:
    match = re.search(r'name="previewed" type="hidden" value="([0-9a-f]*)"', html) or re.search(
        r'id="previewed" name="previewed" type="hidden" value="([0-9a-f]*)"', html
    )
    assert match, "no preview fingerprint on the page"
    return match.group(1)


def _stored(consultation_id: int):
    db.session.rollback()
    consultation = db.session.get(Consultation, consultation_id)
    return numbered(plan_text.chapters_of(consultation))


def test_paste_preview_then_replace(client):
    consultation = make_consultation(with_questions=False)
    _editor(client)
    token = csrf_token(client, _url(consultation))
    preview = client.post(
        _url(consultation), data={"csrf_token": token, "source": MARKDOWN, "action": "preview"}
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "3 kapitel, 6 stycken" in html
    assert 'id="preview-p-2-3"' in html
    assert _stored(consultation.id) == []  # nothing saved by a preview
    replaced = client.post(
        _url(consultation),
        data={
            "csrf_token": token,
            "source": MARKDOWN.replace("\n", "\r\n"),  # as browsers send a textarea
            "previewed": _fingerprint(html),
            "action": "replace",
        },
    )
    assert replaced.status_code == 303
    stored = _stored(consultation.id)
    assert stored == numbered(plan_text.parse_markdown(MARKDOWN))
    rows = db.session.get(Consultation, consultation.id).chapters
    assert [paragraph.label for paragraph in rows[1].paragraphs if paragraph.number] == [
        "2.1",
        "2.2",
        "2.3",
    ]
    page = client.get(_url(consultation)).get_data(as_text=True)
    assert "Planens text sparades: 3 kapitel och 6 stycken." in page
    assert 'id="p-2-3"' in page
    subject = f"consultation:{consultation.id}"
    assert _logged("plan.replace") == [(subject, "chapters=3 paragraphs=6")]


def test_replace_without_a_matching_preview_only_previews(client):
    consultation = make_consultation(with_questions=False)
    _editor(client)
    token = csrf_token(client, _url(consultation))
    response = client.post(
        _url(consultation),
        data={"csrf_token": token, "source": MARKDOWN, "previewed": "0" * 64, "action": "replace"},
    )
    assert response.status_code == 200
    assert "Texten har ändrats sedan förhandsgranskningen" in response.get_data(as_text=True)
    assert _stored(consultation.id) == []


def test_upload_docx_fills_the_box_and_previews(client):
    consultation = make_consultation(with_questions=False)
    _editor(client)
    token = csrf_token(client, _url(consultation))
    response = client.post(
        _url(consultation),
        data={
            "csrf_token": token,
            "source": "",
            "action": "preview",
            "document": (io.BytesIO(docx_plan()), "plan.docx"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "# Kultur i hela regionen" in html  # the box holds the text, to check and edit
    assert 'id="preview-p-3-2"' in html
    assert "Ersätt planens text" in html
    assert _stored(consultation.id) == []
    source = plan_text.to_markdown(plan_text.parse_document(docx_plan()))
    client.post(
        _url(consultation),
        data={
            "csrf_token": token,
            "source": source,
            "previewed": _fingerprint(html),
            "action": "replace",
        },
    )
    assert [title for title, _ in _stored(consultation.id)] == [
        "Regional kulturplan 2027–2030",
        "Kultur i hela regionen",
        "Dialog",
    ]


def test_a_bad_file_is_explained_and_the_typed_text_is_kept(client):
    consultation = make_consultation(with_questions=False)
    _editor(client)
    token = csrf_token(client, _url(consultation))
    response = client.post(
        _url(consultation),
        data={
            "csrf_token": token,
            "source": "Min text som inte får försvinna",
            "action": "preview",
            "document": (io.BytesIO(b"%PDF-1.7"), "plan.pdf"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Fel:" in html
    assert "Filen måste vara ett textdokument i Word (DOCX) eller OpenDocument (ODT)" in html
    assert "Min text som inte får försvinna" in html


def test_an_empty_text_is_explained(client):
    consultation = make_consultation(with_questions=False)
    _editor(client)
    token = csrf_token(client, _url(consultation))
    response = client.post(
        _url(consultation), data={"csrf_token": token, "source": "", "action": "preview"}
    )
    assert response.status_code == 422
    assert "Texten har inga stycken" in response.get_data(as_text=True)


def test_once_open_the_text_cannot_be_replaced_or_deleted(client):
    consultation = make_consultation(with_questions=True)
    plan_text.replace(consultation, plan_text.parse_markdown(MARKDOWN))
    db.session.commit()
    _editor(client)
    token = csrf_token(client, _url(consultation))
    builder.change_status(consultation, ConsultationStatus.OPEN, utcnow())
    db.session.commit()
    page = client.get(_url(consultation)).get_data(as_text=True)
    assert 'name="source"' not in page
    assert "kan inte längre ändras" in page
    refused = client.post(
        _url(consultation),
        data={"csrf_token": token, "source": "# Ny\n\nText", "action": "preview"},
    )
    assert refused.status_code == 409
    assert "Planens text kan inte längre ändras" in refused.get_data(as_text=True)
    assert client.post(_url(consultation, "/delete"), data={"csrf_token": token}).status_code == 409
    assert client.get(_url(consultation, "/delete")).status_code == 409
    assert _stored(consultation.id) == numbered(plan_text.parse_markdown(MARKDOWN))


def test_delete_in_draft(client):
    consultation = make_consultation(with_questions=False)
    plan_text.replace(consultation, plan_text.parse_markdown(MARKDOWN))
    db.session.commit()
    _editor(client)
    token = csrf_token(client, _url(consultation, "/delete"))
    response = client.post(_url(consultation, "/delete"), data={"csrf_token": token})
    assert response.status_code == 303
    assert _stored(consultation.id) == []
    assert db.session.query(PlanChapter).count() == 0
    assert _logged("plan.delete") == [(f"consultation:{consultation.id}", "")]


def _logged(action: str) -> list[tuple[str, str]]:
    """The audit log's entries of one action: (subject, detail)."""
    rows = db.session.execute(
        db.select(AuditEvent.subject, AuditEvent.detail).filter_by(action=action)
    )
    return [tuple(row) for row in rows]


def test_without_csrf_token_nothing_changes(client):
    consultation = make_consultation(with_questions=False)
    plan_text.replace(consultation, plan_text.parse_markdown(MARKDOWN))
    db.session.commit()
    _editor(client)
    assert client.post(_url(consultation), data={"source": "# X\n\nY"}).status_code == 400
    assert client.post(_url(consultation, "/delete")).status_code == 400
    assert len(_stored(consultation.id)) == 3


def test_other_region_gets_404_and_viewer_may_only_read(client):
    consultation = make_consultation(with_questions=False)
    login(client, make_user("skane", Role.EDITOR))
    assert client.get(_url(consultation)).status_code == 404
    assert client.get(f"/admin/r/skane/c/{consultation.id}/plan").status_code == 404
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, make_user("kronoberg", Role.VIEWER))
    page = client.get(_url(consultation))
    assert page.status_code == 200
    assert 'name="source"' not in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/")
    assert client.post(_url(consultation), data={"csrf_token": token}).status_code == 403


# The public page -----------------------------------------------------------------------------


def test_public_page_shows_chapters_and_numbered_anchors(client):
    consultation = make_consultation(with_questions=True)
    plan_text.replace(consultation, plan_text.parse_markdown(MARKDOWN))
    builder.change_status(consultation, ConsultationStatus.OPEN, utcnow())
    db.session.commit()
    page = client.get("/r/kronoberg/c/kulturplan/")
    assert "/r/kronoberg/c/kulturplan/plan" in page.get_data(as_text=True)
    response = client.get("/r/kronoberg/c/kulturplan/plan")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Planens text</h1>" in html
    assert '<h2 id="c-2">2. Kultur i hela regionen</h2>' in html
    assert '<h3 class="plan-subheading">Bibliotek</h3>' in html
    assert 'id="p-2-3"' in html and 'href="#p-2-3"' in html
    assert "<li>Läsfrämjande</li>" in html
    assert '<ol class="plan-list">' in html


def test_public_page_is_404_for_a_draft_or_without_text(client):
    draft = make_consultation(with_questions=False)
    plan_text.replace(draft, plan_text.parse_markdown(MARKDOWN))
    db.session.commit()
    assert client.get("/r/kronoberg/c/kulturplan/plan").status_code == 404
    make_consultation(slug="utan-text", status=ConsultationStatus.OPEN)
    assert client.get("/r/kronoberg/c/utan-text/plan").status_code == 404
    assert "/plan" not in client.get("/r/kronoberg/c/utan-text/").get_data(as_text=True)
