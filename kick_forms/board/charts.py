"""Bar charts the server draws as SVG: each row a label, a bar and its figure as text.

The SVG has no viewBox: its user units are CSS pixels and the bars' lengths are percentages of
the drawing's width, so the text keeps its size on a phone and the bars stretch on a wide
screen. Long labels are wrapped here into lines, because SVG text does not wrap itself.
templates/board/_chart_svg.html draws it, with the same figures in a table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from kick_forms.board.services import Bar, QuestionSummary
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Question, QuestionKind

LINE_HEIGHT = 18  # px between the baselines of a label's lines
BAR_HEIGHT = 16
ROW_GAP = 10
LABEL_CHARACTERS = 34  # about what fits on one line at 320 px
LONGEST_BAR = 70.0  # % of the width, leaving room for the figure after the longest bar

YES_NO_LABELS = {"yes": _l("Yes"), "no": _l("No"), "dont_know": _l("Don't know")}


@dataclass(frozen=True)
class ChartRow:
    label: str
    count: int
    share: float  # of the total, 0..1
    lines: tuple[str, ...]  # the label wrapped
    label_y: int  # baseline of the label's first line
    bar_y: int  # top of the bar
    length: float  # % of the drawing's width
    own_text: bool = False  # the label is the region's own text (an option), not the interface's

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def figure_x(self) -> str:
        """Where the figure after the bar starts, in % of the width."""
        return f"{self.length + 1:.1f}%"


class Described:
    """A figure drawn as SVG, named by its <title> and described by its <desc>."""

    id: str

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


@dataclass(frozen=True)
class BarChart(Described):
    id: str
    title: str
    total: int
    rows: tuple[ChartRow, ...]
    height: int
    own_title: bool = False  # the title is the region's own text (a question)


def bar_chart(
    id: str,
    title: str,
    rows: Sequence[tuple[str, int]],
    total: int,
    own_text: Sequence[bool] = (),
    own_title: bool = False,
) -> BarChart:
    """A horizontal bar chart of (label, count) rows; shares of ``total``; bars scaled so the
    largest count takes LONGEST_BAR % of the width. ``own_text`` says which labels are the
    region's own text, and ``own_title`` whether the title is, so that pages in another
    language mark them as Swedish."""
    largest = max((count for _, count in rows), default=0)
    placed: list[ChartRow] = []
    y = 0
    for index, (label, count) in enumerate(rows):
        lines = tuple(textwrap.wrap(label, LABEL_CHARACTERS, break_long_words=True)) or ("",)
        label_y = y + LINE_HEIGHT - 4
        bar_y = y + LINE_HEIGHT * len(lines)
        length = LONGEST_BAR * count / largest if largest else 0.0
        share = count / total if total else 0.0
        own = index < len(own_text) and own_text[index]
        placed.append(ChartRow(label, count, share, lines, label_y, bar_y, length, own))
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return BarChart(id, title, total, tuple(placed), max(y, 1), own_title)


def question_chart(summary: QuestionSummary) -> BarChart | None:
    """The chart of a question with options, a scale or yes/no: the API's bars, then "Other"."""
    if not summary.bars:
        return None
    question = summary.question
    rows = [(bar_label(question, bar), bar.count) for bar in summary.bars]
    # Options and a scale's end labels are the region's text; yes/no and "Other" are ours.
    own = [question.kind != QuestionKind.YES_NO for _bar in summary.bars]
    if summary.other_count:
        rows.append((_("Other"), summary.other_count))
    return bar_chart(
        f"chart-q-{question.id}", question.label, rows, summary.answered, own, own_title=True
    )


def bar_label(question: Question, bar: Bar) -> str:
    """A bar's words as the board shows them: "Ja", "1 – Inte alls", an option's text."""
    if question.kind == QuestionKind.YES_NO:
        return str(YES_NO_LABELS[bar.key])
    if question.kind == QuestionKind.SCALE:
        ends = {"1": question.scale_min_label, "5": question.scale_max_label}
        return f"{bar.key} – {ends[bar.key]}" if ends.get(bar.key) else bar.key
    return bar.label
