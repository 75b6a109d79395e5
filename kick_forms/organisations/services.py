"""The region's register: finding organisations and keeping their entries.

Services flush and never commit; the view commits once.
"""

from __future__ import annotations

from collections import abc
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, insert, or_, select
from sqlalchemy.orm import selectinload

from kick_forms import audit
from kick_forms.board.exports import Table
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Municipality, OrganisationCategory, Region
from kick_forms.models.organisation import (
    Organisation,
    OrganisationContact,
    RegisterEntry,
    name_key,
    organisation_category_link,
)
from kick_forms.refusal import Refused
from kick_forms.timeutil import utcnow

PAGE_SIZE = 25
QUERY_MAX = 100


class RegisterError(Refused):
    """A change the register refuses, with a message for staff."""


@dataclass(frozen=True)
class RegisterSearch:
    words: str = ""
    category: str = ""
    municipality: str = ""
    page: int = 1

    @property
    def active(self) -> bool:
        return bool(self.words or self.category or self.municipality)


def search_from(args: abc.Mapping[str, str]) -> RegisterSearch:
    """A search from a page's query string (or a form), whatever was typed into it."""
    page = args.get("page", "1")
    return RegisterSearch(
        words=args.get("q", "")[:QUERY_MAX],
        category=args.get("category", "")[:40],
        municipality=args.get("municipality", "")[:4],
        page=int(page) if page.isdigit() and len(page) < 7 else 1,
    )


@dataclass
class Found:
    organisations: list[Organisation]
    total: int
    page: int
    pages: int


def matching(region: Region, search: RegisterSearch) -> Select:
    """The ids of the region's organisations that match. Without words or a municipality the
    register entries alone answer (an index-only count); the organisations are joined when
    their columns are asked about."""
    query = select(RegisterEntry.organisation_id.label("id")).where(
        RegisterEntry.region_id == region.id
    )
    words = " ".join(search.words.split()).casefold()[:QUERY_MAX]
    if words or search.municipality:
        query = query.join(Organisation, Organisation.id == RegisterEntry.organisation_id)
    if words:
        digits = "".join(c for c in words if c.isdigit())
        by_name = Organisation.name_key.contains(words, autoescape=True)
        if len(digits) == 10:
            number = f"{digits[:6]}-{digits[6:]}"
            query = query.where(or_(by_name, Organisation.organisation_number == number))
        else:
            query = query.where(by_name)
    if search.category:
        query = query.where(
            select(organisation_category_link.c.organisation_id)
            .where(
                organisation_category_link.c.organisation_id == RegisterEntry.organisation_id,
                organisation_category_link.c.category_key == search.category,
            )
            .exists()
        )
    if search.municipality:
        query = query.where(Organisation.municipality_code == search.municipality)
    return query


def find(region: Region, search: RegisterSearch) -> Found:
    """One page of the region's organisations that match, by name, and how many match."""
    matching_ids = matching(region, search)
    total = db.session.scalar(select(func.count()).select_from(matching_ids.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, search.page), pages)
    page_ids = (
        select(Organisation.id)
        .where(Organisation.id.in_(matching_ids))
        .order_by(Organisation.name_key, Organisation.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(page_ids))
        .order_by(Organisation.name_key, Organisation.id)
        .options(selectinload(Organisation.categories), selectinload(Organisation.municipality))
    ).all()
    return Found(list(organisations), total, page, pages)


@dataclass
class OrganisationData:
    name: str
    organisation_number: str | None
    municipality_code: str | None
    category_keys: list[str] = field(default_factory=list)
    website: str | None = None
    description: str = ""
    size_band: str | None = None


@dataclass(frozen=True)
class ContactData:
    """A contact person as an import brings it: e-mail checked, belonging to the region."""

    name: str
    email: str
    phone: str | None = None
    role: str | None = None


def register_organisation(region: Region, data: OrganisationData) -> Organisation:
    """A new organisation in the region's register; an organisation number already known
    anywhere lists that organisation instead of making a second one. The region that makes it
    owns its facts; a region that lists a known one gets an entry of its own and changes
    nothing of the other regions' register."""
    existing = (
        db.session.scalars(
            select(Organisation).filter_by(organisation_number=data.organisation_number)
        ).one_or_none()
        if data.organisation_number
        else None
    )
    if existing is not None:
        if registered(region, existing):
            raise RegisterError(_l("%(name)s is already in the register.", name=existing.name))
        db.session.add(RegisterEntry(region_id=region.id, organisation_id=existing.id))
        db.session.flush()
        # Listing another region's organisation: its owner can see who else lists it.
        for listing in listing_regions(existing):
            audit.record("register.list", f"organisation:{existing.id}", listing,
                         f"by=region:{region.slug}")  # fmt: skip
        return existing
    organisation = Organisation(name=data.name.strip(), owner_region_id=region.id)
    _apply(organisation, data)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(RegisterEntry(region_id=region.id, organisation_id=organisation.id))
    db.session.flush()
    return organisation


def listing_regions(organisation: Organisation) -> list[Region]:
    """Every region whose register lists the organisation, by name."""
    return list(
        db.session.scalars(
            select(Region)
            .join(RegisterEntry, RegisterEntry.region_id == Region.id)
            .where(RegisterEntry.organisation_id == organisation.id)
            .order_by(Region.name)
        )
    )


def update_organisation(region: Region, organisation: Organisation, data: OrganisationData) -> None:
    """Change the organisation's core facts, for every region that lists it. Only its owner
    region or KICK's staff may (see ``Organisation.facts_changeable_by``); the change is
    audited in every region that lists it, so none finds its register rewritten unawares."""
    if data.organisation_number and data.organisation_number != organisation.organisation_number:
        taken = db.session.scalars(
            select(Organisation.id).filter_by(organisation_number=data.organisation_number)
        ).first()
        if taken is not None:
            raise RegisterError(_l("Another organisation in KICK Forms has this number."))
    before = facts_of(organisation)
    _apply(organisation, data)
    audit_facts_change(region, organisation, before)


def audit_facts_change(
    region: Region, organisation: Organisation, before: dict[str, object]
) -> None:
    """Record a change of the shared facts in every region that lists the organisation."""
    db.session.flush()
    after = facts_of(organisation)
    changed = ",".join(name for name in before if before[name] != after[name])
    if not changed:
        return
    for listing in listing_regions(organisation):
        audit.record(
            "organisation.update",
            f"organisation:{organisation.id}",
            listing,
            f"by=region:{region.slug} fields={changed}",
        )


def facts_of(organisation: Organisation) -> dict[str, object]:
    """The core facts every region that lists the organisation shares."""
    return {
        "name": organisation.name,
        "organisation_number": organisation.organisation_number,
        "municipality": organisation.municipality_code,
        "categories": sorted(category.key for category in organisation.categories),
        "website": organisation.website,
        "description": organisation.description,
        "size": organisation.size_band,
    }


def entry_of(region: Region, organisation: Organisation) -> RegisterEntry:
    """The region's own listing of an organisation in its register."""
    return db.session.scalars(
        select(RegisterEntry).filter_by(region_id=region.id, organisation_id=organisation.id)
    ).one()


def update_notes(region: Region, organisation: Organisation, notes: str) -> None:
    """The region's own notes on an organisation; other regions neither see nor change them."""
    entry_of(region, organisation).notes = notes.strip()
    db.session.flush()
    audit.record("register.notes", f"organisation:{organisation.id}", region)


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    categories = category_lookup()
    organisation.name = data.name.strip()
    organisation.organisation_number = data.organisation_number or None
    organisation.municipality = (
        db.session.get(Municipality, data.municipality_code) if data.municipality_code else None
    )
    organisation.categories = [categories[key] for key in data.category_keys if key in categories]
    organisation.website = (data.website or "").strip() or None
    organisation.description = (data.description or "").strip()
    organisation.size_band = data.size_band or None


def category_lookup() -> dict[str, OrganisationCategory]:
    return {
        category.key: category
        for category in db.session.scalars(
            select(OrganisationCategory).order_by(OrganisationCategory.position)
        )
    }


def organisations_by_number(numbers: abc.Iterable[str | None]) -> dict[str, int]:
    """Which of these organisation numbers an organisation in KICK Forms has, and which one,
    in a query per thousand numbers."""
    wanted = list(dict.fromkeys(number for number in numbers if number))
    return {
        number: organisation_id
        for start in range(0, len(wanted), 1000)
        for number, organisation_id in db.session.execute(
            select(Organisation.organisation_number, Organisation.id).where(
                Organisation.organisation_number.in_(wanted[start : start + 1000])
            )
        )
    }


def register_many(
    region: Region,
    rows: list[OrganisationData],
    contacts: list[list[ContactData]] | None = None,
) -> int:
    """Register many organisations at once, as an import does, in a few statements per
    thousand rows: the known organisation numbers are listed, the others inserted in bulk;
    ``contacts``, beside the rows, are each one's contact persons, the region's own. The
    rows are checked beforehand (see ``importing``). Returns how many contacts were added."""
    known = organisations_by_number(data.organisation_number for data in rows)
    new = [data for data in rows if data.organisation_number not in known]
    now = utcnow()
    new_ids = _insert_organisations(region, new, now)
    inserted = iter(new_ids)
    # Each row's organisation: the known one its number names, else the one just inserted.
    ids = [known.get(data.organisation_number or "") or next(inserted) for data in rows]
    links = [
        {"organisation_id": organisation_id, "category_key": key}
        for organisation_id, data in zip(new_ids, new, strict=True)
        for key in dict.fromkeys(data.category_keys)
    ]
    if links:
        db.session.execute(insert(organisation_category_link), links)
    entries = [
        {"region_id": region.id, "organisation_id": organisation_id, "added_at": now}
        for organisation_id in ids
    ]
    if entries:
        db.session.execute(insert(RegisterEntry), entries)
    return add_contacts_many(region, ids, contacts, now) if contacts else 0


def add_contacts_many(
    region: Region,
    ids: list[int],
    contacts: list[list[ContactData]],
    now: datetime | None = None,
) -> int:
    """The region's contact persons of these organisations (``contacts`` beside ``ids``), but
    for addresses it already has for the same organisation. Returns how many were added."""
    now = now or utcnow()
    had = {
        (organisation_id, email.casefold())
        for start in range(0, len(ids), 1000)
        for organisation_id, email in db.session.execute(
            select(OrganisationContact.organisation_id, OrganisationContact.email).where(
                OrganisationContact.region_id == region.id,
                OrganisationContact.organisation_id.in_(ids[start : start + 1000]),
            )
        )
    }
    values = [
        {
            "organisation_id": organisation_id,
            "region_id": region.id,
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "role": contact.role,
            "created_at": now,
        }
        for organisation_id, people in zip(ids, contacts, strict=True)
        for contact in people
        if (organisation_id, contact.email.casefold()) not in had
    ]
    if values:
        db.session.execute(
            insert(OrganisationContact), values, execution_options={"render_nulls": True}
        )
    return len(values)


def _insert_organisations(region: Region, rows: list[OrganisationData], now: datetime) -> list[int]:
    """Insert new organisations in bulk; their ids in the order of ``rows``.

    The ids come back unordered, so each row is found again by its name and municipality,
    which an import makes unique (``importing.judge``): asking the database to keep the order
    makes SQLite insert one row per statement. NULLs are written out so that every row has the
    same columns: otherwise rows are grouped by the facts they lack, and joining the groups'
    results costs the square of the rows (19 s for 20 000).
    """
    if not rows:
        return []
    values = [
        {
            "name": data.name.strip(),
            "name_key": name_key(data.name),
            "organisation_number": data.organisation_number or None,
            "municipality_code": data.municipality_code,
            "website": (data.website or "").strip() or None,
            "description": (data.description or "").strip(),
            "size_band": data.size_band or None,
            "owner_region_id": region.id,
            "created_at": now,
            "updated_at": now,
        }
        for data in rows
    ]
    keys = [(row["name_key"], row["municipality_code"]) for row in values]
    options = {"render_nulls": True}
    if len(set(keys)) < len(keys):  # not from an import: let the database keep the order
        returning = insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True)
        return list(db.session.scalars(returning, values, execution_options=options))
    returning = insert(Organisation).returning(
        Organisation.id, Organisation.name_key, Organisation.municipality_code
    )
    ids = {
        (key, municipality): organisation_id
        for organisation_id, key, municipality in db.session.execute(
            returning, values, execution_options=options
        )
    }
    return [ids[key] for key in keys]


def registered(region: Region, organisation: Organisation) -> bool:
    return (
        db.session.scalars(
            select(RegisterEntry.id).filter_by(region_id=region.id, organisation_id=organisation.id)
        ).first()
        is not None
    )


def region_organisation(region: Region, organisation_id: int) -> Organisation | None:
    """An organisation in this region's register, or None: others are not the region's to see."""
    return db.session.scalars(
        select(Organisation)
        .join(RegisterEntry, RegisterEntry.organisation_id == Organisation.id)
        .where(RegisterEntry.region_id == region.id, Organisation.id == organisation_id)
    ).one_or_none()


def add_contact(  # noqa: PLR0913
    region: Region,
    organisation: Organisation,
    name: str,
    email: str,
    phone: str | None = None,
    role: str | None = None,
) -> OrganisationContact:
    """A contact person collected by this region, which alone sees, exports and erases it."""
    contact = OrganisationContact(
        region_id=region.id,
        name=name.strip(),
        email=email.strip(),
        phone=(phone or "").strip() or None,
        role=(role or "").strip() or None,
    )
    organisation.all_contacts.append(contact)
    db.session.flush()
    return contact


def region_contact(
    region: Region, organisation: Organisation, contact_id: int
) -> OrganisationContact | None:
    """One of the region's own contact persons of the organisation, or None."""
    return next((c for c in organisation.contacts_of(region) if c.id == contact_id), None)


def register_table(region: Region) -> Table:
    """The region's register in the columns the import reads, ordered by name."""
    from kick_forms.organisations.forms import SIZE_LABELS

    organisations = db.session.scalars(
        select(Organisation)
        .join(RegisterEntry, RegisterEntry.organisation_id == Organisation.id)
        .where(RegisterEntry.region_id == region.id)
        .order_by(Organisation.name_key, Organisation.id)
        .options(selectinload(Organisation.categories), selectinload(Organisation.municipality))
    ).all()
    headers = [_("Name"), _("Organisation number"), _("Municipality"), _("Kind of organisation"),
               _("Website"), _("Description"), _("Size")]  # fmt: skip
    rows: list[list[str | None]] = [
        [
            organisation.name,
            organisation.organisation_number,
            organisation.municipality.name if organisation.municipality else None,
            "; ".join(category.name for category in organisation.categories) or None,
            organisation.website,
            organisation.description or None,
            str(SIZE_LABELS[organisation.size_band]) if organisation.size_band else None,
        ]
        for organisation in organisations
    ]
    return Table(headers, rows)


@dataclass
class Mapping:
    """The region's register counted by kind of organisation and municipality."""

    municipalities: list[Municipality]
    categories: list[OrganisationCategory]
    counts: dict[tuple[str, str], int]  # (municipality code, category key) -> organisations
    by_municipality: dict[str, int]
    by_category: dict[str, int]
    elsewhere: int  # organisations with no municipality in the region
    total: int
    growth: list[tuple[str, int]]  # (year-month, organisations in the register by its end)

    def gaps(self, category: OrganisationCategory) -> list[Municipality]:
        """The region's municipalities where no organisation of this kind is registered."""
        return [m for m in self.municipalities if not self.counts.get((m.code, category.key))]


def mapping_report(region: Region) -> Mapping:
    """Counted by the database: one GROUP BY per breakdown, whatever the register's size."""
    entries = select(RegisterEntry.organisation_id).where(RegisterEntry.region_id == region.id)
    municipalities = list(
        db.session.scalars(
            select(Municipality).filter_by(region_id=region.id).order_by(Municipality.name)
        )
    )
    categories = list(
        db.session.scalars(select(OrganisationCategory).order_by(OrganisationCategory.position))
    )
    counts = {
        (code, key): count
        for code, key, count in db.session.execute(
            select(
                Organisation.municipality_code,
                organisation_category_link.c.category_key,
                func.count(),
            )
            .join(
                organisation_category_link,
                organisation_category_link.c.organisation_id == Organisation.id,
            )
            .where(Organisation.id.in_(entries))
            .group_by(Organisation.municipality_code, organisation_category_link.c.category_key)
        )
        if code is not None
    }
    by_municipality = dict(
        db.session.execute(
            select(Organisation.municipality_code, func.count())
            .where(Organisation.id.in_(entries))
            .group_by(Organisation.municipality_code)
        )
        .tuples()
        .all()
    )
    by_category = dict(
        db.session.execute(
            select(organisation_category_link.c.category_key, func.count())
            .where(organisation_category_link.c.organisation_id.in_(entries))
            .group_by(organisation_category_link.c.category_key)
        )
        .tuples()
        .all()
    )
    total = sum(by_municipality.values())
    own = {m.code for m in municipalities}
    elsewhere = sum(count for code, count in by_municipality.items() if code not in own)
    return Mapping(municipalities, categories, counts, by_municipality, by_category, elsewhere,
                   total, _growth(region))  # fmt: skip


def _growth(region: Region) -> list[tuple[str, int]]:
    """Organisations in the register at the end of each month from the first addition to the
    last, a month without additions included, so the growth reads month by month."""
    month = func.strftime("%Y-%m", RegisterEntry.added_at)
    if db.session.get_bind().dialect.name == "postgresql":
        month = func.to_char(RegisterEntry.added_at, "YYYY-MM")
    added: dict[str, int] = dict(
        db.session.execute(
            select(month, func.count()).where(RegisterEntry.region_id == region.id).group_by(month)
        )
        .tuples()
        .all()
    )
    if not added:
        return []
    year, number = (int(part) for part in min(added).split("-"))
    running, growth = 0, []
    while (key := f"{year:04d}-{number:02d}") <= max(added):
        running += added.get(key, 0)
        growth.append((key, running))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return growth
