"""Precompute the municipality map the board draws: projected, simplified SVG paths.

Reads ../shared/data/municipality_shapes.geojson (WGS84, see ../shared/data/README.md) and
writes kick_forms/data/municipality_map.json: per SCB kommunkod an SVG path and its bounding
box, and per county (the kommunkod's first two digits, the region's code) one closed path of
its outer border and its box, all in one projection for Sweden (sinusoidal around 15° E, 100
units a degree of latitude, y downwards), so a region's map is its municipalities' paths in
the box around them and the map of Sweden is the 21 counties' paths, about a sixth the bytes.
Run it again only when the shapes change:

    .venv/bin/python scripts/build_municipality_map.py ../shared/data/municipality_shapes.geojson
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

UNITS_PER_DEGREE = 100
CENTRAL_MERIDIAN = 15.0
NORTH = 69.1  # above Treriksröset, so y is never negative
WEST = -300.0  # left of Smögen in projected units, so x is never negative
TOLERANCE = 0.35  # units (about 350 m): points closer than this to the simplified line go
OUTPUT = Path(__file__).resolve().parent.parent / "kick_forms" / "data" / "municipality_map.json"

Point = tuple[float, float]


def project(lon: float, lat: float) -> Point:
    x = (lon - CENTRAL_MERIDIAN) * math.cos(math.radians(lat)) * UNITS_PER_DEGREE - WEST
    return x, (NORTH - lat) * UNITS_PER_DEGREE


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points: list[Point]) -> list[Point]:
    """Douglas-Peucker, iteratively."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _distance(points[i], points[first], points[last])
            if distance > farthest:
                farthest, index = distance, i
        if farthest > TOLERANCE:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def ring_path(ring: list[list[float]]) -> tuple[str, list[Point]]:
    points = simplify([project(lon, lat) for lon, lat in ring])
    if len(points) < 4:  # an islet smaller than the tolerance keeps its outline
        points = [project(lon, lat) for lon, lat in ring]
    text = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points[:-1]) + "Z"
    return text, points


def feature_path(geometry: dict) -> tuple[str, list[float]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    parts: list[str] = []
    every: list[Point] = []
    for polygon in polygons:
        for ring in polygon:
            text, points = ring_path(ring)
            parts.append(text)
            every += points
    xs, ys = [x for x, _ in every], [y for _, y in every]
    box = [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]
    return "".join(parts), box


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [ring for polygon in polygons for ring in polygon]


Node = tuple[float, float]  # a vertex of the shapes, longitude and latitude
Edge = frozenset[Node]


def _county_edges(features: list[dict]) -> dict[str, set[Edge]]:
    """Per county, the edges of its municipalities' rings that an odd number of them have: its
    border. The shapes share their vertices along common borders, so an inner border cancels
    out; what is left meets every vertex an even number of times, so it falls into closed rings,
    and those rings fill the county with the even-odd rule, islands and holes included."""
    edges: dict[str, set[Edge]] = {}
    for feature in features:
        border = edges.setdefault(feature["properties"]["code"][:2], set())
        for ring in _rings(feature["geometry"]):
            for a, b in zip(ring, ring[1:], strict=False):
                if a != b:
                    border ^= {frozenset((tuple(a), tuple(b)))}
    return edges


def _arcs(edges: dict[str, set[Edge]]) -> list[tuple[list[Node], set[str]]]:
    """The county borders cut into arcs, each with the counties it bounds: a border two
    counties share is one arc, simplified once, so their shapes meet without gaps or overlaps.
    An arc ends where three borders meet or its counties change; a ring without such a node
    (an island, an enclave) is one arc from its lowest vertex round to it again."""
    owners: dict[Edge, set[str]] = {}
    for county, border in edges.items():
        for edge in border:
            owners.setdefault(edge, set()).add(county)
    touching: dict[Node, list[Edge]] = {}
    for edge in owners:
        for node in edge:
            touching.setdefault(node, []).append(edge)

    def is_end(node: Node) -> bool:
        around = touching[node]
        return len(around) != 2 or owners[around[0]] != owners[around[1]]

    unused = set(owners)
    arcs = []

    def walk(start: Node, edge: Edge) -> None:
        line, node = [start], start
        while True:
            unused.discard(edge)
            (node,) = edge - {node}
            line.append(node)
            if is_end(node) or node == start:
                break
            edge = next(e for e in touching[node] if e in unused)
        arcs.append((line, owners[edge]))

    for node in sorted(n for n in touching if is_end(n)):
        for edge in sorted(touching[node], key=sorted):
            if edge in unused:
                walk(node, edge)
    while unused:
        start = min(node for edge in unused for node in edge)
        walk(start, min((e for e in touching[start] if e in unused), key=sorted))
    return arcs


def _tenths(points: list[Point]) -> list[tuple[int, int]]:
    return [(round(x * 10), round(y * 10)) for x, y in points]


def _number(tenths: int) -> str:
    """A coordinate in tenths as short as SVG reads it: 12, 1.5, .5, -.5."""
    whole, tenth = divmod(abs(tenths), 10)
    text = (str(whole) if whole else "") + (f".{tenth}" if tenth else "") or "0"
    return "-" + text if tenths < 0 else text


def _numbers(values: list[int]) -> str:
    """Coordinates in tenths, a space between them unless a minus sign parts them already."""
    text = ""
    for value in values:
        number = _number(value)
        text += number if not text or number.startswith("-") else " " + number
    return text


def _relative_path(ring: list[tuple[int, int]]) -> str:
    """A closed ring as an SVG path: its first point absolute, each next one relative to the
    one before. The steps are taken between rounded points, so the ring closes exactly."""
    steps = [
        value
        for (x, y), (nx, ny) in zip(ring, ring[1:-1], strict=False)
        for value in (nx - x, ny - y)
    ]
    return f"M{_numbers(list(ring[0]))}l{_numbers(steps)}z"


def county_shapes(features: list[dict]) -> dict[str, dict]:
    """Per county one closed, even-odd fillable path of its outer border, and its box."""
    edges = _county_edges(features)
    arcs: dict[str, list[list[tuple[int, int]]]] = {}
    for line, counties in _arcs(edges):
        points = simplify([project(lon, lat) for lon, lat in line])
        if line[0] == line[-1] and len(points) < 4:  # an islet keeps its outline
            points = [project(lon, lat) for lon, lat in line]
        for county in counties:
            arcs.setdefault(county, []).append(_tenths(points))
    shapes = {}
    for county, lines in sorted(arcs.items()):
        rings = [_without_repeats(ring) for ring in _chain(lines)]
        paths = [_relative_path(ring) for ring in rings if len(ring) > 3]  # a ring with area
        shapes[county] = {"d": "".join(paths), "box": _box(lines)}
    return shapes


def _without_repeats(ring: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ring without steps of length zero: a short arc can round to a single point."""
    return [point for point, before in zip(ring, [None, *ring], strict=False) if point != before]


def _chain(lines: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """Arcs joined end to end into closed rings; every node has an even number of ends."""
    at: dict[tuple[int, int], list[int]] = {}
    for index, line in enumerate(lines):
        at.setdefault(line[0], []).append(index)
        at.setdefault(line[-1], []).append(index)
    unused = set(range(len(lines)))
    rings = []
    while unused:
        index = min(unused)
        ring = list(lines[index])
        unused.discard(index)
        while ring[-1] != ring[0]:
            index = next(i for i in at[ring[-1]] if i in unused)
            unused.discard(index)
            line = lines[index]
            ring += line[1:] if line[0] == ring[-1] else line[-2::-1]
        rings.append(ring)
    return rings


def _box(lines: list[list[tuple[int, int]]]) -> list[float]:
    xs = [x / 10 for line in lines for x, _ in line]
    ys = [y / 10 for line in lines for _, y in line]
    return [min(xs), min(ys), max(xs), max(ys)]


def main(source: str) -> None:
    shapes = json.loads(Path(source).read_text(encoding="utf-8"))
    municipalities = {}
    for feature in sorted(shapes["features"], key=lambda f: f["properties"]["code"]):
        path, box = feature_path(feature["geometry"])
        municipalities[feature["properties"]["code"]] = {"d": path, "box": box}
    counties = county_shapes(shapes["features"])
    OUTPUT.write_text(
        json.dumps(
            {
                "source": "municipality_shapes.geojson (okfse/sweden-geojson, Valmyndigheten)",
                "municipalities": municipalities,
                "counties": counties,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(municipalities)} municipalities, {OUTPUT.stat().st_size} bytes: {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/municipality_shapes.geojson")
