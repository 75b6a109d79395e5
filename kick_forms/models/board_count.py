"""The summary board's counters, kept in the transactions that submit, change and withdraw."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kick_forms.extensions import db

ALL = ""  # the municipality or category of a cell that counts every one
RESPONSE_LEVEL = 0  # the question id of the counts that are about whole responses


class BoardCount(db.Model):
    """How many submitted responses in one cell of the board's filters have one property.

    A cell is a municipality (or all) crossed with a kind of organisation (or all), so each
    filter the board offers reads exactly one cell. The property is a key within a question:
    ``answered``, a chosen option ``o:<id>``, ``other``, a scale or yes/no value ``c:<value>``,
    or a number ``n:<value>`` (with the value in ``number``, a histogram for the median). For
    the responses themselves (question 0): ``responses``, ``organisations`` (distinct) and
    ``category:<key>``.
    """

    __table_args__ = (
        # The board's breakdown by municipality reads one key across the municipalities.
        Index(
            "ix_board_count_key",
            "consultation_id",
            "category_key",
            "question_id",
            "key",
            "municipality_code",
        ),
    )

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    category_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    question_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    number: Mapped[int | None]
    total: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return (
            f"<BoardCount {self.consultation_id} {self.municipality_code or '*'}"
            f"/{self.category_key or '*'} q{self.question_id} {self.key}={self.total}>"
        )
