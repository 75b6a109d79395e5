"""The board's SVG charts: what they draw and say equals the open-data API's summary."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from kick_forms.board import maps
from kick_forms.extensions import db
from kick_forms.models import Municipality, Role
from kick_forms.organisations import services as register
from tests.board.generated import add_response
from tests.conftest import login, make_user, region

BOARD = "/r/kronoberg/c/kulturplan/board"


class _Charts(HTMLParser):
    """Each chart (a figure with class svg-chart) by id: its drawing's attributes, title,
    description, the label and figure texts drawn, and the rows of its table."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, dict] = {}
        self.chart: dict | None = None
        self.into: list[str] | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure" and "svg-chart" in (found.get("class") or "").split():
            self.chart = {"labels": [], "figures": [], "rows": [], "title": "", "desc": ""}
            self.charts[found["id"] or ""] = self.chart
            self.depth = 0
        if self.chart is None:
            return
        if tag == "figure":
            self.depth += 1
        kind = found.get("class") or ""
        if tag == "svg":
            self.chart["svg"] = found
        elif tag in ("title", "desc"):
            self.chart[tag + "_id"] = found.get("id")
            self.into = [tag]
        elif tag == "text" and kind in ("svg-chart__label", "svg-chart__figure"):
            key = "labels" if kind == "svg-chart__label" else "figures"
            self.chart[key].append("")
            self.into = [key]
        elif tag == "tr":
            self.chart["rows"].append([])
        elif tag in ("th", "td") and self.chart["rows"]:
            self.chart["rows"][-1].append("")
            self.into = ["rows"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "desc", "text", "th", "td"):
            self.into = None
        if tag == "figure" and self.chart is not None:
            self.depth -= 1
            if self.depth == 0:
                self.chart = None

    def handle_data(self, data: str) -> None:
        if self.chart is None or self.into is None:
            return
        key = self.into[0]
        if key in ("title", "desc"):
            self.chart[key] += data
        elif key == "rows":
            self.chart["rows"][-1][-1] += data.strip()
        else:
            self.chart[key][-1] += data if not self.chart[key][-1] else " " + data


def charts_of(html: str) -> dict[str, dict]:
    parser = _Charts()
    parser.feed(html)
    return parser.charts


def _answered(consultation):
    q = {question.label: question for question in consultation.questions}
    museums, film = (option.id for option in q["Områden"].options)
    add_response(consultation, name="Kören", municipality="0780", categories=["choir"],
                 named=True, answers={q["Hur väl?"]: "5", q["Tillfrågade?"]: "yes",
                                      q["Områden"]: ([museums, film], None)})  # fmt: skip
    add_response(consultation, name="Laget", municipality="0764", categories=["local_heritage"],
                 named=False, answers={q["Hur väl?"]: "5", q["Tillfrågade?"]: "no",
                                       q["Områden"]: ([film], "Dans")})  # fmt: skip
    add_response(consultation, name="Studiecirkeln", municipality="0780",
                 categories=["study_association", "choir"], named=True,
                 answers={q["Hur väl?"]: "2"})  # fmt: skip
    consultation.board_visibility = "while_open"
    db.session.commit()


def test_the_charts_draw_the_apis_figures_as_text(client, consultation):
    _answered(consultation)
    charts = charts_of(client.get(BOARD).get_data(as_text=True))
    summary = client.get(f"/api/v1/consultations/{consultation.id}/summary").get_json()

    for question in summary["questions"]:
        chart = charts.get(f"chart-q-{question['id']}")
        if "bars" not in question:
            assert chart is None
            continue
        counts = [bar["count"] for bar in question["bars"]]
        if question.get("other_count"):
            counts.append(question["other_count"])
        answered = question["answered"]
        shares = [round(count / answered * 100) if answered else 0 for count in counts]
        assert chart["figures"] == [
            f"{count} ({share}\N{NO-BREAK SPACE}%)"
            for count, share in zip(counts, shares, strict=True)
        ]
        assert [row[1] for row in chart["rows"][1:]] == [str(count) for count in counts]
        assert chart["title"] == question["label"]
        assert f"{question['answered']} svar totalt." in chart["desc"]
        if question["kind"] == "multiple_choice":
            assert chart["labels"] == ["Museer", "Film", "Annat"]
        if question["kind"] == "yes_no":
            assert chart["labels"] == ["Ja", "Nej", "Vet inte"]

    by_municipality = charts["breakdown-municipality"]
    assert by_municipality["figures"][0].startswith("2 (")
    assert by_municipality["labels"] == [m["name"] for m in summary["by_municipality"]]
    assert [int(row[1]) for row in charts["breakdown-category"]["rows"][1:]] == [
        c["count"] for c in summary["by_category"]
    ]


def test_a_chart_is_one_image_named_by_its_title_and_description(client, consultation):
    _answered(consultation)
    html = client.get(BOARD).get_data(as_text=True)
    for chart in charts_of(html).values():
        assert chart["svg"]["role"] == "img"
        assert chart["svg"]["aria-labelledby"] == f"{chart['title_id']} {chart['desc_id']}"
        assert chart["title"] and chart["desc"]
    assert html.count("Visa siffrorna som tabell") == len(charts_of(html)) + 1  # and the map's


def test_an_english_board_marks_the_regions_swedish_words_in_charts_and_map(client, consultation):
    _answered(consultation)
    html = client.get(f"{BOARD}?lang=en").get_data(as_text=True)
    areas = next(q for q in consultation.questions if q.label == "Områden")
    asked = next(q for q in consultation.questions if q.label == "Tillfrågade?")
    chart = html.split(f'id="chart-q-{areas.id}"', 1)[1].split("</figure>", 1)[0]
    assert f'<title id="chart-q-{areas.id}-title" lang="sv">Områden</title>' in chart
    assert re.search(r'<text class="svg-chart__label"[^>]* lang="sv"><tspan[^>]*>Museer<', chart)
    assert '<th scope="row" lang="sv">Museer</th>' in chart
    assert '<th scope="row">Other</th>' in chart  # the interface's word, in English
    yes_no = html.split(f'id="chart-q-{asked.id}"', 1)[1].split("</figure>", 1)[0]
    assert '<th scope="row">Yes</th>' in yes_no and 'lang="sv">Yes' not in yes_no
    assert '<th scope="row" lang="sv">Växjö</th>' in html  # the map's table
    assert '<title lang="sv">Växjö: ' in html  # the map's area


def test_the_print_view_draws_the_same_charts(client, consultation):
    _answered(consultation)
    board = charts_of(client.get(BOARD).get_data(as_text=True))
    printed = charts_of(client.get(BOARD + "/print").get_data(as_text=True))
    assert printed.keys() == board.keys()
    assert all(printed[key]["figures"] == board[key]["figures"] for key in board)


def _map_titles(html: str, map_id: str) -> dict[str, int]:
    """Each area's tooltip in the map's drawing, name: figure."""
    drawing = html.split(f'<figure class="board-map" id="{map_id}">', 1)[1].split("</svg>", 1)[0]
    area = r"<path [^>]*><title(?: lang=\"sv\")?>([^<]+): (\d+)</title></path>"
    return {name: int(figure) for name, figure in re.findall(area, drawing)}


def test_the_map_shades_every_municipality_of_the_region_with_the_apis_figures(
    client, consultation
):
    _answered(consultation)
    html = client.get(BOARD).get_data(as_text=True)
    summary = client.get(f"/api/v1/consultations/{consultation.id}/summary").get_json()
    titles = _map_titles(html, "map-municipality")
    kronoberg = db.session.scalars(
        select(Municipality).filter_by(region_id=consultation.region_id)
    ).all()
    assert set(titles) == {municipality.name for municipality in kronoberg}
    answered = {m["name"]: m["count"] for m in summary["by_municipality"]}
    assert {name: n for name, n in titles.items() if n} == answered == {"Växjö": 2, "Alvesta": 1}
    assert 'class="board-map__area board-map__area--0"' in html  # the others: no answers
    assert "2 av 8 med svar. Flest: Växjö 2, Alvesta 1." in html
    table = charts_of(html)  # the map's table is not a chart's
    assert "map-municipality" not in table


def test_every_municipality_has_a_shape_on_the_map(app):
    codes = db.session.scalars(select(Municipality.code)).all()
    assert len(codes) == 290 and all(maps.has_shape(code) for code in codes)


def test_the_registers_mapping_report_maps_organisations_by_municipality(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    for name, code in [("Växjö kör", "0780"), ("Växjö hembygd", "0780"), ("Ljungby kör", "0781"),
                       ("Riksförbundet", None)]:  # fmt: skip
        register.register_organisation(
            region("kronoberg"),
            register.OrganisationData(
                name=name, organisation_number=None, municipality_code=code, category_keys=[]
            ),
        )
    db.session.commit()
    html = client.get("/admin/r/kronoberg/organisations/report").get_data(as_text=True)
    titles = _map_titles(html, "map-register")
    assert {name: n for name, n in titles.items() if n} == {"Växjö": 2, "Ljungby": 1}
    assert len(titles) == 8
    assert "2 av 8 kommuner har organisationer i registret. Flest: Växjö 2, Ljungby 1." in html


def test_the_legends_ranges_cover_every_figure_and_the_highest_is_the_darkest():
    for highest in range(1, 60):
        shades = maps.shades_for(highest)
        assert shades[0].low == 1 and shades[-1].high == highest
        assert all(a.high + 1 == b.low for a, b in zip(shades, shades[1:], strict=False))
        assert [s.shade for s in shades] == sorted({s.shade for s in shades})
        assert shades[-1].shade == maps.CLASSES
