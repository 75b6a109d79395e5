"""The alliances are reference data, kept between tests: put back whatever a test changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, insert, select

from kick_forms.extensions import db
from kick_forms.models import CultureAlliance

TABLE = CultureAlliance.__table__


@pytest.fixture(autouse=True)
def alliances_restored(app) -> Iterator[None]:
    with db.engine.connect() as connection:
        kept = [dict(row) for row in connection.execute(select(TABLE)).mappings()]
    yield
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(delete(TABLE))
        connection.execute(insert(TABLE), kept)


def alliance(name: str) -> CultureAlliance:
    return db.session.scalars(select(CultureAlliance).filter_by(name=name)).one()
