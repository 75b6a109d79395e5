"""Submitted responses as a spreadsheet (CSV, XLSX), their files as a ZIP, the board as a PDF.

One row per submitted response, its current version's answers. Personal data stays out: the
contact person is never exported, only the organisation. Beside the organisation, a registrar's
columns: the consultation's diarienummer, the current version as an incoming document (its
reference, e.g. KF-000123-2, and date of arrival) and how it arrived (form, e-mail, post,
meeting). The records themselves (each version as PDF, the list of incoming documents) are in
``kick_forms.records``.

CSV is written for Swedish Excel, which opens a double-clicked file with the system's list
separator: UTF-8 with a byte order mark (without it Excel reads åäö as Windows-1252) and ``;``
between fields (the comma is the Swedish decimal separator).

A multiple-choice question gets one column per option: 1 when the option was chosen, 0 when the
question was answered without it, empty when the question was not answered at all, so that a
column's sum is the option's count and its average the option's share. An "other" column holds
the text of "Other" when the question allows it.

Text that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is prefixed with ``'``: the answers come from the public, and a formula in
an export runs on the region's computer.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from kick_forms.board.services import BoardFilter, counted
from kick_forms.consultations.labels import channel_label
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import (
    Answer,
    AnswerOption,
    Attachment,
    Consultation,
    Question,
    QuestionKind,
    Response,
    Section,
)
from kick_forms.models.response import version_attachment
from kick_forms.timeutil import to_local

Cell = str | int | datetime | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_COLUMN_WIDTH = (8, 60)


@dataclass
class AnswerRow:
    """What one submitted version says about one question."""

    answer: Answer | None
    option_ids: frozenset[int]

    @property
    def chose_anything(self) -> bool:
        return bool(self.option_ids) or (
            self.answer is not None and self.answer.other_text is not None
        )


@dataclass
class Column:
    header: str
    value: Callable[[Response, dict[int, AnswerRow]], Cell]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]


def _submitted(consultation: Consultation) -> Select:
    """The ids of the responses the board counts, unfiltered: the same set as the exports."""
    return select(counted(consultation, BoardFilter()).subquery().c.response_id)


def response_table(consultation: Consultation) -> Table:
    """The submitted responses, one row each, ready to be written as CSV or XLSX."""
    responses = db.session.scalars(
        select(Response)
        .where(Response.id.in_(_submitted(consultation)))
        .options(
            joinedload(Response.municipality),
            joinedload(Response.current_version),
            selectinload(Response.categories),
        )
        .order_by(Response.submitted_at, Response.id)
    ).all()
    answers = _current_answers(consultation)
    columns = _response_columns() + _record_columns(consultation)
    for number, question in numbered_questions(consultation):
        columns += _question_columns(number, question)
    return Table(
        headers=[column.header for column in columns],
        rows=[
            [column.value(response, answers.get(response.id, {})) for column in columns]
            for response in responses
        ],
    )


def _current_answers(consultation: Consultation) -> dict[int, dict[int, AnswerRow]]:
    """Every answer of the current versions, by response and question, in two queries."""
    current = (
        select(Answer.id)
        .join(Response, Response.current_version_id == Answer.version_id)
        .where(Response.id.in_(_submitted(consultation)))
    )
    answers = db.session.scalars(select(Answer).where(Answer.id.in_(current))).all()
    chosen: dict[int, set[int]] = defaultdict(set)
    for answer_id, option_id in db.session.execute(
        select(AnswerOption.answer_id, AnswerOption.option_id).where(
            AnswerOption.answer_id.in_(current)
        )
    ):
        chosen[answer_id].add(option_id)
    by_response: dict[int, dict[int, AnswerRow]] = defaultdict(dict)
    for answer in answers:
        by_response[answer.response_id][answer.question_id] = AnswerRow(
            answer, frozenset(chosen.get(answer.id, ()))
        )
    return by_response


def numbered_questions(consultation: Consultation) -> list[tuple[str, Question]]:
    """Questions in form order with the number the form shows, e.g. "2.3"."""
    sections = db.session.scalars(
        select(Section)
        .where(Section.consultation_id == consultation.id)
        .order_by(Section.position)
        .options(selectinload(Section.questions).selectinload(Question.options))
    ).all()
    return [
        (f"{section_number}.{question_number}", question)
        for section_number, section in enumerate(sections, start=1)
        for question_number, question in enumerate(section.questions, start=1)
    ]


def local_minute(moment: datetime | None) -> datetime | None:
    """Stockholm wall-clock time to the minute, as both formats show it."""
    local = to_local(moment)
    return local.replace(tzinfo=None, second=0, microsecond=0) if local else None


def _response_columns() -> list[Column]:
    return [
        Column(_("Reference"), lambda response, _answers: response.reference),
        Column(_("Organisation"), lambda response, _answers: response.organisation_name),
        Column(
            _("Organisation number"),
            lambda response, _answers: response.organisation_number or "",
        ),
        Column(
            _("Municipality"),
            lambda response, _answers: response.municipality.name if response.municipality else "",
        ),
        Column(
            _("Kind of organisation"),
            lambda response, _answers: ", ".join(c.name for c in response.categories),
        ),
        Column(
            _("Published under the name"),
            lambda response, _answers: _("Yes") if response.may_publish_name else _("No"),
        ),
        Column(_("Sent"), lambda response, _answers: local_minute(response.submitted_at)),
        Column(_("Changed"), lambda response, _answers: local_minute(response.amended_at)),
    ]


def _record_columns(consultation: Consultation) -> list[Column]:
    """What a registrar needs to match a row with the region's records: the consultation's
    diarienummer, and the incoming document (the current version) with its date of arrival."""
    return [
        Column(
            _("Registration number (diarienummer)"),
            lambda _response, _answers: consultation.registry_number or "",
        ),
        Column(
            _("Document reference"),
            lambda response, _answers: (
                f"{response.reference}-{response.current_version.number}"
                if response.current_version
                else ""
            ),
        ),
        Column(
            _("Arrived"),
            lambda response, _answers: (
                local_minute(response.current_version.arrived_at)
                if response.current_version
                else None
            ),
        ),
        Column(_("Channel"), lambda response, _answers: channel_label(response.channel)),
    ]


def _question_columns(number: str, question: Question) -> list[Column]:
    """One column per question; a multiple-choice question gets one per option."""
    header = f"{number} {question.label}"
    kind = QuestionKind(question.kind)

    def answer_of(answers: dict[int, AnswerRow]) -> AnswerRow:
        return answers.get(question.id) or AnswerRow(None, frozenset())

    if kind == QuestionKind.MULTIPLE_CHOICE:
        columns = [
            Column(f"{header}: {option.label}", _option_flag(answer_of, option.id))
            for option in question.options
        ]
        if question.allow_other:
            columns.append(
                Column(
                    f"{header}: {_('Other')}",
                    lambda _response, answers: _other_text(answer_of(answers)),
                )
            )
        return columns
    if kind == QuestionKind.SINGLE_CHOICE:
        labels = {option.id: option.label for option in question.options}

        def chosen(_response: Response, answers: dict[int, AnswerRow]) -> str:
            row = answer_of(answers)
            if row.answer is not None and row.answer.other_text is not None:
                return f"{_('Other:')} {row.answer.other_text}"
            return ", ".join(
                labels[option_id] for option_id in sorted(row.option_ids) if option_id in labels
            )

        return [Column(header, chosen)]
    return [Column(header, lambda _response, answers: _plain_value(kind, answer_of(answers)))]


def _option_flag(
    answer_of: Callable[[dict[int, AnswerRow]], AnswerRow], option_id: int
) -> Callable[[Response, dict[int, AnswerRow]], Cell]:
    def flag(_response: Response, answers: dict[int, AnswerRow]) -> Cell:
        row = answer_of(answers)
        if not row.chose_anything:
            return None
        return 1 if option_id in row.option_ids else 0

    return flag


def _other_text(row: AnswerRow) -> str:
    return (row.answer.other_text or "") if row.answer else ""


def _plain_value(kind: QuestionKind, row: AnswerRow) -> Cell:
    answer = row.answer
    if answer is None:
        return None
    if kind == QuestionKind.NUMBER:
        # A submitted number was checked; the text is only a fallback for older rows.
        return answer.number_value if answer.number_value is not None else answer.text_value
    if kind == QuestionKind.SCALE:
        return int(answer.choice_value) if (answer.choice_value or "").isdigit() else None
    if kind == QuestionKind.YES_NO:
        labels = {"yes": _("Yes"), "no": _("No"), "dont_know": _("Don't know")}
        return labels.get(answer.choice_value or "")
    return answer.text_value


def neutralise(text: str) -> str:
    """Text as a spreadsheet shows it, never runs it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(table: Table) -> bytes:
    """The table as CSV for Swedish Excel: UTF-8 with BOM, ``;`` between fields."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in table.headers])
    writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime(DATETIME_FORMAT)
    if isinstance(cell, int):
        return str(cell)
    return neutralise(cell)


def to_xlsx(table: Table, sheet_title: str, more: Sequence[tuple[Table, str]] = ()) -> bytes:
    """The table as an Excel workbook: bold, frozen header; numbers and times typed. Each of
    ``more`` (table, title) is a further sheet."""
    workbook = Workbook()
    _fill_sheet(workbook.active, table, sheet_title)
    for extra, title in more:
        _fill_sheet(workbook.create_sheet(), extra, title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_sheet(sheet: Any, table: Table, sheet_title: str) -> None:
    sheet.title = sheet_title[:31]
    sheet.append([_xlsx_text(header) for header in table.headers])
    for row in table.rows:
        sheet.append([_xlsx_text(cell) if isinstance(cell, str) else cell for cell in row])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
    for index, header in enumerate(table.headers, start=1):
        letter = get_column_letter(index)
        longest = max(
            [len(header)] + [len(_csv_cell(row[index - 1])) for row in table.rows], default=0
        )
        low, high = SHEET_COLUMN_WIDTH
        sheet.column_dimensions[letter].width = min(max(longest + 2, low), high)


def _xlsx_text(text: str) -> str:
    # Control characters make openpyxl refuse the whole workbook.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", text))


def attachments_zip(consultation: Consultation) -> bytes:
    """The files of the submitted responses as sent (each answer's current version), each
    named after its response's reference."""
    attachments = db.session.scalars(
        select(Attachment)
        .join(version_attachment, version_attachment.c.attachment_id == Attachment.id)
        .join(Response, Response.id == Attachment.response_id)
        .where(
            Attachment.response_id.in_(_submitted(consultation)),
            version_attachment.c.version_id == Response.current_version_id,
        )
        .options(undefer(Attachment.data), joinedload(Attachment.response))
        .order_by(Attachment.response_id, Attachment.id)
    ).all()
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for attachment in attachments:
            reference = attachment.response.reference
            name = unique_name(f"{reference}-{base_name(attachment.filename)}", used)
            info = zipfile.ZipInfo(name, date_time=zip_time(attachment.created_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, attachment.data)
    return buffer.getvalue()


def base_name(filename: str) -> str:
    # A name is shown to the person who unpacks the archive; never a path into their disk.
    return filename.replace("\\", "/").rsplit("/", 1)[-1] or "file"


def unique_name(name: str, used: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    candidate, counter = name, 2
    while candidate in used:
        candidate = f"{stem}-{counter}{dot}{extension}"
        counter += 1
    used.add(candidate)
    return candidate


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = to_local(moment) or moment
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def download_name(consultation: Consultation, word: str, extension: str) -> str:
    """A file name people recognise in their downloads, e.g. kulturplan-2027-2030-svar.xlsx."""
    return f"{consultation.slug}-{'-'.join(word.lower().split())}.{extension}"
