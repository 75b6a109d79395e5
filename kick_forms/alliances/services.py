"""Reading and changing the regional culture alliances; the changes are KICK's staff's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import AuditEvent, CultureAlliance, Region

# The audit log's actions for the staff's changes. The reference data loader reads them too: a
# region whose alliances staff have changed gets no new alliance from the data file.
ADDED, CHANGED, REMOVED = "alliance.add", "alliance.change", "alliance.remove"
STAFF_ACTIONS = (ADDED, CHANGED, REMOVED)

# Ideell kulturallians (IKA), which runs the KICK project: its own page, as the project names it.
IKA_URL = "https://www.facebook.com/Ideellkulturallians/"

FACEBOOK_HOSTS = frozenset({"facebook.com", "www.facebook.com", "m.facebook.com", "fb.com"})

# Swedish alphabetical order puts å, ä and ö after z, whatever the database's collation.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


class AllianceError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AllianceData:
    name: str
    region: Region
    url: str


def swedish_key(text: str) -> str:
    return text.casefold().translate(_SWEDISH_ORDER)


def on_facebook(url: str) -> bool:
    """Whether the address is on Facebook, so that the link can say so before it is followed."""
    host = (urlsplit(url).hostname or "").lower()
    return host in FACEBOOK_HOSTS


def regions_with_alliances() -> list[Region]:
    """Every region in Swedish alphabetical order, its alliances loaded in the same round trip."""
    regions = db.session.scalars(select(Region).options(selectinload(Region.alliances))).all()
    return sorted(regions, key=lambda region: swedish_key(region.name))


def sorted_alliances(region: Region) -> list[CultureAlliance]:
    return sorted(region.alliances, key=lambda alliance: swedish_key(alliance.name))


def find_alliance(alliance_id: int) -> CultureAlliance | None:
    return db.session.get(CultureAlliance, alliance_id)


def name_taken(name: str, alliance: CultureAlliance | None = None) -> bool:
    """Whether another alliance has this name, in any case: names must tell them apart."""
    query = select(CultureAlliance.id).where(func.lower(CultureAlliance.name) == name.lower())
    if alliance is not None:
        query = query.where(CultureAlliance.id != alliance.id)
    return db.session.scalar(query) is not None


def _taken(name: str) -> AllianceError:
    return AllianceError(
        str(_l("There is already an alliance called %(name)s. Choose another name.", name=name))
    )


def _flush_unique(name: str) -> None:
    """Flush; a name taken by a concurrent request becomes the same error as one taken before.
    The caller rolls back on the error."""
    try:
        db.session.flush()
    except IntegrityError:
        raise _taken(name) from None


def add_alliance(data: AllianceData, now: datetime) -> CultureAlliance:
    """A new alliance added by KICK's staff; the reference data never changes it."""
    if name_taken(data.name):
        raise _taken(data.name)
    alliance = CultureAlliance(
        name=data.name, url=data.url, region_id=data.region.id, edited_at=now
    )
    db.session.add(alliance)
    _flush_unique(data.name)
    return alliance


def change_alliance(alliance: CultureAlliance, data: AllianceData, now: datetime) -> None:
    """Change an alliance and mark it as the staff's, so loading the reference data keeps it."""
    if name_taken(data.name, alliance):
        raise _taken(data.name)
    alliance.name = data.name
    alliance.url = data.url
    alliance.region_id = data.region.id
    alliance.edited_at = now
    _flush_unique(data.name)


def remove_alliance(alliance: CultureAlliance) -> None:
    db.session.delete(alliance)
    db.session.flush()


def staff_kept_region_ids() -> set[int]:
    """Regions whose alliances KICK's staff have changed: one of them edited, or an addition,
    change or removal in the audit log (a removal leaves nothing else behind)."""
    edited = select(CultureAlliance.region_id).where(CultureAlliance.edited_at.is_not(None))
    logged = select(AuditEvent.region_id).where(
        AuditEvent.action.in_(STAFF_ACTIONS), AuditEvent.region_id.is_not(None)
    )
    return set(db.session.scalars(edited.union(logged)))
