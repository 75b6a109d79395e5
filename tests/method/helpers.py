"""Consultations built through the builder's services, and the cells of an HTML table."""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser

from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import Consultation, ConsultationStatus
from kick_forms.timeutil import utcnow
from tests.conftest import question_data, region


def consultation_at(
    level_key: str | None,
    step_key: str | None,
    *,
    title: str = "Kulturplan",
    region_slug: str = "kronoberg",
    public: bool = True,
    closes_in: int | None = None,
) -> Consultation:
    """A consultation placed at a level and a step, opened unless ``public`` is False.

    ``closes_in`` moves the closing into that year afterwards, as for a consultation held then.
    """
    consultation = builder.create_consultation(
        region(region_slug),
        builder.Settings(
            title=title,
            slug=None,
            intro="",
            plan_start_year=2027,
            plan_end_year=2030,
            culture_area_keys=[],
            opens_at_local=None,
            closes_at_local=(utcnow() + timedelta(days=30)).replace(microsecond=0),
            code_level_key=level_key,
            code_step_key=step_key,
        ),
    )
    section = builder.add_section(consultation, "Frågor", "")
    builder.add_question(section, question_data(label="Vad tycker ni?"))
    if public:
        builder.change_status(consultation, ConsultationStatus.OPEN, utcnow())
    if closes_in is not None:
        consultation.closes_at = datetime(closes_in, 6, 30, 12)
    db.session.commit()
    return consultation


class _TableParser(HTMLParser):
    """The text of each cell of one table, by row and column."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_cells(html: str, table_id: str) -> dict[tuple[str, str], str]:
    """{(row header, column header): text} for every data cell of the table with that id."""
    parser = _TableParser(table_id)
    parser.feed(html)
    assert parser.rows, f"no table #{table_id}"
    header, *body = parser.rows
    return {
        (row[0], column): text
        for row in body
        for column, text in zip(header[1:], row[1:], strict=True)
    }
