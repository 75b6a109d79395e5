"""/metod: the Code explained, showing as the Code only what the data file marks as checked."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from kick_forms.method.code import DATA_TEXTS, code_data
from tests.method.helpers import table_cells

pytestmark = pytest.mark.usefixtures("examples")


def _shown_texts() -> list[str]:
    """The data file's prose that /metod shows: only what it marks as checked."""
    code = code_data()
    version = code["version"]
    texts = [version["adopted"], version["original"], version["sv_translation"]]
    texts += [fact["fact"] for fact in code["other_verified_facts"]]
    for entry in code["levels"] + code["steps"]:
        if entry.get("definition_verified") == "paraphrase":
            texts.append(entry["definition_en"])
    conditions = code["enabling_conditions"]
    texts.append(conditions["_general_enabling_environment_2009"]["text"])
    for key, entry in conditions.items():
        if not key.startswith("_") and entry:
            texts += [entry[heading] for heading in conditions["_headings"] if entry[heading]]
    return texts


def test_every_text_shown_from_the_data_file_is_marked_and_translated(app):
    for text in _shown_texts():
        assert text in DATA_TEXTS
        with force_locale("sv"):
            assert gettext(text) != text


def test_the_page_is_swedish_by_default_and_english_on_request(client):
    html = client.get("/metod").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Europeisk kod för idéburna organisationers medverkan i beslutsprocessen" in html
    assert code_data()["version"]["title_sv"] in html
    assert "Myndigheten ber civilsamhällets organisationer om deras synpunkter" in html

    english = client.get("/metod?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    for text in _shown_texts():
        assert text.replace("'", "&#39;") in english


def test_summaries_are_marked_as_summaries_and_unretrieved_definitions_said_so(client):
    html = client.get("/metod").get_data(as_text=True)
    code = code_data()
    unchecked = [level for level in code["levels"] if level["definition_verified"] is False]
    assert [level["key"] for level in unchecked] == ["dialogue", "partnership"]
    assert html.count("Kodens definition av nivån har inte gått att hämta.") == 2
    steps_unchecked = [step for step in code["steps"] if step["definition_verified"] is False]
    assert html.count("Kodens beskrivning av steget har inte gått att hämta.") == len(
        steps_unchecked
    )
    assert "Sammanfattning med våra ord; innehållet är kontrollerat mot källan." in html
    assert "Ordalydelsen är kontrollerad mot källan." in html


def test_the_matrix_shows_examples_of_ways_of_working_never_as_the_code(client):
    html = client.get("/metod").get_data(as_text=True)
    assert "Innehållet i kodens celler har inte gått att hämta" in html
    cells = table_cells(html, "examples-matrix")
    assert len(cells) == 24
    for (level, step), text in cells.items():
        assert text.startswith("Exempel på arbetssätt"), (level, step)
        assert "kontrollerad" not in text
    # The seeded examples are in their cells, in Swedish.
    information_drafting = cells[("Information", "Utformning")]
    assert "Öppen tillgång till information" in information_drafting
    assert "Underlag från forskning" in information_drafting
    assert "Gemensamt beslutsfattande" in cells[("Partnerskap", "Beslut")]

    english = client.get("/metod?lang=en").get_data(as_text=True)
    cells = table_cells(english, "examples-matrix")
    assert cells[("Partnership", "Decision")] == (
        "Examples of ways of working Co-decision Co-regulation"
    )


def test_the_conditions_per_step_are_a_summary_naming_its_source(client):
    html = client.get("/metod?lang=en").get_data(as_text=True)
    conditions = table_cells(html, "conditions")
    assert conditions[("Monitoring", "Information sharing")] == "Not retrieved"
    assert conditions[("Implementation", "Resources")] == "Not retrieved"
    assert conditions[("Decision", "Procedures")] == (
        "'Offer and follow procedures for co-decision mechanisms where applicable.'"
    )
    assert "a summary after AALEP" in html


def test_the_sources_cited_are_listed_and_linked(client):
    html = client.get("/metod").get_data(as_text=True)
    listed = {source["url"] for source in code_data()["source"]}
    linked = set(re.findall(r'<li id="source-\d+"><a href="([^"]+)"', html))
    linked = {url.replace("&amp;", "&") for url in linked}
    assert linked <= listed
    assert {
        "https://www.mucf.se/koden-ett-verktyg-inflytande",
        "https://aalep.eu/node/2523",
        "https://www.kcsfoundation.org/en/information-capacities/resources/citizen-participation-in-decision-making/levels-and-forms-of-participation/",
        "http://samverkancivilsamhallet.goteborg.se/exempel-pa-samverkan/overenskommelsen",
    } <= linked
    # Only cited in a note on what is not the Code.
    assert (
        "https://docslib.org/doc/1790724/civil-participation-in-decision-making-processes"
        not in linked
    )
    for number in range(1, len(linked) + 1):
        assert f'href="#source-{number}"' in html
    assert "www.samhällsentreprenörskap.com" in html
