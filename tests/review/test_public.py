"""Review before publishing, as the public sees it: what waits for review or was hidden is in no
public page, PDF, API answer or file link; a masked text appears only masked; staff keep the
original; the counts do not move."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from kick_forms import pdf
from kick_forms.extensions import db
from kick_forms.models import Consultation
from tests.review.conftest import (
    BOARD,
    HIDDEN,
    HIDDEN_REASON,
    MASKED,
    ORIGINAL,
    PUBLISHED,
    UNREVIEWED,
    decide,
    decide_all,
    text_answer,
)

NEVER_PUBLIC = [UNREVIEWED, HIDDEN, ORIGINAL, "Per Persson", "0470-12345", HIDDEN_REASON,
                "ogranskad.pdf", "dold.pdf"]  # fmt: skip


def _public_pages(client, consultation: Consultation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every public page and answer that shows the consultation's answers, by address."""
    pages = {}
    for url, headers in [
        (BOARD, {}),
        (BOARD, {"HX-Request": "true"}),  # the live board's refresh and the filters
        (f"{BOARD}?category=folk_music_dance", {"HX-Request": "true"}),
        (f"{BOARD}?municipality=0780", {}),
        (f"{BOARD}/print", {}),
        (f"/api/v1/consultations/{consultation.id}/summary", {}),
        (f"/api/v1/consultations/{consultation.id}/summary?category=choir", {}),
        ("/api/v1/consultations?region=kronoberg", {}),
        ("/r/kronoberg/c/kulturplan/", {}),
        ("/embed/r/kronoberg/c/kulturplan", {}),
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        pages[f"{url} {headers}"] = response.get_data(as_text=True)
    return pages


def _pdf_text(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"{BOARD}.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_in_review_mode_only_what_staff_published_reaches_the_public(
    app, editor, consultation, scene
):
    decide_all(editor, consultation, scene)
    public = app.test_client()

    pages = _public_pages(public, consultation)
    pages["board.pdf"] = _pdf_text(public)
    for where, text in pages.items():
        for secret in NEVER_PUBLIC:
            assert secret not in text, (secret, where)
    for where in (f"{BOARD} {{}}", f"{BOARD}/print {{}}", "board.pdf"):
        assert PUBLISHED in pages[where], where
        assert MASKED in pages[where], where
    assert "publicerad.pdf" in pages[f"{BOARD} {{}}"]
    # Filtered to the masked text's organisation: it alone, masked.
    fragment = pages[f"{BOARD}?category=folk_music_dance {{'HX-Request': 'true'}}"]
    assert MASKED in fragment and PUBLISHED not in fragment

    # Known addresses of the unreviewed and hidden statements are not found; the published is.
    files = f"{BOARD}/files"
    assert public.get(f"{files}/{scene.waiting.attachments[0].id}").status_code == 404
    assert public.get(f"{files}/{scene.redacted.attachments[0].id}").status_code == 404
    published = public.get(f"{files}/{scene.published.attachments[0].id}")
    assert published.status_code == 200 and published.data == b"%PDF-1.4 publicerad.pdf"


def test_staff_pages_and_exports_keep_the_original(app, editor, consultation, scene):
    decide_all(editor, consultation, scene)
    staff = f"/admin/r/kronoberg/c/{consultation.id}"

    page = editor.get(f"{staff}/responses/{scene.redacted.id}").get_data(as_text=True)
    assert ORIGINAL in page and MASKED not in page
    page = editor.get(f"{staff}/responses/{scene.waiting.id}").get_data(as_text=True)
    assert UNREVIEWED in page and "ogranskad.pdf" in page
    exported = editor.get(f"{staff}/export.csv").data.decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(exported), delimiter=";") for cell in row}
    assert {ORIGINAL, UNREVIEWED, HIDDEN, PUBLISHED} <= cells
    assert MASKED not in exported
    statements = editor.get(f"{staff}/responses/{scene.redacted.id}/files/"
                            f"{scene.redacted.attachments[0].id}")  # fmt: skip
    assert statements.status_code == 200 and statements.data == b"%PDF-1.4 dold.pdf"
    # The queue shows staff both: the text as sent and what the public sees.
    queue = editor.get(f"{staff}/review?state=redacted").get_data(as_text=True)
    assert ORIGINAL in queue and MASKED in queue


ANSWERED_BY_ALL = '<p class="hint">3 svar</p>'


def _figures(client, consultation: Consultation) -> tuple:  # type: ignore[no-untyped-def]
    summary = client.get(f"/api/v1/consultations/{consultation.id}/summary").get_json()
    board = client.get(BOARD, headers={"HX-Request": "true"}).get_data(as_text=True)
    return summary["totals"], summary["questions"], board.count(ANSWERED_BY_ALL)


def test_the_counts_are_the_same_whatever_is_held_back(app, editor, consultation, scene):
    public = app.test_client()
    consultation.review_before_publishing = False
    db.session.commit()
    before = _figures(public, consultation)
    answered = {q["label"]: q["answered"] for q in before[1]}
    assert answered["Vad saknas?"] == answered["Ort"] == 3

    consultation.review_before_publishing = True
    db.session.commit()
    decide_all(editor, consultation, scene)
    assert _figures(public, consultation) == before
    assert before[2] == 3  # Ort, Vad saknas? and Hur väl?, each answered by all three


def test_the_board_says_how_many_are_held_back_without_showing_them(
    app, editor, consultation, scene
):
    decide_all(editor, consultation, scene)
    page = app.test_client().get(BOARD).get_data(as_text=True)
    # Vad saknas?: one waits (the choir's); Ort: two wait, one is hidden.
    assert "1 svar väntar på granskning hos regionen." in page
    assert "2 svar väntar på granskning hos regionen." in page
    assert "1 svar har dolts av regionen." in page
    assert "1 skriftligt yttrande väntar på granskning hos regionen." in page
    assert "1 skriftligt yttrande har dolts av regionen." in page


def test_switching_review_off_shows_what_waits_but_never_what_was_hidden(
    app, editor, consultation, scene
):
    decide_all(editor, consultation, scene)
    consultation.review_before_publishing = False
    db.session.commit()
    public = app.test_client()

    page = public.get(BOARD).get_data(as_text=True)
    assert UNREVIEWED in page and "ogranskad.pdf" in page and MASKED in page
    for secret in (HIDDEN, ORIGINAL, "dold.pdf"):
        assert secret not in page
    assert "väntar på granskning" not in page and "1 svar har dolts av regionen." in page
    hidden_file = f"{BOARD}/files/{scene.redacted.attachments[0].id}"
    assert public.get(hidden_file).status_code == 404
    waiting_file = f"{BOARD}/files/{scene.waiting.attachments[0].id}"
    assert public.get(waiting_file).status_code == 200


class Drawings:
    """Stands in for WeasyPrint and keeps the HTML of each drawing."""

    def __init__(self) -> None:
        self.html: list[str] = []

    def __call__(self, html: str, **_kwargs: object) -> bytes:
        self.html.append(html)
        return b"%PDF-1.4 drawing " + str(len(self.html)).encode()


@pytest.fixture
def drawings(monkeypatch) -> Drawings:
    counter = Drawings()
    monkeypatch.setattr(pdf, "render_pdf", counter)
    return counter


def test_a_decision_draws_the_cached_pdf_again(app, editor, consultation, scene, drawings):
    public = app.test_client()
    first = public.get(f"{BOARD}.pdf").data
    assert public.get(f"{BOARD}.pdf").data == first and len(drawings.html) == 1
    assert UNREVIEWED not in drawings.html[0]

    waiting = text_answer(scene.waiting, "Vad saknas?")
    assert decide(editor, consultation, waiting, "publish").status_code == 303
    assert public.get(f"{BOARD}.pdf").data != first
    assert len(drawings.html) == 2 and UNREVIEWED in drawings.html[1]

    # Hidden again: the PDF without it, not the one with it.
    hide = decide(editor, consultation, waiting, "hide", note=HIDDEN_REASON)
    assert hide.status_code == 303
    public.get(f"{BOARD}.pdf")
    assert len(drawings.html) == 3 and UNREVIEWED not in drawings.html[2]
