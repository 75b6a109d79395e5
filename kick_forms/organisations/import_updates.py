"""What a second import changes in organisations the region's register already has.

A row that names a known organisation (by number, or by name and municipality) is an update:
each fact the file gives that differs from the register's is a ``Change``. Staff choose per
fact what to do with the changes (``FILL`` blanks only, the default; ``OVERWRITE``; or
``KEEP``). An empty cell in the file never changes anything, so nothing is deleted by an
import; the facts of an organisation the user may not change (another region owns them, see
``Organisation.facts_changeable_by``) are not changed at all, only its contact persons for
this region are added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kick_forms import audit
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Organisation, Region
from kick_forms.models.organisation import RegisterEntry, name_key
from kick_forms.organisations import services as register

FILL, OVERWRITE, KEEP = "fill", "overwrite", "keep"
CHOICES = {
    FILL: _l("Fill in what the register lacks"),
    OVERWRITE: _l("Overwrite with the file's value"),
    KEEP: _l("Keep the register's value"),
}
# The facts an update may change, in the order staff see them.
FACTS = ("name", "organisation_number", "municipality", "categories", "website", "description")
CHUNK = 1000


@dataclass(frozen=True)
class Change:
    """One fact of a known organisation that the file gives otherwise."""

    fact: str
    old: Any  # as stored: a text, a municipality code, a list of kind keys, or None
    new: Any
    taken: bool = False  # a number another organisation has: never applied

    @property
    def blank(self) -> bool:
        return self.old in (None, "", [])

    def applies(self, choice: str) -> bool:
        if self.taken:
            return False
        return choice == OVERWRITE or (choice == FILL and self.blank)


def choices_from(stored: dict[str, str] | None) -> dict[str, str]:
    """Staff's choice per fact, blanks filled in by default."""
    stored = stored or {}
    return {fact: stored.get(fact) if stored.get(fact) in CHOICES else FILL for fact in FACTS}


def known_organisations(ids: Iterable[int]) -> dict[int, Organisation]:
    """The organisations an import would update, with their kinds, in a few queries."""
    ids = list(dict.fromkeys(ids))
    found: dict[int, Organisation] = {}
    for start in range(0, len(ids), CHUNK):
        found.update(
            (organisation.id, organisation)
            for organisation in db.session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(ids[start : start + CHUNK]))
                .options(selectinload(Organisation.categories))
            )
        )
    return found


def changes(
    organisation: Organisation, data: register.OrganisationData, taken: dict[str, int]
) -> list[Change]:
    """The facts the file gives that differ from the organisation's; empty cells give none."""
    facts = register.facts_of(organisation)
    given = {
        "name": data.name.strip() or None,
        "organisation_number": data.organisation_number,
        "municipality": data.municipality_code,
        "categories": sorted(data.category_keys) or None,
        "website": data.website,
        "description": data.description.strip() or None,
    }
    found = []
    for fact in FACTS:
        new, old = given[fact], facts[fact]
        if new is None or new == old:
            continue
        if fact == "name" and name_key(new) == name_key(old):
            continue  # the same name written otherwise
        number_taken = fact == "organisation_number" and taken.get(new, organisation.id) != (
            organisation.id
        )
        found.append(Change(fact, old, new, taken=number_taken))
    return found


def apply(region: Region, updates: list[tuple[int, list[Change]]], choices: dict[str, str]) -> int:
    """Apply staff's choices to the organisations, which the caller has found theirs to change
    (``Organisation.facts_changeable_by``); audited in every region that lists each changed
    one, as an edit on its page is. Returns how many organisations changed."""
    organisations = known_organisations(organisation_id for organisation_id, _ in updates)
    kinds = register.category_lookup()
    changed: dict[int, list[str]] = {}
    for organisation_id, found in updates:
        organisation = organisations[organisation_id]
        for change in found:
            if not change.applies(choices[change.fact]):
                continue
            _set(organisation, change, kinds)
            changed.setdefault(organisation_id, []).append(change.fact)
    if not changed:
        return 0
    db.session.flush()
    _audit(region, changed)
    return len(changed)


def _set(organisation: Organisation, change: Change, kinds: dict[str, Any]) -> None:
    if change.fact == "municipality":
        organisation.municipality_code = change.new
    elif change.fact == "categories":
        organisation.categories = [kinds[key] for key in change.new if key in kinds]
    else:
        setattr(organisation, change.fact, change.new)


def _audit(region: Region, changed: dict[int, list[str]]) -> None:
    listings: dict[int, list[int]] = {}
    ids = list(changed)
    for start in range(0, len(ids), CHUNK):
        for organisation_id, region_id in db.session.execute(
            select(RegisterEntry.organisation_id, RegisterEntry.region_id).where(
                RegisterEntry.organisation_id.in_(ids[start : start + CHUNK])
            )
        ):
            listings.setdefault(organisation_id, []).append(region_id)
    regions = {r.id: r for r in db.session.scalars(select(Region))}
    for organisation_id, facts in changed.items():
        for region_id in listings.get(organisation_id, [region.id]):
            audit.record(
                "organisation.update",
                f"organisation:{organisation_id}",
                regions[region_id],
                f"by=region:{region.slug} import fields={','.join(facts)}",
            )
