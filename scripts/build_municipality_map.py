"""Precompute the municipality map the board draws: projected, simplified SVG paths.

Reads ../shared/data/municipality_shapes.geojson (WGS84, see ../shared/data/README.md) and
writes kick_forms/data/municipality_map.json: per SCB kommunkod an SVG path and its bounding
box, and per county (the kommunkod's first two digits, the region's code) its outer border,
all in one projection for Sweden (sinusoidal around 15° E, 100 units a degree of latitude,
y downwards), so a region's map is its municipalities' paths in the box around them.
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


def outline(features: list[dict]) -> str:
    """The border of several municipalities together: the edges only one of them has, chained
    into lines and simplified. The shapes share their vertices along common borders."""
    edges: dict[frozenset, tuple[tuple, tuple]] = {}
    for feature in features:
        for ring in _rings(feature["geometry"]):
            for a, b in zip(ring, ring[1:], strict=False):
                start, end = tuple(a), tuple(b)
                if start == end:
                    continue
                key = frozenset((start, end))
                if key in edges:
                    del edges[key]
                else:
                    edges[key] = (start, end)
    following: dict[tuple, list[tuple]] = {}
    for start, end in edges.values():
        following.setdefault(start, []).append(end)
    parts = []
    while following:
        start = next(iter(following))
        line = [start]
        point = start
        while following.get(point):
            step = following[point].pop()
            if not following[point]:
                del following[point]
            line.append(step)
            point = step
        points = simplify([project(lon, lat) for lon, lat in line])
        if len(points) > 1:
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points))
    return "".join(parts)


def main(source: str) -> None:
    shapes = json.loads(Path(source).read_text(encoding="utf-8"))
    municipalities = {}
    for feature in sorted(shapes["features"], key=lambda f: f["properties"]["code"]):
        path, box = feature_path(feature["geometry"])
        municipalities[feature["properties"]["code"]] = {"d": path, "box": box}
    by_county: dict[str, list[dict]] = {}
    for feature in shapes["features"]:
        by_county.setdefault(feature["properties"]["code"][:2], []).append(feature)
    counties = {code: outline(features) for code, features in sorted(by_county.items())}
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
