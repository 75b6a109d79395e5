"""The draft plan's text: read from Markdown, DOCX or ODT into chapters of paragraphs, and kept
as a consultation's PlanChapter and PlanParagraph rows.

Top-level headings start chapters; lower headings become unnumbered subheadings; a run of list
items is one paragraph of kind "list", its text one item a line, each "- item" or "1. item".
Text before the first heading goes into a first chapter named after the document's title, or
"Inledning". Paragraph numbers count only what can be commented on (paragraphs and lists), so
"2.3" is the third of them in chapter 2.

Other areas use ``parse_markdown``, ``parse_document``, ``replace`` and ``delete``; Markdown is
also how staff edit the text (``to_markdown``), so parsing what ``to_markdown`` wrote gives the
same chapters back.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import docx
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from odf import teletype
from odf.namespaces import STYLENS, TABLENS, TEXTNS
from odf.opendocument import load as load_odf
from odf.table import TableRow
from odf.text import ListStyle

from kick_forms import archives
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Consultation, ConsultationStatus, PlanChapter, PlanParagraph
from kick_forms.models.plan import CHAPTER_TITLE_MAX, PARAGRAPH_MAX
from kick_forms.refusal import Refused
from kick_forms.responses.attachments import DOCX, ODT, detect_type

KINDS = ("paragraph", "heading", "list")
COMMENTABLE = ("paragraph", "list")
# A regional cultural plan runs to some 50 pages: a few hundred paragraphs. Ten times that is
# still a plan; more is a mistake (the wrong file) or an attempt to fill the database.
MAX_PARAGRAPHS = 3000
MAX_CHAPTERS = 300
MAX_MARKDOWN_CHARS = 2_000_000
# The plan's own limits for the archive: a text with pictures fits; a zip bomb does not.
PLAN_LIMITS = archives.Limits(members=2000, total_bytes=100_000_000, member_bytes=50_000_000)
DEFAULT_TITLE = "Inledning"


class PlanTextError(Refused):
    """A text refused, with a message for the member of staff."""


class PlanFrozen(PlanTextError):
    """The consultation is no longer a draft: the numbers people cite must not move."""


@dataclass(frozen=True)
class Block:
    """One paragraph, subheading or list of a chapter, before it is stored."""

    kind: str
    text: str


@dataclass
class Chapter:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def numbered(self) -> list[tuple[int | None, Block]]:
        """Each block with its number in the chapter (None for a subheading)."""
        result: list[tuple[int | None, Block]] = []
        number = 0
        for block in self.blocks:
            if block.kind in COMMENTABLE:
                number += 1
                result.append((number, block))
            else:
                result.append((None, block))
        return result


# Reading Markdown ----------------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+(.*)$")
_ORDERED = re.compile(r"^ {0,3}(\d{1,9})[.)][ \t]+(.*)$")
_NESTED_ITEM = re.compile(r"^[ \t]+(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_SETEXT_1 = re.compile(r"^ {0,3}=+[ \t]*$")
_SETEXT_2 = re.compile(r"^ {0,3}-+[ \t]*$")
_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
# What would read as a heading or a list item at the start of a paragraph's text.
_MARKER = re.compile(
    r"^(?:#{1,6}(?:[ \t]|$)|[-*+][ \t]|\d{1,9}[.)][ \t]|=+[ \t]*$|(?:[-*_][ \t]*){3,}$|>|\\)"
)
# A closing sequence of "#" that ATX headings may end with.
_CLOSING_HASHES = re.compile(r"(?:^|[ \t])#+$")


def _unescape(line: str) -> str:
    """A paragraph line that ``to_markdown`` escaped, back as written."""
    return line[1:] if line.startswith("\\") and _MARKER.match(line[1:]) else line


def _heading_line(level: int, text: str) -> str:
    marks = "#" * level
    return f"{marks} {text} {marks}" if _CLOSING_HASHES.search(text) else f"{marks} {text}"


class _Builder:
    """Collects blocks into chapters while a parser walks a document."""

    def __init__(self, document_title: str = "") -> None:
        self.document_title = " ".join(document_title.split())
        self.chapters: list[Chapter] = []
        self.items: list[str] = []
        self.ordered = False
        self.start = 1

    def chapter(self, title: str) -> None:
        self.end_list()
        self.chapters.append(Chapter(" ".join(title.split())))

    def add(self, kind: str, text: str) -> None:
        self.end_list()
        text = " ".join(text.split())
        if not text:
            return
        if not self.chapters:
            self.chapters.append(Chapter(self.document_title or DEFAULT_TITLE))
        self.chapters[-1].blocks.append(Block(kind, text))

    def item(self, text: str, ordered: bool, start: int = 1) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if not self.items:
            self.ordered, self.start = ordered, start
        self.items.append(text)

    def continue_item(self, text: str) -> None:
        self.items[-1] = " ".join(f"{self.items[-1]} {text}".split())

    def end_list(self) -> None:
        if not self.items:
            return
        items, self.items = self.items, []
        if self.ordered:
            lines = [f"{self.start + index}. {item}" for index, item in enumerate(items)]
        else:
            lines = [f"- {item}" for item in items]
        if not self.chapters:
            self.chapters.append(Chapter(self.document_title or DEFAULT_TITLE))
        self.chapters[-1].blocks.append(Block("list", "\n".join(lines)))

    def result(self) -> list[Chapter]:
        self.end_list()
        return self.chapters


def parse_markdown(text: str) -> list[Chapter]:
    """Chapters from Markdown: "#" starts a chapter, "##" and below are subheadings, a run of
    "-", "*", "+" or "1." lines is a list, and blank lines end paragraphs. Inline marks
    (**bold**, links) stay as written. Raises PlanTextError for an empty or oversized text."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise PlanTextError(
            _l("The text is longer than %(count)d characters.", count=MAX_MARKDOWN_CHARS)
        )
    builder = _Builder()
    lines: list[str] = []  # the paragraph being read

    def end_paragraph() -> None:
        if lines:
            builder.add("paragraph", " ".join(_unescape(line.strip()) for line in lines))
            lines.clear()

    for raw in text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            end_paragraph()
            builder.end_list()
            continue
        if heading := _ATX.match(line):
            end_paragraph()
            level, title = len(heading.group(1)), heading.group(2) or ""
            if level == 1:
                builder.chapter(title)
            else:
                builder.add("heading", title)
            continue
        if lines and len(lines) == 1 and _SETEXT_1.match(line):
            title = _unescape(lines.pop().strip())
            builder.chapter(title)
            continue
        if lines and len(lines) == 1 and _SETEXT_2.match(line):
            builder.add("heading", _unescape(lines.pop().strip()))
            continue
        if _BREAK.match(line):
            end_paragraph()
            builder.end_list()
            continue
        bullet, ordered = _BULLET.match(line), _ORDERED.match(line)
        if bullet or (ordered and (not lines or ordered.group(1) == "1")):
            end_paragraph()
            if bullet:
                builder.item(bullet.group(1), ordered=False)
            else:
                assert ordered is not None
                builder.item(ordered.group(2), ordered=True, start=int(ordered.group(1)))
            continue
        if builder.items and not lines:
            nested = _NESTED_ITEM.match(line)
            if nested:
                builder.item(nested.group(1), ordered=builder.ordered)
            else:
                builder.continue_item(line)
            continue
        line = line.strip()
        lines.append(line[2:] if line.startswith("> ") else line)
    end_paragraph()
    return check(builder.result())


def to_markdown(chapters: list[Chapter]) -> str:
    """The chapters as Markdown that ``parse_markdown`` reads back into the same chapters."""
    parts: list[str] = []
    for chapter in chapters:
        parts.append(_heading_line(1, chapter.title))
        for block in chapter.blocks:
            if block.kind == "heading":
                parts.append(_heading_line(2, block.text))
            elif block.kind == "list":
                parts.append(block.text)
            else:
                parts.append(f"\\{block.text}" if _MARKER.match(block.text) else block.text)
    return "\n\n".join(parts) + "\n" if parts else ""


def chapters_of(consultation: Consultation) -> list[Chapter]:
    """The consultation's stored text, as chapters to show, edit or copy."""
    return [
        Chapter(
            chapter.title,
            [Block(paragraph.kind, paragraph.text) for paragraph in chapter.paragraphs],
        )
        for chapter in consultation.chapters
    ]


def list_items(text: str) -> tuple[bool, list[str]]:
    """A list paragraph's items, and whether the list is numbered."""
    items = []
    ordered = False
    for line in text.split("\n"):
        if found := _ORDERED.match(line):
            ordered = True
            items.append(found.group(2))
        elif found := _BULLET.match(line):
            items.append(found.group(1))
        elif line.strip():
            items.append(line.strip())
    return ordered, items


# Reading DOCX and ODT ------------------------------------------------------------------------


def parse_document(data: bytes) -> list[Chapter]:
    """Chapters from an uploaded DOCX or ODT file, judged by its content; PlanTextError saying
    what is wrong with it (not such a file, damaged, a zip bomb, empty, too long)."""
    if not data:
        raise PlanTextError(_l("The file is empty."))
    try:
        with archives.open_archive(data, PLAN_LIMITS):
            pass
        content_type = detect_type(data)
    except archives.ArchiveError as refused:
        raise PlanTextError(refused.message) from None
    except zipfile.BadZipFile:
        content_type = None
    if content_type not in (DOCX, ODT):
        raise PlanTextError(
            _l("The file must be a Word (DOCX) or OpenDocument (ODT) text document.")
        )
    try:
        builder = _read_docx(data) if content_type == DOCX else _read_odt(data)
    except PlanTextError:
        raise
    except Exception:  # noqa: BLE001  the readers raise anything on a damaged file
        raise PlanTextError(_damaged()) from None
    return check(builder.result())


def _damaged() -> Any:
    return _l(
        "The file could not be read: it is damaged. Save it again from the program it was"
        " made in, or paste the text instead."
    )


_HEADING_STYLE = re.compile(r"^(?:heading|rubrik|überschrift|otsikko|overskrift)\s*(\d)$")
_TITLE_STYLES = {"title", "rubrik", "titel", "otsikko"}


def _docx_level(paragraph: Paragraph) -> int | None:
    """The paragraph's heading level (1 for a chapter), from its style or its outline level."""
    style = paragraph.style
    while style is not None:
        for name in (style.name or "", style.style_id or ""):
            if found := _HEADING_STYLE.match(name.strip().lower()):
                return int(found.group(1))
        outline = style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if outline is not None and (level := outline.get(qn("w:val"), "")).isdigit():
            return int(level) + 1 if int(level) < 9 else None
        style = style.base_style
    outline = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is not None and (level := outline.get(qn("w:val"), "")).isdigit():
        return int(level) + 1 if int(level) < 9 else None
    return None


def _docx_is_title(paragraph: Paragraph) -> bool:
    name = (paragraph.style.name or "").strip().lower() if paragraph.style else ""
    return name in _TITLE_STYLES


def _docx_list(paragraph: Paragraph, formats: dict[str, str]) -> bool | None:
    """None for an ordinary paragraph; True for a numbered list item, False for a bullet."""
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    style = (paragraph.style.name or "").lower() if paragraph.style else ""
    if numbering is not None and numbering.numId is not None:
        if numbering.numId.val == 0:  # numbering switched off for this paragraph
            return None
        return formats.get(str(numbering.numId.val), "bullet") != "bullet"
    if style.startswith(("list number", "listnummer")):
        return True
    if style.startswith(("list bullet", "list paragraph", "punktlista", "liststycke")):
        return False
    return None


def _docx_formats(document: Any) -> dict[str, str]:
    """Each numbering id's format at the first level: "bullet", "decimal", ..."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract = {}
    for node in numbering.findall(qn("w:abstractNum")):
        level = node.find(qn("w:lvl"))
        found = level.find(qn("w:numFmt")) if level is not None else None
        abstract[node.get(qn("w:abstractNumId"))] = (
            found.get(qn("w:val"), "bullet") if found is not None else "bullet"
        )
    formats = {}
    for node in numbering.findall(qn("w:num")):
        link = node.find(qn("w:abstractNumId"))
        if link is not None:
            formats[node.get(qn("w:numId"))] = abstract.get(link.get(qn("w:val")), "bullet")
    return formats


def _read_docx(data: bytes) -> _Builder:
    document = docx.Document(io.BytesIO(data))
    builder = _Builder(document.core_properties.title or "")
    formats = _docx_formats(document)
    for part in document.iter_inner_content():
        if isinstance(part, Table):
            _table(builder, [[cell.text for cell in row.cells] for row in part.rows])
            continue
        text = part.text
        if _docx_is_title(part) and not builder.chapters:
            builder.document_title = " ".join(text.split()) or builder.document_title
            continue
        level = _docx_level(part)
        if level == 1 and text.strip():
            builder.chapter(text)
        elif level is not None:
            builder.add("heading", text)
        elif (ordered := _docx_list(part, formats)) is not None:
            builder.item(text, ordered)
        else:
            builder.add("paragraph", text)
    return builder


def _table(builder: _Builder, rows: list[list[str]]) -> None:
    """A table as a list, one item a row, its cells apart by " | "; merged cells once."""
    builder.end_list()
    for row in rows:
        cells: list[str] = []
        for cell in row:
            cell = " ".join(cell.split())
            if cell and (not cells or cells[-1] != cell):
                cells.append(cell)
        builder.item(" | ".join(cells), ordered=False)
    builder.end_list()


def _read_odt(data: bytes) -> _Builder:
    with archives.open_archive(data, PLAN_LIMITS) as archive:
        for name in ("content.xml", "meta.xml", "styles.xml"):
            if name in archive.namelist():
                _check_xml(archives.read_member(archive, name, PLAN_LIMITS.member_bytes))
    document = load_odf(io.BytesIO(data))
    title = ""
    for node in document.meta.childNodes:
        if node.qname == ("http://purl.org/dc/elements/1.1/", "title"):
            title = teletype.extractText(node)
    builder = _Builder(title)
    _walk_odt(builder, document.text, _odt_list_styles(document))
    return builder


def _check_xml(part: bytes) -> None:
    """ODF parts are plain XML: one with a document type could declare entities that expand
    without end, and a malformed one odfpy would print and skip. Refuse both (defusedxml
    comes with odfpy, which parses with it too)."""
    try:
        SafeElementTree.fromstring(part, forbid_dtd=True)
    except (SafeElementTree.ParseError, DefusedXmlException):
        raise PlanTextError(_damaged()) from None


def _odt_list_styles(document: Any) -> dict[str, bool]:
    """Each list style's name, and whether its first level is numbered (not bulleted)."""
    styles: dict[str, bool] = {}
    for container in (document.styles, document.automaticstyles):
        for style in container.getElementsByType(ListStyle):
            levels = [node for node in style.childNodes if node.qname[0] == TEXTNS]
            if levels:
                styles[str(style.getAttrNS(STYLENS, "name"))] = (
                    levels[0].qname[1] == "list-level-style-number"
                )
    return styles


def _walk_odt(builder: _Builder, parent: Any, list_styles: dict[str, bool]) -> None:
    for node in parent.childNodes:
        name = node.qname
        if name == (TEXTNS, "h"):
            level = node.getAttrNS(TEXTNS, "outline-level")
            text = teletype.extractText(node)
            if str(level or "1") == "1" and text.strip():
                builder.chapter(text)
            else:
                builder.add("heading", text)
        elif name == (TEXTNS, "p"):
            builder.add("paragraph", teletype.extractText(node))
        elif name == (TEXTNS, "list"):
            builder.end_list()
            style = str(node.getAttrNS(TEXTNS, "style-name") or "")
            _odt_list(builder, node, list_styles.get(style, False))
            builder.end_list()
        elif name == (TABLENS, "table"):
            rows = [
                [teletype.extractText(cell) for cell in row.childNodes]
                for row in node.getElementsByType(TableRow)
            ]
            _table(builder, rows)
        elif name == (TEXTNS, "section"):
            _walk_odt(builder, node, list_styles)


def _odt_list(builder: _Builder, node: Any, ordered: bool) -> None:
    """A list's items, nested ones too, in order (a nested list is read as its parent is)."""
    for item in node.childNodes:
        for part in getattr(item, "childNodes", []):
            if part.qname == (TEXTNS, "list"):
                _odt_list(builder, part, ordered)
            elif part.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                builder.item(teletype.extractText(part), ordered)


# Checking and keeping ------------------------------------------------------------------------


def check(chapters: list[Chapter]) -> list[Chapter]:
    """The chapters if they are a plan's text within the limits; PlanTextError otherwise."""
    blocks = sum(len(chapter.blocks) for chapter in chapters)
    if not any(block.kind in COMMENTABLE for chapter in chapters for block in chapter.blocks):
        raise PlanTextError(
            _l("The text has no paragraphs. Paste the plan's text or choose a file that has it.")
        )
    if blocks > MAX_PARAGRAPHS:
        raise PlanTextError(
            _l("The text has more than %(count)d paragraphs. Import the plan in parts, or"
               " leave out its annexes.", count=MAX_PARAGRAPHS)
        )  # fmt: skip
    if len(chapters) > MAX_CHAPTERS:
        raise PlanTextError(
            _l("The text has more than %(count)d chapters. Use top-level headings for"
               " chapters only.", count=MAX_CHAPTERS)
        )  # fmt: skip
    for number, chapter in enumerate(chapters, start=1):
        if not chapter.title:
            raise PlanTextError(_l("Chapter %(number)d has no title.", number=number))
        if len(chapter.title) > CHAPTER_TITLE_MAX:
            raise PlanTextError(
                _l("The title of chapter %(number)d is longer than %(count)d characters.",
                   number=number, count=CHAPTER_TITLE_MAX)
            )  # fmt: skip
        for paragraph, block in chapter.numbered():
            if block.kind not in KINDS:
                raise PlanTextError(_damaged())
            if len(block.text) > PARAGRAPH_MAX:
                raise PlanTextError(
                    _l("Paragraph %(label)s is longer than %(count)d characters. Split it.",
                       label=f"{number}.{paragraph}" if paragraph else number,
                       count=PARAGRAPH_MAX)
                )  # fmt: skip
    return chapters


def require_draft(consultation: Consultation) -> None:
    """Raise PlanFrozen unless the consultation is a draft."""
    if consultation.status != ConsultationStatus.DRAFT:
        raise PlanFrozen(
            _l(
                "The plan's text can no longer be changed: the consultation has been opened,"
                " and organisations cite its paragraphs by their numbers."
            )
        )


def rows(chapters: list[Chapter]) -> list[PlanChapter]:
    """The chapters as rows, numbered as they would be stored, not in any session: what a
    preview shows with the same template as the stored text."""
    result = []
    for position, chapter in enumerate(chapters):
        row = PlanChapter(title=chapter.title, position=position)
        for number, block in chapter.numbered():
            row.paragraphs.append(PlanParagraph(kind=block.kind, number=number, text=block.text))
        result.append(row)
    return result


def replace(consultation: Consultation, chapters: list[Chapter]) -> list[PlanChapter]:
    """Make ``chapters`` the consultation's plan text, in place of any before; only in draft.
    Flushes, never commits."""
    require_draft(consultation)
    check(chapters)
    delete(consultation)
    stored = rows(chapters)
    consultation.chapters.extend(stored)
    db.session.flush()
    return stored


def delete(consultation: Consultation) -> None:
    """Take the plan's text away; only in draft. Flushes, never commits."""
    require_draft(consultation)
    consultation.chapters.clear()
    db.session.flush()


def counts(chapters: list[Chapter]) -> tuple[int, int]:
    """How many chapters, and how many paragraphs that can be commented on."""
    paragraphs = sum(
        1 for chapter in chapters for block in chapter.blocks if block.kind in COMMENTABLE
    )
    return len(chapters), paragraphs
