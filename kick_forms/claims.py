"""Claiming something once, across processes and machines: by inserting a row only one
transaction can insert (its primary key), as the reminders and the digests claim a day."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite

from kick_forms.extensions import db


def claim(model: type[Any], **key: Any) -> bool:
    """Insert the row ``key`` names into ``model``'s table unless it is there: True for the one
    transaction that inserted it, False for every other (it waits for the first to end)."""
    connection = db.session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    first_key = inspect(model).primary_key[0]
    claimed = connection.execute(
        dialect.insert(model).values(**key).on_conflict_do_nothing().returning(first_key)
    )
    return claimed.first() is not None
