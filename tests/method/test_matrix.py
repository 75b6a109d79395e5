"""Consultations placed in the Code's matrix: on a region's page and on the KICK overview."""

from __future__ import annotations

import pytest

from kick_forms.extensions import db
from kick_forms.method.matrix import YearRange, matrix_view, placement
from kick_forms.models import CodeLevel, CodeStep
from tests.conftest import region
from tests.method.helpers import consultation_at, table_cells

LEVELS = ["information", "consultation", "dialogue", "partnership"]
STEPS = ["agenda_setting", "drafting", "decision", "implementation", "monitoring", "reformulation"]
CELLS = [(level, step) for level in LEVELS for step in STEPS]


def _names(level_key: str, step_key: str) -> tuple[str, str]:
    """The Swedish row and column headers of a cell."""
    return db.session.get(CodeLevel, level_key).name_sv, db.session.get(CodeStep, step_key).name_sv


def _cells_holding(html: str, table_id: str, text: str) -> list[tuple[str, str]]:
    return [cell for cell, content in table_cells(html, table_id).items() if text in content]


@pytest.mark.parametrize(("level_key", "step_key"), CELLS)
def test_a_consultation_is_placed_in_the_cell_of_its_level_and_step_only(
    client, level_key, step_key
):
    consultation = consultation_at(level_key, step_key, title="Kulturplanen i matrisen")

    placed = placement([consultation])
    assert placed.cells == {(level_key, step_key): [consultation]}
    assert placed.unplaced == []

    html = client.get("/r/kronoberg/").get_data(as_text=True)
    assert _cells_holding(html, "region-matrix", "Kulturplanen i matrisen") == [
        _names(level_key, step_key)
    ]
    cells = table_cells(html, "region-matrix")
    assert len(cells) == 24
    assert cells[_names(level_key, step_key)].startswith("1 samråd")
    assert sum(text.startswith("0 samråd") for text in cells.values()) == 23

    overview = client.get("/board").get_data(as_text=True)
    assert _cells_holding(overview, "country-matrix", "Kulturplanen i matrisen") == [
        _names(level_key, step_key)
    ]


def test_drafts_are_not_counted_on_public_pages(client):
    consultation_at("dialogue", "decision", title="Ett utkast", public=False)
    consultation_at("information", "drafting", title="Ett öppet samråd")

    view = matrix_view(region("kronoberg"), {})
    assert view.placement.placed == 1
    assert view.placement.at("dialogue", "decision") == []

    for url, table_id in (("/r/kronoberg/", "region-matrix"), ("/board", "country-matrix")):
        html = client.get(url).get_data(as_text=True)
        assert "Ett utkast" not in html
        assert _cells_holding(html, table_id, "Ett öppet samråd") == [
            _names("information", "drafting")
        ]
    levels = table_cells(client.get("/board").get_data(as_text=True), "levels-by-region")
    kronoberg = {
        level: count for (row, level), count in levels.items() if row == "Region Kronoberg"
    }
    assert kronoberg == {"Information": "1", "Samråd": "0", "Dialog": "0",
                         "Partnerskap": "0", "Inte placerade": "0"}  # fmt: skip


def test_consultations_without_a_level_or_a_step_are_counted_apart(client):
    consultation_at("dialogue", None, title="Utan steg")
    consultation_at(None, "drafting", title="Utan nivå")
    consultation_at(None, None, title="Utan båda")

    view = matrix_view(region("kronoberg"), {})
    assert view.placement.cells == {}
    assert [c.title for c in view.placement.unplaced] == ["Utan båda", "Utan nivå", "Utan steg"]

    html = client.get("/r/kronoberg/").get_data(as_text=True)
    assert all("Utan" not in text for text in table_cells(html, "region-matrix").values())
    assert "Inte placerade (ingen nivå eller inget steg valt): 3 samråd." in html
    assert "Inga samråd från Region Kronoberg är placerade i matrisen ännu." in html

    levels = table_cells(client.get("/board").get_data(as_text=True), "levels-by-region")
    assert levels[("Region Kronoberg", "Inte placerade")] == "3"
    assert levels[("Region Kronoberg", "Dialog")] == "0"


def test_the_year_filter_keeps_the_consultations_that_closed_in_those_years(client):
    consultation_at("consultation", "drafting", title="Samrådet 2021", closes_in=2021)
    consultation_at("consultation", "drafting", title="Samrådet 2023", closes_in=2023)
    consultation_at("dialogue", "monitoring", title="Dialogen 2025", closes_in=2025)

    html = client.get("/r/kronoberg/").get_data(as_text=True)
    cell = table_cells(html, "region-matrix")[_names("consultation", "drafting")]
    # Over time: oldest first, each with its year.
    assert cell.index("Samrådet 2021 (2021)") < cell.index("Samrådet 2023 (2023)")

    html = client.get("/r/kronoberg/?from=2022&to=2025").get_data(as_text=True)
    cells = table_cells(html, "region-matrix")
    assert "Samrådet 2021" not in cells[_names("consultation", "drafting")]
    assert "Samrådet 2023" in cells[_names("consultation", "drafting")]
    assert "Dialogen 2025" in cells[_names("dialogue", "monitoring")]
    assert '<option value="2022"' not in html  # the choices are the years that have any
    assert '<option value="2025" selected>2025</option>' in html

    html = client.get("/board?from=2025").get_data(as_text=True)
    assert _cells_holding(html, "country-matrix", "Samrådet") == []
    assert _cells_holding(html, "country-matrix", "Dialogen 2025") == [
        _names("dialogue", "monitoring")
    ]
    assert "Visa alla år" in html


def test_years_are_read_leniently():
    assert YearRange.from_args({"from": "2024", "to": "2022"}) == YearRange(2022, 2024)
    assert YearRange.from_args({"from": "x", "to": ""}) == YearRange(None, None)
    assert not YearRange.from_args({"from": "99999"}).chosen


def test_the_region_s_page_reads_its_matrix_in_one_sentence(client):
    consultation_at("information", "agenda_setting", title="Information om planen")
    consultation_at("consultation", "drafting", title="Remiss av planen")

    html = client.get("/r/kronoberg/").get_data(as_text=True)
    assert (
        "Region Kronoberg har samrått på nivåerna information och samråd, "
        "men ännu inte på nivåerna dialog och partnerskap." in html
    )
    english = client.get("/r/kronoberg/?lang=en").get_data(as_text=True)
    assert (
        "Region Kronoberg has consulted at the levels information and consultation; "
        "not yet at the levels dialogue and partnership." in english
    )

    consultation_at("dialogue", "monitoring", title="Dialog om uppföljningen")
    consultation_at("partnership", "implementation", title="Partnerskap om genomförandet")
    html = client.get("/r/kronoberg/?lang=sv").get_data(as_text=True)
    assert "Region Kronoberg har samrått på alla fyra nivåerna." in html


def test_the_overview_counts_levels_region_by_region_and_links_each_region_s_matrix(client):
    consultation_at("dialogue", "drafting", title="Dialog i Kronoberg")
    consultation_at("dialogue", "decision", title="Dialog i Blekinge", region_slug="blekinge")
    consultation_at("partnership", "implementation", title="Partnerskap i Blekinge",
                    region_slug="blekinge")  # fmt: skip

    html = client.get("/board").get_data(as_text=True)
    levels = table_cells(html, "levels-by-region")
    assert levels[("Region Blekinge", "Dialog")] == "1"
    assert levels[("Region Blekinge", "Partnerskap")] == "1"
    assert levels[("Region Kronoberg", "Dialog")] == "1"
    assert levels[("Region Norrbotten", "Information")] == "0"
    assert 'href="/r/blekinge/#matris"' in html
    assert (
        "I landet som helhet har regionerna samrått på nivåerna dialog och partnerskap, "
        "men ännu inte på nivåerna information och samråd." in html
    )
    country = table_cells(html, "country-matrix")
    assert "Dialog i Blekinge (Region Blekinge," in country[_names("dialogue", "decision")]
