"""The overview's map of Sweden: one light, closed shape per region."""

from __future__ import annotations

import re

from sqlalchemy import select

from kick_forms.board import maps
from kick_forms.extensions import db
from kick_forms.models import Region

# The page carried about 200 kB of paths when a region was drawn as its municipalities' paths
# with its border over them; one shape per region is about 30 kB.
MAP_BUDGET = 60_000  # bytes of the map's drawing on /board


def _drawing(page: str) -> str:
    return page.split('id="map-regions"', 1)[1].split("</svg>", 1)[0]


def test_every_region_has_a_shape_on_the_map_of_sweden(app):
    codes = db.session.scalars(select(Region.code)).all()
    assert len(codes) == 21 and all(maps.has_county_shape(code) for code in codes)


def test_the_overview_draws_each_region_as_one_path_within_the_budget(app, client):
    page = client.get("/board").get_data(as_text=True)
    drawing = _drawing(page)
    assert len(drawing.encode()) < MAP_BUDGET
    names = re.findall(r"<path [^>]*><title>([^<:]+):", drawing)
    regions = db.session.scalars(select(Region)).all()
    with_shape = sorted(region.name for region in regions if maps.has_county_shape(region.code))
    assert sorted(names) == with_shape and len(names) == 21
    assert drawing.count("<path ") == len(names)  # no borders drawn over the areas


def test_each_region_s_path_is_closed_rings_filled_even_odd(app, client):
    drawing = _drawing(client.get("/board").get_data(as_text=True))
    paths = re.findall(
        r'<path class="board-map__area[^"]*" d="([^"]+)" fill-rule="evenodd"', drawing
    )
    assert len(paths) == 21
    for path in paths:
        rings = re.findall(r"M[-\d. ]+l[-\d. ]+z", path)  # a start, steps, closed
        assert rings and "".join(rings) == path
