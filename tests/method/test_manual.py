"""/metod: a manual that leads with what to do, and shows the Code only as far as sources give it.

The data file records each item's provenance; these tests hold the pages to it: nothing is shown
as the Code's wording unless the data marks it verbatim, and what no source gives is said so.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from pypdf import PdfReader

from kick_forms import pdf
from kick_forms.dialogue.checklist import ITEMS
from kick_forms.method.code import code_data
from kick_forms.method.manual import EXAMPLES_PER_STEP
from kick_forms.models import Role
from kick_forms.studyguide import guide
from tests.conftest import login, make_user
from tests.method.helpers import consultation_at, table_cells

pytestmark = pytest.mark.usefixtures("examples")

PAGES = ["/metod", "/metod/om-koden", "/metod/utskrift", "/metod/checklista"]
CHECKED = ("verbatim", "paraphrase")


class _Collect(HTMLParser):
    """The text of every element with a class, and every id."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted = wanted
        self.depth = 0
        self.found: list[str] = []
        self.ids: set[str] = set()
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if self.depth:
            self.depth += 1
        elif self.wanted in (attrs.get("class") or "").split():
            self.depth = 1
            self._text = []

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self.depth:
            self.depth -= 1
            if not self.depth:
                self.found.append(" ".join("".join(self._text).split()))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.depth:
            self._text.append(data)


def _collect(html: str, wanted: str = "code-wording") -> _Collect:
    parser = _Collect(wanted)
    parser.feed(html)
    return parser


def _verbatim_wordings() -> set[str]:
    """Every English wording the data file marks as checked against its source, word for word."""
    code = code_data()
    found: set[str] = set()
    if code["steps_order"]["verified"] == "verbatim":
        found |= {step["en"] for step in code["steps"]}
    if code["levels_order"]["verified"] == "verbatim":
        found |= {level["en"] for level in code["levels"]}
    for level in code["levels"]:
        forms = level.get("forms")
        if forms and forms["verified"].startswith("verbatim"):
            found |= set(forms["en"])
    for step in code["steps"]:
        contributions = step["ngo_contributions"]
        if str(contributions["verified"]).startswith("verbatim"):
            found |= {item["label"] for item in contributions["items"]}
    for principle in code["principles"]:
        if principle["verified"] == "verbatim":
            found.add(principle["en"].split(" (")[0])
    return {text.casefold() for text in found}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_text_shown_as_the_codes_wording_is_marked_verbatim_in_the_data(client, language):
    verbatim = _verbatim_wordings()
    shown = []
    for page in PAGES:
        html = client.get(f"{page}?lang={language}").get_data(as_text=True)
        shown += _collect(html).found
    assert len(shown) > (20 if language == "sv" else 10)
    unchecked = [text for text in shown if text.strip("()").casefold() not in verbatim]
    assert unchecked == []


def test_the_data_gives_every_step_and_level_with_provenance_or_says_no_source_has_it():
    code = code_data()
    listed = {source["url"] for source in code["source"]}
    for source in code["source"]:
        assert source["what_sv"] and source["what_en"]

    def check(item, where):  # type: ignore[no-untyped-def]
        if item["verified"] == "not_retrievable":
            assert item.get("en") is None and item.get("sv") is None, where
            assert len(item["searched"]) >= 5 and set(item["searched"]) <= listed, where
            assert item["note"], where
        else:
            assert str(item["verified"]).startswith(CHECKED), where
            assert item["source"] and set(item["source"]) <= listed, where
            assert item["version"], where

    for level in code["levels"]:
        check(level["definition"], level["key"])
        if level["definition"]["verified"] != "not_retrievable":
            assert level["definition"]["en"] and level["definition"]["sv"]
    for step in code["steps"]:
        for part in ("description", "ngo_contributions", "authority"):
            check(step[part], f"{step['key']}.{part}")
    for part in ("levels_order", "steps_order", "enabling_environment", "cross_cutting_tools"):
        check(code[part], part)
    check(code["matrix"], "matrix")
    # What the sources do give is in: the first step and the first two levels are described.
    described = [s["key"] for s in code["steps"] if s["description"]["en"]]
    assert described == ["agenda_setting"]
    defined = [level["key"] for level in code["levels"] if level["definition"]["en"]]
    assert defined == ["information", "consultation"]


def test_the_manual_leads_with_what_to_do(client):
    html = client.get("/metod").get_data(as_text=True)
    assert '<html lang="sv">' in html
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings[0] == "Börja här"
    start = html.index("Börja här")
    assert html.index("Se vilket steg planen är i", start) < html.index("Beslutets sex steg")
    assert 'href="/metod/checklista"' in html and 'href="/metod/metodhandbok.pdf"' in html
    ids = _collect(html).ids
    for key in (
        "agenda_setting",
        "drafting",
        "decision",
        "implementation",
        "monitoring",
        "reformulation",
    ):
        assert f"steg-{key}" in ids
    for key in ("information", "consultation", "dialogue", "partnership"):
        assert f"niva-{key}" in ids
    assert html.count("Det här gör regionen") == 6
    assert html.count("Det här kan organisationerna göra") == 6
    assert "Skicka ut förslaget, eller frågorna det väcker, på samråd i god tid" in html


def test_what_no_source_gives_is_said_plainly_and_provenance_is_one_note_per_section(client):
    html = client.get("/metod").get_data(as_text=True)
    assert html.count("Vi har inte hittat kodens beskrivning av det här steget") == 5
    assert html.count("Vi har inte hittat kodens definition av den här nivån") == 2
    # One note per part: six steps, four levels, and the three overviews.
    assert html.count('class="provenance"') == 6 * 2 + 4 + 3
    # No English source notes on the Swedish page, and the old log-like label is gone.
    for source in code_data()["source"]:
        assert source["what_en"] not in html
    assert "Ordalydelsen är kontrollerad mot källan" not in html
    # The notes cite numbered sources on the sources page, which has them all.
    sources = client.get("/metod/om-koden").get_data(as_text=True)
    ids = _collect(sources).ids
    cited = set(re.findall(r'href="/metod/om-koden#(kalla-\d+)"', html))
    assert cited and cited <= ids
    assert len([i for i in ids if i.startswith("kalla-")]) == len(code_data()["source"])
    for source in code_data()["source"]:
        assert source["what_sv"] in sources


def test_the_english_page_is_english_with_its_source_notes_in_english(client):
    html = client.get("/metod/om-koden?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "About the Code and its sources" in html
    for source in code_data()["source"]:
        assert str(escape(source["what_en"])) in html
    manual = client.get("/metod?lang=en").get_data(as_text=True)
    assert "description of this step in any source we could read" in manual
    assert "What the region does" in manual


def test_consultations_in_kick_forms_are_the_steps_examples(app, client):
    shown = consultation_at("dialogue", "monitoring", title="Uppföljning av kulturplanen")
    consultation_at("dialogue", "monitoring", title="Hemligt utkast", public=False)
    html = client.get("/metod").get_data(as_text=True)
    section = html[html.index('id="steg-monitoring"') : html.index('id="steg-reformulation"')]
    assert shown.title in section and "nivå: dialog" in section
    assert "Hemligt utkast" not in html
    assert f'href="/r/kronoberg/c/{shown.slug}/"' in section
    # Beyond a few, the step links to the overview's matrix for all of them.
    for number in range(EXAMPLES_PER_STEP):
        consultation_at("consultation", "monitoring", title=f"Samråd {number}")
    html = client.get("/metod").get_data(as_text=True)
    section = html[html.index('id="steg-monitoring"') : html.index('id="steg-reformulation"')]
    assert section.count('href="/r/kronoberg/c/') == EXAMPLES_PER_STEP
    assert "Alla 5 samråd i det här steget" in section


def test_the_matrix_shows_kicks_examples_never_as_the_code(client):
    html = client.get("/metod").get_data(as_text=True)
    assert "Rutorna i kodens matris har inte gått att läsa i någon källa" in html
    cells = table_cells(html, "examples-matrix")
    assert len(cells) == 24
    assert "Öppen tillgång till information" in cells[("Information", "Utformning")]
    assert "Gemensamt beslutsfattande" in cells[("Partnerskap", "Beslut")]
    assert "(KICK:s, inte kodens)" in html


def test_the_checklist_is_a_public_page_with_every_item(client):
    html = client.get("/metod/checklista").get_data(as_text=True)
    assert "<h1>KICK-metodens checklista</h1>" in html
    for key in ITEMS:
        assert f'id="item-{key}"' in html
    assert html.count('class="task-list__item"') == len(ITEMS)
    assert "Inbjudningarna skickas i god tid" in html
    # Nothing to tick for a visitor.
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_print_version_holds_the_manual_with_absolute_links(app, client):
    consultation = consultation_at("consultation", "drafting", title="Kulturplan att svara på")
    html = client.get("/metod/utskrift").get_data(as_text=True)
    assert 'media="print"' in html and "manual-print.css" in html
    public = app.config["PUBLIC_URL"].rstrip("/")
    assert f'href="{public}/r/kronoberg/c/{consultation.slug}/"' in html
    assert "KICK-metodens checklista" in html and 'id="kalla-1"' in html
    assert 'href="#kalla-' in html and 'href="/metod/om-koden#kalla-' not in html


def test_the_pdf_has_the_manual_as_swedish_text_and_is_drawn_once(client, monkeypatch):
    drawn = []
    real = pdf.render_pdf

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    response = client.get("/metod/metodhandbok.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="metodhandbok.pdf"' in response.headers["Content-Disposition"]
    # Swedish or English by the session's language: a cache keeps one per cookie.
    assert "cookie" in response.vary
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert len(reader.pages) >= 8
    for expected in (
        "Metodhandbok: en bra dialog om kulturplanen",
        "Det här gör regionen",
        "Vad koden säger om steget",
        "KICK-metodens checklista",
        "Källor",
        "Fråga organisationerna vad nästa plan ska ta upp",
    ):
        assert expected in text, expected
    assert client.get("/metod/metodhandbok.pdf").data == response.data
    # Nothing a visitor adds to the address makes a new PDF (the page's language links repeat
    # the query string, outside what the PDF shows).
    for query in ("?x=1", "?utm_source=%3Cb%3E", "?lang=sv&page=2"):
        assert client.get("/metod/metodhandbok.pdf" + query).data == response.data
    assert len(drawn) == 1
    english = client.get("/metod/metodhandbok.pdf?lang=en")
    assert english.data != response.data and len(drawn) == 2


def _manual_ids(client) -> set[str]:  # type: ignore[no-untyped-def]
    return _collect(client.get("/metod").get_data(as_text=True)).ids


def test_the_builder_explains_each_level_and_step_in_place_and_links_to_the_manual(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    html = client.get("/admin/r/kronoberg/c/new").get_data(as_text=True)
    for value, hint in (
        (
            "consultation",
            "Regionen frågar organisationerna vad de tycker om en fråga eller ett förslag.",
        ),
        ("partnership", "Regionen och organisationerna delar ansvaret för en del av arbetet."),
        ("drafting", "Regionen skriver förslaget till kulturplan."),
        ("reformulation", "Planen ses över inför nästa period."),
    ):
        field = "code_level" if value in ("consultation", "partnership") else "code_step"
        radio = re.search(rf'<input[^>]*name="{field}"[^>]*value="{value}"[^>]*>', html)
        assert radio, value
        described = re.search(r'aria-describedby="([^"]+)"', radio.group(0)).group(1)
        assert f'id="{described}">{hint}</p>' in html
    ids = _manual_ids(client)
    links = re.findall(r'<a href="/metod#([^"]+)" target="_blank" rel="noopener">', html)
    assert sorted(links) == ["nivaer", "steg"] and set(links) <= ids


def test_a_consultations_page_says_what_its_place_in_the_matrix_means(client):
    consultation = consultation_at("dialogue", "decision", title="Beslut om kulturplanen")
    html = client.get(f"/r/kronoberg/c/{consultation.slug}/").get_data(as_text=True)
    assert "Vilket slags samråd det här är" in html
    assert "Regionen vill samtala med er: räkna med möten utöver formuläret." in html
    assert "Planen ska snart beslutas: ert svar berättar för politikerna" in html
    anchors = re.findall(r'href="/metod#([^"]+)"', html)
    assert anchors == ["niva-dialogue", "steg-decision"]
    assert set(anchors) <= _manual_ids(client)
    unplaced = consultation_at(None, None, title="Utan plats")
    assert "Vilket slags samråd" not in client.get(f"/r/kronoberg/c/{unplaced.slug}/").get_data(
        as_text=True
    )


def test_the_study_guides_links_into_the_manual_reach_an_existing_part(client):
    pages: dict[str, set[str]] = {}
    linked = []
    for text in guide.sessions():
        html = client.get(f"/studiehandledning/{text.slug}").get_data(as_text=True)
        linked += re.findall(r'href="(/metod[^"#]*)#?([^"]*)"', html)
    assert len(linked) >= 8
    for path, anchor in linked:
        if path not in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            pages[path] = _collect(response.get_data(as_text=True)).ids
        assert not anchor or anchor in pages[path], f"{path}#{anchor}"
    assert {"/metod", "/metod/checklista"} <= set(pages)
