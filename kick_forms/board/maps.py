"""Maps the server draws as SVG from the precomputed municipality and county paths.

kick_forms/data/municipality_map.json comes from scripts/build_municipality_map.py: one path
and bounding box per municipality (SCB kommunkod) and per county (the region's code, one closed
shape of its outer border) in one projection for all of Sweden. A map shades each area by its
figure in a few classes; the legend names each class's range in words and the table beside the
map carries every figure, so nothing rests on colour alone. templates/board/_map_svg.html
draws it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kick_forms.board.charts import Described

CLASSES = 4  # shades above zero
MARGIN = 4.0  # units around the drawing


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    figure: int
    shade: int  # 0 for none, 1..CLASSES
    path: str


@dataclass(frozen=True)
class Shade:
    shade: int
    low: int
    high: int


@dataclass(frozen=True)
class AreaMap(Described):
    id: str
    title: str
    areas: tuple[Area, ...]
    shades: tuple[Shade, ...]
    view_box: str
    width: float
    height: float

    @property
    def reached(self) -> int:
        return sum(1 for area in self.areas if area.figure)

    @property
    def highest(self) -> tuple[Area, ...]:
        """The areas with the highest figures, for the description."""
        ranked = sorted((a for a in self.areas if a.figure), key=lambda a: (-a.figure, a.name))
        return tuple(ranked[:3])


@cache
def _data() -> dict[str, dict]:
    text = resources.files("kick_forms.data").joinpath("municipality_map.json").read_text("utf-8")
    return json.loads(text)


def has_shape(code: str) -> bool:
    """Whether the municipality with this kommunkod has a shape on the maps."""
    return code in _data()["municipalities"]


def has_county_shape(code: str) -> bool:
    """Whether the region with this county code has a shape on the map of Sweden."""
    return code in _data()["counties"]


def shades_for(highest: int) -> tuple[Shade, ...]:
    """Up to CLASSES ranges of equal width from 1 to the highest figure, whole numbers; with
    fewer ranges their shades spread out, so the highest is always the darkest."""
    if highest <= 0:
        return ()
    step = max(1, math.ceil(highest / CLASSES))
    count = math.ceil(highest / step)
    return tuple(
        Shade(
            round((index + 1) * CLASSES / count), index * step + 1, min((index + 1) * step, highest)
        )
        for index in range(count)
    )


def area_map(
    id: str, title: str, areas: Iterable[tuple[str, str, dict | None, int]]
) -> AreaMap | None:
    """A map of areas, each (key, name, its shape from the data, figure), in the box around
    them; those without a shape are left out, and None when no area has one."""
    rows = [(key, name, shape, n) for key, name, shape, n in areas if shape]
    if not rows:
        return None
    shades = shades_for(max(n for *_, n in rows))
    boxes = [shape["box"] for _, _, shape, _ in rows]
    left, top = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
    width = max(b[2] for b in boxes) + MARGIN - left
    height = max(b[3] for b in boxes) + MARGIN - top
    drawn = tuple(
        Area(key, name, n, next((s.shade for s in shades if s.low <= n <= s.high), 0), shape["d"])
        for key, name, shape, n in rows
    )
    view_box = f"{left:.1f} {top:.1f} {width:.1f} {height:.1f}"
    return AreaMap(id, title, drawn, shades, view_box, width, height)


def municipality_map(
    id: str, title: str, municipalities: Iterable[tuple[str, str]], figures: dict[str, int]
) -> AreaMap | None:
    """A region's municipalities, (code, name), shaded by their figures."""
    shapes = _data()["municipalities"]
    return area_map(
        id,
        title,
        [(code, name, shapes.get(code), figures.get(code, 0)) for code, name in municipalities],
    )


def region_map(id: str, title: str, regions: Iterable[tuple[str, str, str, int]]) -> AreaMap | None:
    """Sweden's regions, each (key, name, county code, figure), one shape apiece: a page that
    draws all of them carries a fraction of their municipalities' paths."""
    shapes = _data()["counties"]
    return area_map(id, title, [(key, name, shapes.get(code), n) for key, name, code, n in regions])
