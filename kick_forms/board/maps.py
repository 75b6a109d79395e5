"""Maps the server draws as SVG from the precomputed municipality paths.

kick_forms/data/municipality_map.json comes from scripts/build_municipality_map.py: one path
and bounding box per municipality (SCB kommunkod) in one projection for all of Sweden. A map
shades each municipality by its figure in a few classes; the legend names each class's range
in words and the table beside the map carries every figure, so nothing rests on colour alone.
templates/board/_map_svg.html draws it.
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
    outlines: tuple[str, ...] = ()  # borders drawn over the areas, e.g. of regions

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


def _paths() -> dict[str, dict]:
    return _data()["municipalities"]


def county_outline(code: str) -> str:
    """The outer border of a region's municipalities together, by its county code."""
    return _data()["counties"].get(code, "")


def has_shape(code: str) -> bool:
    return code in _paths()


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
    id: str,
    title: str,
    areas: Iterable[tuple[str, str, list[str], int]],
    outlines: Iterable[str] = (),
) -> AreaMap | None:
    """A map of areas, each (key, name, municipality codes it covers, figure), with borders
    drawn over them; None when no area has a shape."""
    paths = _paths()
    rows = [(key, name, [c for c in codes if c in paths], n) for key, name, codes, n in areas]
    rows = [row for row in rows if row[2]]
    if not rows:
        return None
    shades = shades_for(max(n for *_, n in rows))
    boxes = [paths[code]["box"] for *_, codes, _ in rows for code in codes]
    left, top = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
    width = max(b[2] for b in boxes) + MARGIN - left
    height = max(b[3] for b in boxes) + MARGIN - top
    drawn = tuple(
        Area(
            key,
            name,
            n,
            next((s.shade for s in shades if s.low <= n <= s.high), 0),
            "".join(paths[code]["d"] for code in codes),
        )
        for key, name, codes, n in rows
    )
    view_box = f"{left:.1f} {top:.1f} {width:.1f} {height:.1f}"
    borders = tuple(outline for outline in outlines if outline)
    return AreaMap(id, title, drawn, shades, view_box, width, height, borders)


def municipality_map(
    id: str, title: str, municipalities: Iterable[tuple[str, str]], figures: dict[str, int]
) -> AreaMap | None:
    """A region's municipalities, (code, name), shaded by their figures."""
    return area_map(
        id, title, [(code, name, [code], figures.get(code, 0)) for code, name in municipalities]
    )
