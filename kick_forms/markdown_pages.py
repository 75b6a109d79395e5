"""Pages written as Markdown files: their titles, first paragraphs and safe HTML with anchors.

The study guide and the help guide are both folders of such files, edited by people who do not
program; a file's first line ``# Rubrik`` is its title and its name gives its address.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup, escape

from kick_forms.templating import render_markdown

_NUMBERED = re.compile(r"^(\d+)[-_. ]*(.*)$")
_TITLE = re.compile(r"^#(?!#)\s*(.+?)\s*#*\s*$")
_HEADING = re.compile(r"<h([234])>(.*?)</h\1>", re.DOTALL)
_HREF = re.compile(r'href="([^"]*)"')


@dataclass(frozen=True)
class Text:
    """One Markdown file: its address, title, place in the order, first paragraph and body."""

    slug: str
    title: str
    order: int
    summary: str
    body: str


@dataclass(frozen=True)
class Heading:
    anchor: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: Markup
    headings: list[Heading]


def slugify(value: str) -> str:
    """Lower-case ASCII words and hyphens: "Vad är kulturpolitik?" → "vad-ar-kulturpolitik"."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def render(
    text: Text, *, top_level: int = 2, anchor_prefix: str = "", base_url: str | None = None
) -> Rendered:
    """A text's body as safe HTML, its headings starting at ``top_level`` and given anchors.

    ``render_markdown`` sanitises and moves every heading one level down; here the file's
    ``##`` becomes ``top_level`` and ``###`` the level below it, and each gets an ``id`` made of
    ASCII letters, digits and hyphens only. With ``base_url``, links become absolute, for paper.
    """
    clean = str(render_markdown(text.body))
    headings: list[Heading] = []
    used: set[str] = set()

    def rebase(match: re.Match[str]) -> str:
        level = top_level if match.group(1) in ("2", "3") else top_level + 1
        inner = match.group(2)
        label = Markup(inner).striptags()  # noqa: S704  inner is nh3's output
        anchor = _unique(f"{anchor_prefix}{slugify(label) or 'del'}", used)
        if level == top_level:
            headings.append(Heading(anchor, label))
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    rebased = _HEADING.sub(rebase, clean)
    if base_url is not None:
        rebased = _HREF.sub(lambda match: _absolute(match, base_url), rebased)
    return Rendered(Markup(rebased), headings)  # noqa: S704  built from sanitised HTML


def _absolute(match: re.Match[str], base_url: str) -> str:
    href = html.unescape(match.group(1))
    if href.startswith("#") or urlsplit(href).scheme:
        return match.group(0)
    return f'href="{escape(urljoin(base_url, href))}"'


def _unique(anchor: str, used: set[str]) -> str:
    candidate, number = anchor, 2
    while candidate in used:
        candidate, number = f"{anchor}-{number}", number + 1
    used.add(candidate)
    return candidate


def read(path: Path) -> Text:
    stat = path.stat()
    return _parse(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parse(path_name: str, _mtime_ns: int, _size: int) -> Text:
    """Parsed once per version of the file: an edited file has a new time and is read again."""
    path = Path(path_name)
    source = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    numbered = _NUMBERED.match(path.stem)
    order = int(numbered.group(1)) if numbered else 10_000
    slug = slugify(numbered.group(2) if numbered else path.stem) or path.stem
    lines = source.lstrip("\ufeff").strip("\n").split("\n")
    title_match = _TITLE.match(lines[0]) if lines else None
    if title_match:
        title, body = title_match.group(1), "\n".join(lines[1:]).strip("\n")
    else:
        title, body = slug.replace("-", " ").capitalize(), "\n".join(lines)
    return Text(slug=slug, title=title, order=order, summary=_first_paragraph(body), body=body)


def _first_paragraph(body: str) -> str:
    """The first paragraph as plain text, for the list of sessions."""
    for block in re.split(r"\n\s*\n", body):
        stripped = block.strip()
        if stripped and not stripped.startswith(("#", "-", "*", "1.", ">")):
            return render_markdown(stripped).striptags()
    return ""
