"""Times are stored as naive UTC and shown, and typed, in Swedish local time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime | None) -> datetime | None:
    """A stored naive-UTC time as an aware Europe/Stockholm time."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(STOCKHOLM)


def from_local(local: datetime | None) -> datetime | None:
    """A naive wall-clock time in Stockholm (as typed in a form) as naive UTC for storage."""
    if local is None:
        return None
    return local.replace(tzinfo=STOCKHOLM).astimezone(UTC).replace(tzinfo=None)
