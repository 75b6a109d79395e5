"""Helping to start an alliance: organisations say they want one, KICK's staff start it.

Where a region has no culture alliance, an organisation can say it wants to help start one.
Its contact person confirms from a mailed single-use link (the interest counts only then, so
nobody can be signed up by someone else); the public sees how many organisations per region
want one. When KICK's staff start the alliance, it is added to the list and every confirmed
contact person of that region gets a mail with its address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

from kick_forms.alliances import services as alliances
from kick_forms.board.exports import Table, local_minute
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import AllianceInterest, CultureAlliance, Municipality, Region
from kick_forms.tokens import hash_token, looks_like_token, new_token


@dataclass(frozen=True)
class InterestData:
    organisation_name: str
    municipality_code: str | None
    contact_name: str
    contact_email: str


def express_interest(
    region: Region, data: InterestData, now: datetime, link_for: Callable[[str], str]
) -> AllianceInterest:
    """An organisation's wish to help start the region's alliance, and the mail with the link
    that confirms it. A region that has an alliance takes no interest: join it instead."""
    if region.alliances:
        raise alliances.AllianceError(
            str(_l("%(region)s already has a culture alliance: join it.", region=region.name))
        )
    token = new_token()
    interest = AllianceInterest(
        region_id=region.id,
        organisation_name=" ".join(data.organisation_name.split()),
        municipality_code=data.municipality_code or None,
        contact_name=data.contact_name.strip(),
        contact_email=data.contact_email.strip(),
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["REGISTRATION_CONFIRM_HOURS"]),
    )
    db.session.add(interest)
    db.session.flush()
    enqueue_mail(
        interest.contact_email,
        str(
            _l(
                "Confirm that %(name)s wants to help start a culture alliance",
                name=interest.organisation_name,
            )
        ),  # fmt: skip
        render_template(
            "alliances/mail/confirm_interest.txt",
            interest=interest,
            region=region,
            link=link_for(token),
        ),
        now=now,
    )
    return interest


def find_by_link(token: str) -> AllianceInterest | None:
    """The unconfirmed interest behind a confirmation link; None once the link has been used."""
    if not looks_like_token(token):
        return None
    return db.session.scalars(
        select(AllianceInterest).filter_by(token_hash=hash_token(token))
    ).one_or_none()


def confirm(interest: AllianceInterest, now: datetime) -> None:
    """The contact person confirmed: the interest counts now, and the link stops working."""
    interest.confirmed_at = now
    interest.token_hash = None
    db.session.flush()


def _waiting():  # type: ignore[no-untyped-def]
    """Confirmed interests whose alliance has not started yet."""
    return select(AllianceInterest).where(
        AllianceInterest.confirmed_at.is_not(None), AllianceInterest.told_at.is_(None)
    )


def counts() -> dict[int, int]:
    """Per region, how many organisations wait for an alliance: each address counted once,
    however often it confirmed."""
    waiting = _waiting().subquery()
    addresses = func.count(func.distinct(func.lower(waiting.c.contact_email)))
    query = select(waiting.c.region_id, addresses).group_by(waiting.c.region_id)
    return dict(db.session.execute(query).tuples().all())


def waiting_in(region: Region | None = None) -> list[AllianceInterest]:
    """The confirmed interests still waiting, oldest first, in one region or in all."""
    query = _waiting().order_by(AllianceInterest.region_id, AllianceInterest.confirmed_at)
    if region is not None:
        query = query.where(AllianceInterest.region_id == region.id)
    return list(db.session.scalars(query))


def waiting_by_region() -> dict[int, list[AllianceInterest]]:
    """The confirmed interests still waiting, by region id."""
    by_region: dict[int, list[AllianceInterest]] = {}
    for interest in waiting_in():
        by_region.setdefault(interest.region_id, []).append(interest)
    return by_region


def interest_table(interests: list[AllianceInterest]) -> Table:
    """The interests as a table for KICK's staff, to download as CSV like the register."""
    regions = {region.id: region.name for region in db.session.scalars(select(Region))}
    municipalities = Municipality.names()
    return Table(
        [str(_l("Region")), str(_l("Organisation")), str(_l("Municipality")),
         str(_l("Contact person")), str(_l("Email")), str(_l("Confirmed"))],
        [
            [regions.get(interest.region_id, ""), interest.organisation_name,
             municipalities.get(interest.municipality_code or ""), interest.contact_name,
             interest.contact_email, local_minute(interest.confirmed_at)]
            for interest in interests
        ],
    )  # fmt: skip


def start_alliance(data: alliances.AllianceData, now: datetime) -> tuple[CultureAlliance, int]:
    """Add the region's alliance and write to every address that waited for it, once; the
    number of mails queued comes back with the alliance."""
    alliance = alliances.add_alliance(data, now)
    told: set[str] = set()
    for interest in waiting_in(data.region):
        interest.told_at = now
        interest.alliance_id = alliance.id
        if interest.contact_email.casefold() in told:
            continue  # one mail to an address that waited twice
        told.add(interest.contact_email.casefold())
        enqueue_mail(
            interest.contact_email,
            str(_l("%(name)s has started", name=alliance.name)),
            render_template(
                "alliances/mail/started.txt",
                interest=interest,
                alliance=alliance,
                region=data.region,
            ),
            now=now,
        )
    db.session.flush()
    return alliance, len(told)
