"""Importing a register from the spreadsheets regions actually keep.

A file is read into a header and rows whatever it is: XLSX (the sheet and header row that look
most like a register, merged title cells ignored, a cell merged down the rows repeated in each
of them, and a sheet of contact persons joined to the organisations) or CSV in UTF-8 or
Windows-1252, with or without BOM, separated by commas, semicolons or tabs (the separator
that splits the header and the rows alike; staff may choose another). Columns are mapped to
fields by their Swedish or English headers, and staff may change the mapping. Every row is then
judged (``judge``): refused, with the reasons; left out, being a totals row or a note; a
further contact person of an organisation above it; or imported, with what was normalised or
flagged on the way. The import is all or nothing (``import_rows``): nothing is written while a
row is refused, unless staff chose to leave the refused rows out.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from kick_forms import archives
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.i18n import lazy_ngettext
from kick_forms.incoming import clean_text
from kick_forms.models import Municipality, Region, User
from kick_forms.models.organisation import (
    DESCRIPTION_MAX,
    NAME_MAX,
    PHONE_MAX,
    ROLE_MAX,
    WEBSITE_MAX,
    Organisation,
    RegisterEntry,
    name_key,
)
from kick_forms.models.response import CONTACT_NAME_MAX, EMAIL_MAX
from kick_forms.organisations import import_updates
from kick_forms.organisations import services as register
from kick_forms.refusal import Refused
from kick_forms.responses.orgnr import PersonalNumberError, normalise_organisation_number

MAX_ROWS = 20_000
SYNONYMS_FILE = "organisation_category_synonyms.csv"
MAX_BYTES = 5_000_000
HEADER_SEARCH_ROWS = 15
# A register of 20 000 rows unpacks to about 10 MB; openpyxl keeps the shared strings in memory.
XLSX_LIMITS = archives.Limits(members=1000, total_bytes=100_000_000, member_bytes=50_000_000)
# What openpyxl raises on a damaged workbook: its XML parser's errors are SyntaxErrors, and its
# readers fail with TypeError or ValueError on values of the wrong kind, also while rows are read.
_UNREADABLE_WORKBOOK = (
    zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError, OSError, EOFError, SyntaxError,
)  # fmt: skip

FIELDS = (
    "name", "organisation_number", "municipality", "categories", "website", "description",
    "contact_name", "contact_email", "contact_phone", "contact_role",
)  # fmt: skip
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "contact_role")
FACT_FIELDS = tuple(name for name in FIELDS if name not in CONTACT_FIELDS)
FIELD_LABELS = {
    "name": _l("Name"),
    "organisation_number": _l("Organisation number"),
    "municipality": _l("Municipality"),
    "categories": _l("Kind of organisation"),
    "website": _l("Website"),
    "description": _l("Description"),
    "contact_name": _l("Contact person"),
    "contact_email": _l("Contact person's email"),
    "contact_phone": _l("Contact person's phone"),
    "contact_role": _l("Contact person's role"),
}
SEPARATORS = {";": _l("Semicolon (;)"), ",": _l("Comma (,)"), "\t": _l("Tab")}
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
    "contact_name": {"kontaktperson", "kontakt", "kontaktpersonens namn", "namn kontaktperson",
                     "kontaktnamn", "contact", "contact person", "contact name"},
    "contact_email": {"e post", "epost", "e postadress", "epostadress", "mejl", "mejladress",
                      "mail", "email", "e mail", "kontaktperson e post", "e post kontaktperson",
                      "email address"},
    "contact_phone": {"telefon", "tel", "telefonnummer", "mobil", "mobilnummer", "phone",
                      "telephone", "mobile"},
    "contact_role": {"roll", "befattning", "uppdrag", "funktion", "role", "titel", "title"},
}  # fmt: skip
# On a sheet of contact persons a plain "Namn" is the person's; the organisation is named so.
_CONTACT_SHEET_ORGANISATION = _ALIASES["name"] - {"namn", "name"}
_CONTACT_SHEET_PERSON = _ALIASES["contact_name"] | {"namn", "name"}
_NUMBERED = re.compile(r"^(.*?) ?(\d{1,2})$")
# A row that sums up the others ("Summa: 6 föreningar", "Totalt"), or a note under the table.
_TOTALS = re.compile(r"^(summa|summering|totalt?|sum|antal)\b", re.IGNORECASE)
# A row of one cell that long is a sentence under the table, not an organisation's name.
NOTE_WORDS = 6
_NOTE = re.compile(r"^(anm|anmärkning|obs|not|notera|källa|uppdaterad|senast|\*)", re.IGNORECASE)


class ImportFileError(Refused):
    """A file that cannot be read as a table, with a message for staff."""


@dataclass
class Sheet:
    """The rows of a table under their header."""

    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]  # each row's number in the file, as staff see it in their program
    title: str = ""  # the sheet's name in a workbook


@dataclass
class Table(Sheet):
    separator: str | None = None  # a CSV file's
    uneven_rows: int = 0  # rows the separator splits into another number of cells than the header
    contacts: Sheet | None = None  # a workbook's sheet of contact persons


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Control characters would fail the whole import on PostgreSQL (NUL) or hide in the text.
    return " ".join(clean_text(str(value)).split())


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", text.casefold()).split())


def _score(row: list[str]) -> int:
    """How many cells of a row name an organisation's facts."""
    keys = {_header_key(cell) for cell in row if cell}
    return sum(1 for name in FACT_FIELDS if keys & _ALIASES[name])


def read_table(data: bytes, separator: str | None = None) -> Table:
    """The file as a header and rows of text, or ImportFileError saying why not. A CSV file is
    split on ``separator`` when given, else on the one that fits the file best."""
    if not data.strip():
        raise ImportFileError(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_l("The file is larger than 5 MB. Split it, or save it as CSV."))
    if data[:4] == b"PK\x03\x04":
        grids = _xlsx_sheets(data)
        title, grid = max(grids, key=lambda sheet: _best_score(sheet[1]))
        table = _with_header(grid, title)
        table.contacts = _contact_sheet([sheet for sheet in grids if sheet[0] != title])
        return table
    grid, separator, uneven = _csv_rows(data, separator)
    table = _with_header(grid)
    table.separator, table.uneven_rows = separator, uneven
    return table


def _best_score(grid: list[list[str]]) -> int:
    return max((_score(row) for row in grid[:HEADER_SEARCH_ROWS]), default=0)


def _xlsx_sheets(data: bytes) -> list[tuple[str, list[list[str]]]]:
    """Every sheet of the workbook as (title, rows of text)."""
    from openpyxl import load_workbook

    unreadable = ImportFileError(_l("The file could not be read as an Excel workbook."))
    # openpyxl reads some members whole and trusts their headers: the archive is judged first.
    try:
        archives.check_archive(data, XLSX_LIMITS)
    except archives.ArchiveError as refused:
        raise ImportFileError(refused.message) from None
    except zipfile.BadZipFile:
        raise unreadable from None
    sheets = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in workbook.worksheets:
            grid = [
                [_clean(cell) for cell in row]
                for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS)
            ]
            _fill_merged_down(grid, _merged_ranges(sheet))
            sheets.append((sheet.title, grid))
        workbook.close()
    except _UNREADABLE_WORKBOOK:
        raise unreadable from None
    return sheets or [("", [])]


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


def _merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged cells as (first row, first column, last row, last column), counted
    from 0. A read-only sheet does not say, so they are read from the sheet's XML, where they
    follow the rows."""
    from openpyxl.utils import column_index_from_string

    source = sheet._get_source()  # noqa: SLF001  (openpyxl's read-only sheets have no API)
    try:
        text = source.read()
    finally:
        source.close()
    return [
        (int(top) - 1, column_index_from_string(left.decode()) - 1,
         int(bottom) - 1, column_index_from_string(right.decode()) - 1)
        for left, top, right, bottom in _MERGED.findall(text)
    ]  # fmt: skip


def _fill_merged_down(grid: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> None:
    """A cell merged down several rows ("Kör" beside three choirs) gives its value to each of
    them. Merged across columns (a title over the table) it stays in its first column."""
    for top, left, bottom, _right in ranges:
        if bottom == top or top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for row in grid[top + 1 : bottom + 1]:
            if left < len(row) and not row[left]:
                row[left] = value


def _contact_sheet(sheets: list[tuple[str, list[list[str]]]]) -> Sheet | None:
    """The first other sheet whose header has an e-mail column and names the organisation
    (by number or by name): the workbook's list of contact persons."""
    for title, grid in sheets:
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            keys = {_header_key(cell) for cell in row}
            names_organisation = keys & (
                _ALIASES["organisation_number"] | _CONTACT_SHEET_ORGANISATION
            )
            if keys & _ALIASES["contact_email"] and names_organisation:
                table = _with_header(grid[index:], title, first_number=index + 1)
                return Sheet(table.headers, table.rows, table.numbers, title)
    return None


def contact_sheet_mapping(headers: list[str]) -> dict[str, int | None]:
    """On a sheet of contact persons: the organisation's number and name, and the person's."""
    mapping: dict[str, int | None] = dict.fromkeys(("organisation_number", "name", *CONTACT_FIELDS))
    aliases = {
        **{name: _ALIASES[name] for name in CONTACT_FIELDS},
        "organisation_number": _ALIASES["organisation_number"],
        "name": _CONTACT_SHEET_ORGANISATION,
        "contact_name": _CONTACT_SHEET_PERSON,
    }
    for column, header in enumerate(headers):
        key = _header_key(header)
        for name, known in aliases.items():
            if key in known and mapping[name] is None:
                mapping[name] = column
                break
    return mapping


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _split(text: str, separator: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        return [[_clean(cell) for cell in row] for row in reader]
    except csv.Error:
        raise ImportFileError(_l("The file could not be read as CSV.")) from None


def _uneven(grid: list[list[str]]) -> int:
    """Rows with values that a separator splits into another number of cells than the header
    (the first row of two values or more)."""
    filled = [row for row in grid if sum(map(bool, row)) >= 1]
    header = next((row for row in filled if len(row) >= 2), None)
    if header is None:
        return len(filled)
    return sum(1 for row in filled if len(row) != len(header))


def _csv_rows(data: bytes, separator: str | None) -> tuple[list[list[str]], str, int]:
    """The rows, the separator and how many rows it splits unevenly. Unless chosen, the
    separator is the one that splits the header into most columns among those that split the
    first hundred rows evenly: semicolon files often hold commas in their descriptions."""
    text = _decode(data)
    if separator not in SEPARATORS:
        sample = "\n".join(text.splitlines()[:100])
        fits = []
        for candidate in SEPARATORS:
            grid = _split(sample, candidate)
            width = max((len(row) for row in grid[:HEADER_SEARCH_ROWS]), default=0)
            fits.append((width >= 2, -_uneven(grid), width, candidate))
        separator = max(fits)[3]
    grid = _split(text, separator)
    return grid, separator, _uneven(grid)


def _with_header(grid: list[list[str]], title: str = "", first_number: int = 1) -> Table:
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
        for number, row in enumerate(grid[index + 1 :], start=index + first_number + 1)
        if any(cell for cell in row)
    ]
    if len(kept) > MAX_ROWS:
        raise ImportFileError(_l("The file has more than 20 000 rows."))
    return Table(headers, [row for _, row in kept], [number for number, _ in kept], title)


def guess_mapping(headers: list[str]) -> dict[str, Any]:
    """For each field, the column whose header names it, if any; under "more_contacts", the
    further contact persons' columns ("Kontaktperson 2", "E-post 2")."""
    mapping: dict[str, Any] = dict.fromkeys(FIELDS)
    more: dict[int, dict[str, int]] = {}
    for column, header in enumerate(headers):
        key = _header_key(header)
        number = 1
        if (numbered := _NUMBERED.match(key)) and not any(key in a for a in _ALIASES.values()):
            key, number = numbered[1], int(numbered[2])
        for name, aliases in _ALIASES.items():
            if key not in aliases:
                continue
            if name in CONTACT_FIELDS and number > 1:
                more.setdefault(number, {}).setdefault(name, column)
            elif mapping[name] is None:
                mapping[name] = column
            break
    mapping["more_contacts"] = [more[number] for number in sorted(more)]
    return mapping


def read_import(data: bytes, mapping: dict[str, Any]) -> tuple[Table, dict[str, Any]]:
    """A stored import's file as a table, split on the mapping's separator, and the mapping:
    the columns guessed when it names none (a new file, or a new separator)."""
    table = read_table(data, mapping.get("separator"))
    if "name" not in mapping:
        mapping = {**guess_mapping(table.headers), "separator": table.separator}
    return table, mapping


def chosen_mapping(table: Table, kept: dict[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The columns and update choices staff sent (``map-<field>``, ``update-<fact>``, a column
    number that is no column counting as none); the further contact persons' columns as
    before. Another separator clears the columns, to be guessed from the new split."""
    separator = form.get("separator", "")
    if table.separator is not None and separator in SEPARATORS and separator != table.separator:
        return {"separator": separator}
    mapping: dict[str, Any] = {
        "more_contacts": kept.get("more_contacts", []),
        "separator": table.separator,
        "updates": import_updates.choices_from(
            {fact: form.get(f"update-{fact}", "") for fact in import_updates.FACTS}
        ),
    }
    for name in FIELDS:
        value = form.get(f"map-{name}", "")
        mapping[name] = int(value) if value.isdigit() and int(value) < len(table.headers) else None
    return mapping


@dataclass
class JudgedRow:
    number: int  # as in the file
    values: dict[str, str]
    problems: list[Any] = field(default_factory=list)  # why it is refused
    notes: list[Any] = field(default_factory=list)  # what staff should know, imported anyway
    data: register.OrganisationData | None = None
    left_out: Any = None  # why the row is no organisation (a totals row, a note)
    joins: int | None = None  # the row of the organisation whose contact person it adds
    update_of: int | None = None  # the organisation of the region's register it names
    changes: list[import_updates.Change] = field(default_factory=list)
    owner: str | None = None  # the region that keeps the facts, when the user may not change them
    contacts: list[register.ContactData] = field(default_factory=list)  # its own and joined

    @property
    def refused(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class ContactProblem:
    """A row of a workbook's contact sheet that cannot be joined or kept."""

    sheet: str
    number: int
    values: dict[str, str]
    problem: Any


@dataclass
class Judgement:
    """A file's rows judged, in order (iterating a judgement gives them), and the problems of
    its contact sheet."""

    rows: list[JudgedRow]
    contact_problems: list[ContactProblem] = field(default_factory=list)

    def __iter__(self) -> Iterator[JudgedRow]:
        return iter(self.rows)

    def __getitem__(self, index: int) -> JudgedRow:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def organisations(self) -> list[JudgedRow]:
        """The rows that will be imported: new organisations and updates."""
        return [row for row in self.rows if row.data is not None]

    @property
    def new(self) -> list[JudgedRow]:
        return [row for row in self.organisations if row.update_of is None]

    @property
    def updates(self) -> list[JudgedRow]:
        return [row for row in self.organisations if row.update_of is not None]

    @property
    def refused(self) -> list[JudgedRow]:
        return [row for row in self.rows if row.refused]

    @property
    def left_out(self) -> list[JudgedRow]:
        return [row for row in self.rows if row.left_out is not None or row.joins is not None]

    @property
    def flagged(self) -> list[JudgedRow]:
        return [row for row in self.rows if row.notes and not row.refused]

    @property
    def contacts(self) -> int:
        return sum(len(row.contacts) for row in self.organisations)

    @property
    def blocking(self) -> int:
        """Refused rows and contact rows that stop an import unless left out."""
        return len(self.refused) + len(self.contact_problems)


@dataclass
class _Lookups:
    """What every row is judged against, read once per file."""

    region: Region
    municipalities: dict[str, str]
    municipality_regions: dict[str, int]
    categories: dict[str, str]
    registered_numbers: dict[str, int]  # the region's register: organisation by number
    registered_names: dict[tuple[str, str | None], int]  # and by name and municipality
    seen_numbers: dict[str, JudgedRow] = field(default_factory=dict)
    seen_names: dict[tuple[str, str | None], JudgedRow] = field(default_factory=dict)
    seen_updates: dict[int, JudgedRow] = field(default_factory=dict)  # by organisation


def judge(region: Region, table: Table, mapping: dict[str, Any], user: User) -> Judgement:
    """Every row with what it would become, or why it cannot be imported, for ``user``
    importing into ``region`` (whose rights decide which known organisations it may change)."""
    municipalities, municipality_regions = _municipality_lookup()
    registered_numbers, registered_names = _registered_keys(region)
    lookups = _Lookups(region, municipalities, municipality_regions, _category_lookup(),
                       registered_numbers, registered_names)  # fmt: skip
    groups = [
        {name: mapping.get(name) for name in CONTACT_FIELDS},
        *mapping.get("more_contacts", []),
    ]
    judged: list[JudgedRow] = []
    previous: JudgedRow | None = None
    for number, row in zip(table.numbers, table.rows, strict=True):
        values = {name: _cell(row, mapping.get(name)) for name in FACT_FIELDS}
        people = [
            {name: _cell(row, group.get(name)) for name in CONTACT_FIELDS} for group in groups
        ]
        for index, person in enumerate(people):
            for name in CONTACT_FIELDS:
                values[name if index == 0 else f"{name}_{index + 1}"] = person[name]
        row_judged = _judge_row(number, values, row, people, previous, lookups)
        judged.append(row_judged)
        if row_judged.left_out is None and row_judged.joins is None:
            previous = row_judged
    judgement = Judgement(judged)
    if table.contacts is not None:
        _join_contact_sheet(judgement, table.contacts, lookups)
    _compare_with_register(judgement, region, user)
    return judgement


def _compare_with_register(judgement: Judgement, region: Region, user: User) -> None:
    """Each update's changes to the organisation it names. An organisation whose facts the
    user may not change (another region owns them) gets its contact persons only."""
    updates = judgement.updates
    known = import_updates.known_organisations(row.update_of for row in updates)
    taken = register.organisations_by_number(row.data.organisation_number for row in updates)
    owners = {r.id: r.name for r in db.session.scalars(select(Region))}
    for row in updates:
        organisation = known[row.update_of]
        row.changes = import_updates.changes(organisation, row.data, taken)
        if row.changes and not organisation.facts_changeable_by(user, region):
            row.owner = owners.get(organisation.owner_region_id or 0, "")


def _cell(row: list[str], column: int | None) -> str:
    return row[column] if column is not None and column < len(row) else ""


def _judge_row(  # noqa: PLR0913
    number: int,
    values: dict[str, str],
    row: list[str],
    people: list[dict[str, str]],
    previous: JudgedRow | None,
    lookups: _Lookups,
) -> JudgedRow:
    judged = JudgedRow(number, values)
    if (reason := _not_an_organisation(values, row)) is not None:
        judged.left_out = reason
        return judged
    name = values.get("name", "")
    has_person = any(any(person.values()) for person in people)
    if not name and has_person and previous is not None and not _facts_besides_name(values):
        # A further contact person on the next row, the organisation's cells left empty.
        _add_contacts(previous, people)
        judged.joins = previous.number
        return judged
    problems = judged.problems
    if not name:
        problems.append(_l("The name is missing."))
    elif len(name) > NAME_MAX:
        problems.append(_l("The name is longer than %(max)d characters.", max=NAME_MAX))
    organisation_number = _organisation_number(values, problems)
    municipality = _municipality(values, judged, lookups)
    category_keys = _categories(values, judged, lookups)
    website = _website(values, judged)
    key = (name_key(name), municipality)
    earlier = lookups.seen_numbers.get(organisation_number or "") or (
        lookups.seen_names.get(key) if name else None
    )
    if earlier is not None and has_person and _same_facts(earlier, values):
        # The same organisation again with another contact person: joined to its first row.
        _add_contacts(earlier, people)
        judged.joins = earlier.number
        return judged
    if organisation_number and organisation_number in lookups.seen_numbers:
        problems.append(_l("Same organisation number as row %(row)d.",
                           row=lookups.seen_numbers[organisation_number].number))  # fmt: skip
    elif organisation_number and organisation_number in lookups.registered_numbers:
        judged.update_of = lookups.registered_numbers[organisation_number]
    elif name and key in lookups.seen_names:
        problems.append(_l("Same name and municipality as row %(row)d.",
                           row=lookups.seen_names[key].number))  # fmt: skip
    elif name and key in lookups.registered_names:
        judged.update_of = lookups.registered_names[key]
    if judged.update_of is not None:
        if (first := lookups.seen_updates.get(judged.update_of)) is not None:
            problems.append(_l("The same organisation as row %(row)d.", row=first.number))
            judged.update_of = None
        else:
            lookups.seen_updates[judged.update_of] = judged
    if organisation_number:
        lookups.seen_numbers.setdefault(organisation_number, judged)
    if name:
        lookups.seen_names.setdefault(key, judged)
    judged.data = register.OrganisationData(
        name=name,
        organisation_number=organisation_number,
        municipality_code=municipality,
        category_keys=category_keys,
        website=website,
        description=values.get("description", "")[:DESCRIPTION_MAX],
    )
    _add_contacts(judged, people)
    if problems:
        judged.data = None
    return judged


def _not_an_organisation(values: dict[str, str], row: list[str]) -> Any:
    """Why a row is no organisation: a totals row or a note under the table; else None."""
    filled = [cell for cell in row if cell]
    if any(_TOTALS.match(cell) for cell in filled[:2]):
        return _l("A totals row.")
    if len(filled) == 1 and (_NOTE.match(filled[0]) or len(filled[0].split()) >= NOTE_WORDS):
        return _l("A note, not an organisation.")
    return None


def _facts_besides_name(values: dict[str, str]) -> bool:
    return any(values.get(name) for name in FACT_FIELDS if name != "name")


def _same_facts(earlier: JudgedRow, values: dict[str, str]) -> bool:
    """Whether a row repeats an organisation: each fact it gives is the earlier row's."""
    return all(
        not values.get(name) or values[name] == earlier.values.get(name)
        for name in FACT_FIELDS
        if name != "organisation_number" or earlier.values.get(name)
    )


def _organisation_number(values: dict[str, str], problems: list[Any]) -> str | None:
    if not values.get("organisation_number"):
        return None
    try:
        return normalise_organisation_number(values["organisation_number"])
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
    return None


def _municipality(values: dict[str, str], judged: JudgedRow, lookups: _Lookups) -> str | None:
    if not values.get("municipality"):
        return None
    code = lookups.municipalities.get(values["municipality"].casefold())
    if code is None:
        judged.problems.append(_l("Unknown municipality “%(name)s”.", name=values["municipality"]))
    elif lookups.municipality_regions[code] != lookups.region.id:
        judged.notes.append(
            _l("%(municipality)s is not in %(region)s.",
               municipality=values["municipality"], region=lookups.region.name)
        )  # fmt: skip
    return code


def _categories(values: dict[str, str], judged: JudgedRow, lookups: _Lookups) -> list[str]:
    keys: list[str] = []
    for part in _category_names(values.get("categories", ""), lookups.categories):
        key = lookups.categories.get(_header_key(part))
        if key is None:
            judged.notes.append(
                _l("Unknown kind of organisation “%(name)s”: imported without it.", name=part)
            )
        elif key not in keys:
            keys.append(key)
    return keys


def normalise_website(text: str) -> str | None:
    """A web address as a link that works: "www.kor.se" becomes "https://www.kor.se"; None when
    it is no web address at all."""
    text = text.strip()
    if not text:
        return None
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in {"http", "https"}
        or "." not in host
        or " " in text
        or len(text) > WEBSITE_MAX
    ):
        return None
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def _website(values: dict[str, str], judged: JudgedRow) -> str | None:
    if not values.get("website"):
        return None
    website = normalise_website(values["website"])
    if website is None:
        judged.notes.append(
            _l("“%(website)s” is not a web address: imported without it.",
               website=values["website"])
        )  # fmt: skip
    return website


@dataclass(frozen=True)
class _Unkept:
    """Why a contact person is not kept: an invalid address refuses its row, so that nothing
    is dropped unless staff choose to; a missing one is only said (it could not be invited)."""

    reason: Any
    refuses: bool


def _contact(person: dict[str, str]) -> register.ContactData | _Unkept:
    name, email = person["contact_name"], person["contact_email"]
    if not email:
        return _Unkept(
            _l("The contact person “%(name)s” has no email address and is not imported.",
               name=name or person["contact_phone"]),
            refuses=False,
        )  # fmt: skip
    try:
        address = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        return _Unkept(_l("“%(email)s” is not a valid email address.", email=email), refuses=True)
    return register.ContactData(
        name=(name or address.split("@")[0])[:CONTACT_NAME_MAX],
        email=address[:EMAIL_MAX],
        phone=person["contact_phone"][:PHONE_MAX] or None,
        role=person["contact_role"][:ROLE_MAX] or None,
    )


def _keep(judged: JudgedRow, contact: register.ContactData) -> None:
    """The contact person with the organisation's row, once per address."""
    if contact.email.casefold() in {known.email.casefold() for known in judged.contacts}:
        judged.notes.append(
            _l("The contact person %(email)s is named twice; kept once.", email=contact.email)
        )
    else:
        judged.contacts.append(contact)


def _add_contacts(judged: JudgedRow, people: list[dict[str, str]]) -> None:
    """A row's contact persons, checked, added to the organisation's row ``judged``."""
    for person in people:
        if not any(person.values()):
            continue
        contact = _contact(person)
        if isinstance(contact, _Unkept):
            (judged.problems if contact.refuses else judged.notes).append(contact.reason)
        else:
            _keep(judged, contact)


def _join_contact_sheet(judgement: Judgement, sheet: Sheet, lookups: _Lookups) -> None:
    """Each row of the workbook's contact sheet, joined to its organisation by number, else by
    a name only one organisation of the file has; a row that cannot be joined or kept is
    reported on its own, and stops the import as a refused row does."""
    mapping = contact_sheet_mapping(sheet.headers)
    by_name: dict[str, list[JudgedRow]] = {}
    for row in judgement.rows:
        if row.left_out is None and row.joins is None and row.values.get("name"):
            by_name.setdefault(name_key(row.values["name"]), []).append(row)
    for number, cells in zip(sheet.numbers, sheet.rows, strict=True):
        values = {name: _cell(cells, column) for name, column in mapping.items()}
        target = _sheet_target(values, by_name, lookups)
        contact = _contact({name: values[name] for name in CONTACT_FIELDS})
        if target is None:
            problem = _l("No organisation in the file has this number or name.")
        elif isinstance(contact, _Unkept) and contact.refuses:
            problem = contact.reason
        else:
            if isinstance(contact, _Unkept):
                target.notes.append(contact.reason)
            else:
                _keep(target, contact)
            continue
        judgement.contact_problems.append(ContactProblem(sheet.title, number, values, problem))


def _sheet_target(
    values: dict[str, str], by_name: dict[str, list[JudgedRow]], lookups: _Lookups
) -> JudgedRow | None:
    """The organisation's row a contact-sheet row names, by number, else by a unique name."""
    if values["organisation_number"]:
        try:
            number = normalise_organisation_number(values["organisation_number"])
        except ValueError:
            number = ""
        if (found := lookups.seen_numbers.get(number)) is not None:
            return found
    named = by_name.get(name_key(values["name"]), []) if values["name"] else []
    return named[0] if len(named) == 1 else None


def _category_names(text: str, categories: dict[str, str]) -> list[str]:
    """The kinds named in one cell: separated by semicolons or slashes, or by commas where
    the kind's own name has none ("Folkdans, spelmanslag och folkmusik" is one kind)."""
    names = []
    for part in re.split(r"[;/|]", text):
        part = part.strip()
        if not part:
            continue
        if _header_key(part) in categories or "," not in part:
            names.append(part)
        else:
            names += [piece.strip() for piece in part.split(",") if piece.strip()]
    return names


def _municipality_lookup() -> tuple[dict[str, str], dict[str, int]]:
    """Municipalities by code and by name (with or without "kommun"), and each one's region."""
    lookup, regions = {}, {}
    for municipality in db.session.scalars(select(Municipality)):
        lookup[municipality.code] = municipality.code
        lookup[municipality.name.casefold()] = municipality.code
        lookup[f"{municipality.name} kommun".casefold()] = municipality.code
        regions[municipality.code] = municipality.region_id
    return lookup, regions


@functools.cache
def category_synonyms() -> dict[str, str]:
    """The words regions' lists use for the kinds ("Spelmanslag", "Kör/sång", "Hembygd"), kept
    in the reference data beside the kinds."""
    text = resources.files("kick_forms.data").joinpath(SYNONYMS_FILE).read_text("utf-8")
    return {_header_key(row["synonym"]): row["key"] for row in csv.DictReader(io.StringIO(text))}


def _category_lookup() -> dict[str, str]:
    """Kinds by key, Swedish and English name and synonym, as header keys (case and
    punctuation aside)."""
    categories = register.category_lookup()
    lookup = {synonym: key for synonym, key in category_synonyms().items() if key in categories}
    for category in categories.values():
        for name in (category.key, category.name_sv, category.name_en):
            lookup[_header_key(name)] = category.key
    return lookup


def _registered_keys(
    region: Region,
) -> tuple[dict[str, int], dict[tuple[str, str | None], int]]:
    """The region's register by organisation number and by name and municipality."""
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.organisation_number,
            Organisation.name_key,
            Organisation.municipality_code,
        )
        .join(RegisterEntry, RegisterEntry.organisation_id == Organisation.id)
        .where(RegisterEntry.region_id == region.id)
    ).all()
    return (
        {number: organisation_id for organisation_id, number, _, _ in rows if number},
        {(key, municipality): organisation_id for organisation_id, _, key, municipality in rows},
    )


@dataclass(frozen=True)
class ImportResult:
    imported: int  # new in the register
    updated: int  # known organisations whose facts changed
    contacts: int  # contact persons added
    skipped: int  # refused rows left out


def import_rows(
    region: Region,
    judgement: Judgement,
    skip_refused: bool,
    choices: dict[str, str] | None = None,
) -> ImportResult:
    """Write the new organisations, the updates staff chose (``import_updates.choices_from``)
    and the contact persons, all or nothing: refused rows (and contact rows that cannot be
    joined) stop the import unless staff leave them out."""
    blocking = judgement.blocking
    if blocking and not skip_refused:
        raise ImportFileError(
            lazy_ngettext(
                "%(num)d row was refused; nothing was imported.",
                "%(num)d rows were refused; nothing was imported.",
                blocking,
            )
        )
    new, updates = judgement.new, judgement.updates
    added = register.register_many(region, [row.data for row in new], [row.contacts for row in new])
    updated = import_updates.apply(
        region,
        [(row.update_of, row.changes) for row in updates if row.owner is None],
        import_updates.choices_from(choices),
    )
    added += register.add_contacts_many(
        region, [row.update_of for row in updates], [row.contacts for row in updates]
    )
    return ImportResult(
        imported=len(new),
        updated=updated,
        contacts=added,
        skipped=blocking,
    )
