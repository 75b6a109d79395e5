"""The study guide's texts: Markdown files that KICK edits, read from the content folder.

A file's name gives its place and its address (``03-den-regionala-kulturplanen.md`` is the
third session, at ``/studiehandledning/den-regionala-kulturplanen``); its first line
``# Rubrik`` gives its title. See ``content/README.md``, written for the people who edit them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kick_forms.markdown_pages import Heading, Rendered, Text, read, render, slugify

__all__ = ["Heading", "Rendered", "Text", "render", "slugify"]

CONTENT_DIR = Path(__file__).resolve().parent / "content"
INTRODUCTION = "index"
LEADER_GUIDE = "ledarhandledning"
# Documentation for the editors lives beside the texts; it is not a page.
NOT_PAGES = frozenset({"readme"})


@dataclass(frozen=True)
class Place:
    """Where a session stands among the others."""

    text: Text
    number: int
    previous: Text | None
    next: Text | None


def sessions() -> list[Text]:
    """Every session, in the order of the numbers their file names start with."""
    found = [read(path) for path in _markdown_files()]
    special = {INTRODUCTION, LEADER_GUIDE}
    return sorted(
        (text for text in found if text.slug not in special),
        key=lambda text: (text.order, text.slug),
    )


def place(slug: str) -> Place | None:
    """A session and its neighbours, or None when no session has this address."""
    ordered = sessions()
    for index, text in enumerate(ordered):
        if text.slug == slug:
            previous = ordered[index - 1] if index > 0 else None
            following = ordered[index + 1] if index + 1 < len(ordered) else None
            return Place(text, index + 1, previous, following)
    return None


def special(slug: str) -> Text | None:
    """The introduction or the leader's guide, by their file names."""
    path = CONTENT_DIR / f"{slug}.md"
    return read(path) if path.is_file() else None


def _markdown_files() -> list[Path]:
    return [
        path
        for path in CONTENT_DIR.glob("*.md")
        if path.is_file() and path.stem.lower() not in NOT_PAGES
    ]
