"""The guide's screenshots: which pages are photographed, from the demo data, for ``bild:`` names.

``make help-screenshots`` (``scripts/help_screenshots.py``) loads the demo data into a fresh
database, opens each page below in Chromium at a fixed size, as the demo region's administrator
where ``staff`` is set, and writes ``static/help/<language>/<name>.png``. The addresses take
``{region}``, ``{consultation_id}``, ``{consultation_slug}`` (the demo region's open
consultation) and ``{draft}`` (a draft answer's private link, made for the pictures).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 1280, 800
DEMO_REGION = "kronoberg"


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    staff: bool = True
    # Where the picture starts, so that it shows what the text is about: an element's CSS
    # selector, scrolled to the top of the picture.
    focus: str | None = None


SHOTS: tuple[Shot, ...] = (
    Shot("oversikt", "/admin/r/{region}/"),
    # Building, opening, inviting and following the answers.
    # Closing, feedback, export and archive, the method; the organisations' pages.
)


def by_name() -> dict[str, Shot]:
    return {shot.name: shot for shot in SHOTS}
