from __future__ import annotations

import pytest

from kick_forms.extensions import db
from kick_forms.reference import load_reference_data


@pytest.fixture
def examples(app):
    """The examples of ways of working as the reference data seeds them (tests delete them)."""
    load_reference_data()
    db.session.commit()
