"""Importing a register from the spreadsheets regions actually keep.

A file is read into a header and rows whatever it is: XLSX (the sheet and header row that look
most like a register, merged title cells and extra sheets ignored) or CSV in UTF-8 or
Windows-1252, with or without BOM, separated by commas, semicolons or tabs. Columns are mapped
to fields by their Swedish or English headers, and staff may change the mapping. Every row is
then judged on its own (``judge``) and the import is all or nothing (``import_rows``): nothing
is written while a row is refused, unless staff chose to leave the refused rows out.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from kick_forms import archives
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.i18n import lazy_ngettext
from kick_forms.incoming import clean_text
from kick_forms.models import Municipality, Region
from kick_forms.models.organisation import NAME_MAX, Organisation, RegisterEntry
from kick_forms.organisations import services as register
from kick_forms.refusal import Refused
from kick_forms.responses.orgnr import PersonalNumberError, normalise_organisation_number

MAX_ROWS = 20_000
MAX_BYTES = 5_000_000
HEADER_SEARCH_ROWS = 15
# A register of 20 000 rows unpacks to about 10 MB; openpyxl keeps the shared strings in memory.
XLSX_LIMITS = archives.Limits(members=1000, total_bytes=100_000_000, member_bytes=50_000_000)
# What openpyxl raises on a damaged workbook: its XML parser's errors are SyntaxErrors, and its
# readers fail with TypeError or ValueError on values of the wrong kind, also while rows are read.
_UNREADABLE_WORKBOOK = (
    zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError, OSError, EOFError, SyntaxError,
)  # fmt: skip

FIELDS = ("name", "organisation_number", "municipality", "categories", "website", "description")
FIELD_LABELS = {
    "name": _l("Name"),
    "organisation_number": _l("Organisation number"),
    "municipality": _l("Municipality"),
    "categories": _l("Kind of organisation"),
    "website": _l("Website"),
    "description": _l("Description"),
}
# Headers as regions write them, lower case without punctuation.
_ALIASES = {
    "name": {"namn", "föreningens namn", "föreningsnamn", "förening", "organisation",
             "organisationens namn", "organisationsnamn", "name", "organisation name"},
    "organisation_number": {"organisationsnummer", "orgnr", "org nr", "orgnummer",
                            "organisationsnr", "organisation number", "org number"},
    "municipality": {"kommun", "hemkommun", "municipality", "kommunnamn", "kommunkod"},
    "categories": {"kategori", "kategorier", "typ", "typ av förening", "verksamhet",
                   "organisationstyp", "typ av organisation", "category", "categories", "kind",
                   "kind of organisation"},
    "website": {"webbplats", "hemsida", "webb", "webbadress", "website", "url"},
    "description": {"beskrivning", "om föreningen", "description"},
}  # fmt: skip


class ImportFileError(Refused):
    """A file that cannot be read as a table, with a message for staff."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]  # each row's number in the file, as staff see it in their program


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Control characters would fail the whole import on PostgreSQL (NUL) or hide in the text.
    return " ".join(clean_text(str(value)).split())


def _header_key(text: str) -> str:
    return re.sub(r"[^\w ]", " ", text.casefold()).strip().replace("  ", " ")


def _score(row: list[str]) -> int:
    """How many cells of a row are headers we know."""
    keys = {_header_key(cell) for cell in row if cell}
    return sum(1 for aliases in _ALIASES.values() if keys & aliases)


def read_table(data: bytes) -> Table:
    """The file as a header and rows of text, or ImportFileError saying why not."""
    if not data.strip():
        raise ImportFileError(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_l("The file is larger than 5 MB. Split it, or save it as CSV."))
    grid = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    return _with_header(grid)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = ImportFileError(_l("The file could not be read as an Excel workbook."))
    # openpyxl reads some members whole and trusts their headers: the archive is judged first.
    try:
        archives.check_archive(data, XLSX_LIMITS)
    except archives.ArchiveError as refused:
        raise ImportFileError(refused.message) from None
    except zipfile.BadZipFile:
        raise unreadable from None
    best: list[list[str]] = []
    best_score = -1
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in workbook.worksheets:
            grid = [
                [_clean(cell) for cell in row]
                for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS)
            ]
            score = max((_score(row) for row in grid[:HEADER_SEARCH_ROWS]), default=0)
            if score > best_score:
                best, best_score = grid, score
        workbook.close()
    except _UNREADABLE_WORKBOOK:
        raise unreadable from None
    return best


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = max(";,\t", key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [[_clean(cell) for cell in row] for row in reader]
    except csv.Error:
        raise ImportFileError(_l("The file could not be read as CSV.")) from None


def _with_header(grid: list[list[str]]) -> Table:
    """The header is the row among the first that names most known columns, else the first row
    with two values or more (a title above it, merged across the columns, is skipped)."""
    candidates = grid[:HEADER_SEARCH_ROWS]
    scored = [(score, index) for index, row in enumerate(candidates) if (score := _score(row))]
    if scored:
        index = max(scored, key=lambda pair: (pair[0], -pair[1]))[1]
    else:
        index = next((i for i, row in enumerate(candidates) if sum(map(bool, row)) >= 2), None)
        if index is None:
            raise ImportFileError(_l("No row in the file looks like a header."))
    width = max(len(row) for row in grid[index:]) if grid[index:] else 0
    headers = (grid[index] + [""] * width)[:width]
    kept = [
        (number, (row + [""] * width)[:width])
        for number, row in enumerate(grid[index + 1 :], start=index + 2)
        if any(cell for cell in row)
    ]
    if len(kept) > MAX_ROWS:
        raise ImportFileError(_l("The file has more than 20 000 rows."))
    return Table(headers, [row for _, row in kept], [number for number, _ in kept])


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """For each field, the column whose header names it, if any."""
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    for column, header in enumerate(headers):
        key = _header_key(header)
        for name, aliases in _ALIASES.items():
            if key in aliases and mapping[name] is None:
                mapping[name] = column
    return mapping


@dataclass
class JudgedRow:
    number: int  # as in the file
    values: dict[str, str]
    problems: list[Any] = field(default_factory=list)
    data: register.OrganisationData | None = None
    existing: Organisation | None = None  # listed elsewhere: this row adds it to the region

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def judge(region: Region, table: Table, mapping: dict[str, int | None]) -> list[JudgedRow]:
    """Every row with what it would become, or why it cannot be imported."""
    municipalities = _municipality_lookup()
    categories = _category_lookup()
    registered_numbers, registered_names = _registered_keys(region)
    seen_numbers: dict[str, int] = {}
    seen_names: dict[tuple[str, str | None], int] = {}
    judged = []
    for number, row in zip(table.numbers, table.rows, strict=True):
        values = {
            name: row[column] if column is not None and column < len(row) else ""
            for name, column in mapping.items()
        }
        judged.append(
            _judge_row(
                number, values, municipalities, categories,
                registered_numbers, registered_names, seen_numbers, seen_names,
            )
        )  # fmt: skip
    return judged


def _judge_row(  # noqa: PLR0913  (the lookups are built once per file)
    number: int,
    values: dict[str, str],
    municipalities: dict[str, str],
    categories: dict[str, str],
    registered_numbers: set[str],
    registered_names: set[tuple[str, str | None]],
    seen_numbers: dict[str, int],
    seen_names: dict[tuple[str, str | None], int],
) -> JudgedRow:
    judged = JudgedRow(number, values)
    problems = judged.problems
    name = values.get("name", "")
    if not name:
        problems.append(_l("The name is missing."))
    elif len(name) > NAME_MAX:
        problems.append(_l("The name is longer than %(max)d characters.", max=NAME_MAX))
    organisation_number = None
    if values.get("organisation_number"):
        try:
            organisation_number = normalise_organisation_number(values["organisation_number"])
        except PersonalNumberError:
            # Personal data: not shown back in the preview, and not kept once imported.
            values["organisation_number"] = "••••••-••••"
            problems.append(
                _l("The organisation number is a personal identity number; it is not imported.")
            )
        except ValueError:
            problems.append(
                _l("“%(number)s” is not a valid organisation number.",
                   number=values["organisation_number"])
            )  # fmt: skip
    municipality = None
    if values.get("municipality"):
        municipality = municipalities.get(values["municipality"].casefold())
        if municipality is None:
            problems.append(_l("Unknown municipality “%(name)s”.", name=values["municipality"]))
    category_keys = []
    for part in _category_names(values.get("categories", ""), categories):
        key = categories.get(part.casefold())
        if key is None:
            problems.append(_l("Unknown kind of organisation “%(name)s”.", name=part))
        elif key not in category_keys:
            category_keys.append(key)
    name_key = (" ".join(name.split()).casefold(), municipality)
    if organisation_number and organisation_number in seen_numbers:
        problems.append(
            _l("Same organisation number as row %(row)d.", row=seen_numbers[organisation_number])
        )
    elif organisation_number and organisation_number in registered_numbers:
        problems.append(_l("Already in the register (same organisation number)."))
    elif name and name_key in seen_names:
        problems.append(_l("Same name and municipality as row %(row)d.", row=seen_names[name_key]))
    elif name and name_key in registered_names:
        problems.append(_l("Already in the register (same name and municipality)."))
    if organisation_number:
        seen_numbers.setdefault(organisation_number, number)
    if name:
        seen_names.setdefault(name_key, number)
    if not problems:
        judged.data = register.OrganisationData(
            name=name,
            organisation_number=organisation_number,
            municipality_code=municipality,
            category_keys=category_keys,
            website=values.get("website") or None,
            description=values.get("description", "")[:1000],
        )
    return judged


def _category_names(text: str, categories: dict[str, str]) -> list[str]:
    """The kinds named in one cell: separated by semicolons or slashes, or by commas where
    the kind's own name has none ("Folkdans, spelmanslag och folkmusik" is one kind)."""
    names = []
    for part in re.split(r"[;/|]", text):
        part = part.strip()
        if not part:
            continue
        if part.casefold() in categories or "," not in part:
            names.append(part)
        else:
            names += [piece.strip() for piece in part.split(",") if piece.strip()]
    return names


def _municipality_lookup() -> dict[str, str]:
    lookup = {}
    for municipality in db.session.scalars(select(Municipality)):
        lookup[municipality.code] = municipality.code
        lookup[municipality.name.casefold()] = municipality.code
        lookup[f"{municipality.name} kommun".casefold()] = municipality.code
    return lookup


def _category_lookup() -> dict[str, str]:
    lookup = {}
    for category in register.category_lookup().values():
        for name in (category.key, category.name_sv, category.name_en):
            lookup[name.casefold()] = category.key
    return lookup


def _registered_keys(region: Region) -> tuple[set[str], set[tuple[str, str | None]]]:
    rows = db.session.execute(
        select(
            Organisation.organisation_number, Organisation.name_key, Organisation.municipality_code
        )
        .join(RegisterEntry, RegisterEntry.organisation_id == Organisation.id)
        .where(RegisterEntry.region_id == region.id)
    ).all()
    return (
        {number for number, _, _ in rows if number},
        {(name_key, municipality) for _, name_key, municipality in rows},
    )


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped: int


def import_rows(region: Region, judged: Iterable[JudgedRow], skip_refused: bool) -> ImportResult:
    """Write the rows, all or nothing: refused rows stop the import unless they are skipped."""
    rows = list(judged)
    refused = [row for row in rows if row.refused]
    if refused and not skip_refused:
        raise ImportFileError(
            lazy_ngettext(
                "%(num)d row was refused; nothing was imported.",
                "%(num)d rows were refused; nothing was imported.",
                len(refused),
            )
        )
    register.register_many(region, [row.data for row in rows if row.data is not None])
    return ImportResult(imported=len(rows) - len(refused), skipped=len(refused))
