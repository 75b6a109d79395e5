"""One number that grows with every committed change to what the public pages show."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from kick_forms.extensions import db


class DataEpoch(db.Model):
    """A single row: ``value`` is raised in the same transaction as every write to a table that
    a page may show (``kick_forms.page_cache``), so a page rendered at one value is the page
    any later request would render at that value."""

    __tablename__ = "data_epoch"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(default=0)
