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
    Shot(
        "kodens-plats",
        "/admin/r/{region}/c/{consultation_id}/settings",
        focus="fieldset:has(input[name=code_level])",
    ),
    Shot("bygget", "/admin/r/{region}/c/{consultation_id}/", focus="h2:has(+ #builder-status)"),
    Shot("badda-in", "/admin/r/{region}/c/{consultation_id}/embed"),
    Shot("registret", "/admin/r/{region}/organisations"),
    Shot("inbjudningar", "/admin/r/{region}/c/{consultation_id}/invitations"),
    Shot("svaren", "/admin/r/{region}/c/{consultation_id}/responses", focus="form.filters"),
    Shot("granskning", "/admin/r/{region}/c/{consultation_id}/review"),
    # Closing, feedback, export and archive, the method; the organisations' pages.
    Shot("stang-nu", "/admin/r/{region}/c/{consultation_id}/close"),
    Shot("aterkoppling", "/admin/r/{region}/c/{consultation_id}/feedback"),
    Shot("sammanstallning", "/r/{region}/c/{consultation_slug}/board", staff=False),
    Shot("nedladdningar", "/admin/r/{region}/c/{consultation_id}/responses"),
    Shot("kick-metoden", "/admin/r/{region}/c/{consultation_id}/method", focus="#checklist"),
    Shot("vem-svarar", "/r/{region}/c/{consultation_slug}/respond", staff=False),
    Shot("svara-avsnitt", "/respond/{draft}/s/1", staff=False),
    Shot("privat-lank", "/respond/{draft}", staff=False),
    Shot("bifoga-yttrande", "/respond/{draft}", staff=False, focus="#attachments"),
    Shot("vad-publiceras", "/respond/{draft}/check", staff=False, focus="#public-record"),
    Shot("ta-bort-utkastet", "/respond/{draft}/withdraw", staff=False),
)


def by_name() -> dict[str, Shot]:
    return {shot.name: shot for shot in SHOTS}
