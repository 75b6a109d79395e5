"""The help guide's pages: Markdown files in ``content/<language>/<group>/``.

A file's name gives its place and its address (``region/02-bygg-samradet.md`` is the second
page for the region's staff, at ``/hjalp/bygg-samradet``, in every language); its first line
``# Rubrik`` its title. Two marks of the guide's own, explained for editors in
``content/README.md``:

* ``<!-- sidor: consultations.builder consultations.consultation_settings -->`` under a ``##``
  heading names the pages the section describes: their "Hjälp" link leads to that section, and
  the labels it quotes must be on one of them (a test checks).
* ``{{Spara inställningarna}}`` quotes a button, link or field label, shown in bold.
* ``![What the picture shows](bild:bygget)`` is a screenshot in ``static/help/<language>/``,
  taken by ``make help-screenshots``.
"""

from __future__ import annotations

import re
import struct
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for
from markupsafe import Markup, escape

from kick_forms.i18n import current_locale
from kick_forms.markdown_pages import Text, read, render

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGES = ("sv", "en")
GROUPS = ("region", "organisation")
SCREENSHOT_DIR = "help"  # under the static folder, one folder per language

_SECTION = re.compile(r"^## ", re.MULTILINE)
_PAGES = re.compile(r"<!--\s*sidor:\s*(.*?)\s*-->", re.DOTALL)
_LABEL = re.compile(r"\{\{(.+?)\}\}")
_IMAGE = re.compile(r"^!\[([^\]]+)\]\(bild:([a-z0-9-]+)\)[ \t]*$", re.MULTILINE)
_IMAGE_MARK = re.compile(r"<p>KICKBILD(\d+)</p>")


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    endpoints: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Picture:
    name: str
    alt: str


@dataclass(frozen=True)
class Page:
    group: str
    language: str
    text: Text
    html: Markup
    sections: tuple[Section, ...]
    pictures: tuple[Picture, ...]

    @property
    def slug(self) -> str:
        return self.text.slug


def language() -> str:
    """The guide's language for this request: the interface's, or Swedish."""
    locale = current_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "sv"


def pages(lang: str | None = None) -> list[Page]:
    """Every page in one language, the region's first, each group in its files' order."""
    lang = lang or language()
    found = []
    for group in GROUPS:
        folder = CONTENT_DIR / lang / group
        for path in sorted(folder.glob("*.md")):
            stat = path.stat()
            found.append(_page(str(path), stat.st_mtime_ns, group, lang))
    return sorted(found, key=lambda page: (GROUPS.index(page.group), page.text.order))


def page(slug: str, lang: str | None = None) -> Page | None:
    return next((found for found in pages(lang) if found.slug == slug), None)


def section_for(endpoint: str | None, lang: str | None = None) -> tuple[Page, Section] | None:
    """The section of the guide that describes the page of this endpoint."""
    if endpoint is None:
        return None
    return _by_endpoint(lang or language(), _signature(lang or language())).get(endpoint)


def help_url(endpoint: str | None) -> str | None:
    found = section_for(endpoint)
    if found is None:
        return None
    found_page, section = found
    return url_for("help.page", slug=found_page.slug, _anchor=section.anchor)


def _signature(lang: str) -> tuple[tuple[str, int], ...]:
    """The files of a language and their versions: the endpoint map is rebuilt when one changes.

    Every page asks (for its Hjälp link), so the folder is looked at once a second at most."""
    now = time.monotonic()
    seen = _signatures.get(lang)
    if seen is None or now - seen[0] > SIGNATURE_SECONDS:
        folder = CONTENT_DIR / lang
        files = tuple((str(path), path.stat().st_mtime_ns) for path in sorted(folder.rglob("*.md")))
        seen = _signatures[lang] = (now, files)
    return seen[1]


SIGNATURE_SECONDS = 1.0
_signatures: dict[str, tuple[float, tuple[tuple[str, int], ...]]] = {}


@lru_cache(maxsize=4)
def _by_endpoint(lang: str, _signature: tuple[tuple[str, int], ...]) -> dict:  # type: ignore[type-arg]
    mapping: dict[str, tuple[Page, Section]] = {}
    for found in pages(lang):
        for section in found.sections:
            for endpoint in section.endpoints:
                mapping.setdefault(endpoint, (found, section))
    return mapping


@lru_cache(maxsize=128)
def _page(path_name: str, _mtime_ns: int, group: str, lang: str) -> Page:
    """A page read and drawn once per version of its file."""
    text = read(Path(path_name))
    pictures = tuple(Picture(name, alt) for alt, name in _IMAGE.findall(text.body))
    counter = iter(range(len(pictures)))
    body = _IMAGE.sub(lambda _match: f"KICKBILD{next(counter)}", text.body)
    drawn = render(Text(text.slug, text.title, text.order, text.summary, body))
    html = _LABEL.sub(r'<strong class="ui-label">\1</strong>', str(drawn.html))
    html = _IMAGE_MARK.sub(lambda match: _figure(pictures[int(match.group(1))], lang), html)
    # The sections in the order of their headings, which ``render`` numbered the same way.
    blocks = _SECTION.split(body)[1:]
    sections = tuple(
        Section(
            heading.anchor,
            heading.text,
            tuple(" ".join(_PAGES.findall(block)).split()),
            tuple(label.strip() for label in _LABEL.findall(block)),
        )
        for heading, block in zip(drawn.headings, blocks, strict=True)
    )
    return Page(group, lang, text, Markup(html), sections, pictures)  # noqa: S704  sanitised


def picture_path(name: str, lang: str) -> Path:
    return Path(current_app.static_folder or "") / SCREENSHOT_DIR / lang / f"{name}.png"


def _figure(picture: Picture, lang: str) -> str:
    size = _png_size(picture_path(picture.name, lang))
    dimensions = f' width="{size[0]}" height="{size[1]}"' if size else ""
    source = url_for("static", filename=f"{SCREENSHOT_DIR}/{lang}/{picture.name}.png")
    return (
        f'<figure class="help-picture"><img src="{source}" alt="{escape(picture.alt)}"'
        f'{dimensions} loading="lazy"></figure>'
    )


def _png_size(path: Path) -> tuple[int, int] | None:
    """A PNG's width and height from its header, so that the page does not jump as it loads."""
    try:
        with path.open("rb") as file:
            header = file.read(24)
    except OSError:
        return None
    if len(header) < 24 or header[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", header[16:24])
