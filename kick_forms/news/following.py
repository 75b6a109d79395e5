"""Following regions and KICK's news by e-mail, without an account.

Anyone gives an address and what to follow; the choice counts once confirmed from a mailed
single-use link. A digest, daily or weekly, lists what happened since the last one: consultations
that opened, the last week before a deadline, feedback published, news. Never more than one mail a
day per address, however many things happened, and however often or on how many machines the
digest command runs: the day is claimed by inserting a row only one transaction can insert. Every
digest can be stopped with one POST to its unsubscribe link, which the mail also names in its
List-Unsubscribe headers. Services flush and never commit, except the digest command, which
commits each follower's claim and mail together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_request_context, render_template
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from kick_forms.claims import claim
from kick_forms.extensions import db, sqlite_begin
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import (
    Consultation,
    ConsultationStatus,
    DigestDay,
    DigestFrequency,
    Follower,
    Region,
)
from kick_forms.news import updates
from kick_forms.timeutil import to_local
from kick_forms.tokens import hash_token, looks_like_token, new_token
from kick_forms.urls import public_url_for

UNSUBSCRIBE_SALT = "kick-forms-follow-unsubscribe"
FREQUENCIES = {
    DigestFrequency.DAILY: _l("every day something happened"),
    DigestFrequency.WEEKLY: _l("once a week"),
}
# The last week before a deadline: a digest reminds of it once, when the week begins.
CLOSING_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class FollowChoice:
    email: str
    regions: Sequence[Region]
    national: bool
    frequency: str
    opened: bool = True
    closing: bool = True
    feedback: bool = True
    news: bool = True


def ask_to_follow(choice: FollowChoice, now: datetime, link_for: Callable[[str], str]) -> Follower:
    """A choice waiting for its confirmation, and the mail with the link that confirms it."""
    token = new_token()
    follower = Follower(
        email=choice.email.strip(),
        token_hash=hash_token(token),
        secret=new_token(),
        regions=list(choice.regions),
        national=choice.national,
        frequency=choice.frequency,
        opened=choice.opened,
        closing=choice.closing,
        feedback=choice.feedback,
        news=choice.news,
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["REGISTRATION_CONFIRM_HOURS"]),
    )
    db.session.add(follower)
    db.session.flush()
    enqueue_mail(
        follower.email,
        str(_l("Confirm that you want news from KICK Forms by e-mail")),
        render_template("news/mail/confirm_follow.txt", follower=follower, link=link_for(token)),
        now=now,
    )
    return follower


def find_by_link(token: str) -> Follower | None:
    """The unconfirmed choice behind a confirmation link; None once the link has been used."""
    if not looks_like_token(token):
        return None
    return db.session.scalars(
        select(Follower)
        .filter_by(token_hash=hash_token(token))
        .options(selectinload(Follower.regions))
    ).one_or_none()


def confirm(follower: Follower, now: datetime) -> None:
    """The address confirmed: this choice counts from now on, replacing any earlier one of the
    same address, and the link stops working."""
    for other in db.session.scalars(
        select(Follower).where(
            func.lower(Follower.email) == follower.email.lower(), Follower.id != follower.id
        )
    ):
        db.session.delete(other)
    follower.confirmed_at = now
    follower.covered_until = now
    follower.token_hash = None
    db.session.flush()


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(follower: Follower) -> str:
    return _signer().dumps([follower.id, follower.secret])


def find_by_unsubscribe_token(token: str) -> Follower | None:
    """The follower an unsubscribe link names, while it still follows."""
    try:
        follower_id, secret = _signer().loads(token[:300])
    except (BadData, ValueError, TypeError):
        return None
    follower = db.session.get(Follower, follower_id) if isinstance(follower_id, int) else None
    if follower is None or follower.secret != secret or follower.confirmed_at is None:
        return None
    return follower


def unsubscribe(follower: Follower) -> None:
    """Stop the digests: the address and its choices are deleted, not kept."""
    db.session.delete(follower)
    db.session.flush()


# The digest ----------------------------------------------------------------------------------


@dataclass
class DigestReport:
    followers: int = 0  # confirmed followers looked at
    mails: int = 0
    nothing_new: int = 0
    already_today: int = 0


@dataclass
class Digest:
    """What one follower's digest lists."""

    updates: list[updates.Update] = field(default_factory=list)
    closing: list[Consultation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.updates or self.closing)


def send_digests(now: datetime) -> DigestReport:
    """Queue each due follower's digest of what happened since the last one."""
    if not has_request_context():
        # Links in the mails need the public address; a command has no request to learn it from.
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
            return send_digests(now)
    report = DigestReport()
    day = to_local(now).date()
    follower_ids = db.session.scalars(
        select(Follower.id).where(Follower.confirmed_at.is_not(None)).order_by(Follower.id)
    ).all()
    for follower_id in follower_ids:
        # Read afresh: an earlier follower's commit expired what was loaded, and this one may
        # have unsubscribed meanwhile.
        follower = db.session.get(Follower, follower_id, options=[selectinload(Follower.regions)])
        if follower is None:
            continue
        report.followers += 1
        if not _due(follower, now):
            continue
        digest = digest_for(follower, now)
        if not digest:
            report.nothing_new += 1
            continue
        token = sqlite_begin.set("IMMEDIATE")
        try:
            db.session.commit()  # end the read, so the claim starts a transaction of its own
            follower = db.session.get(Follower, follower_id)
            if follower is None:  # unsubscribed meanwhile
                db.session.rollback()
                continue
            if not claim(DigestDay, follower_id=follower_id, day=day):
                report.already_today += 1
                db.session.rollback()
                continue
            _queue(follower, digest, now)
            report.mails += 1
            db.session.commit()
        finally:
            sqlite_begin.reset(token)
    return report


def _due(follower: Follower, now: datetime) -> bool:
    since = follower.covered_until or follower.confirmed_at
    assert since is not None
    if follower.frequency == DigestFrequency.WEEKLY:
        return since <= now - timedelta(days=7)
    return to_local(since).date() < to_local(now).date()


def digest_for(follower: Follower, now: datetime) -> Digest:
    """What happened in the follower's scope since their last digest, by their choices."""
    since = follower.covered_until or follower.confirmed_at
    region_ids = frozenset(region.id for region in follower.regions)
    kinds = frozenset(
        kind
        for kind, wanted in (
            (updates.CONSULTATION_OPENED, follower.opened),
            (updates.FEEDBACK_PUBLISHED, follower.feedback),
            (updates.NEWS, follower.news),
        )
        if wanted
    )
    scope = updates.Scope(region_ids, national=follower.national)
    digest = Digest(updates.between(since, now, scope, kinds, limit=100))
    if follower.closing and region_ids:
        # The deadline's last week began since the last digest, and it has not passed.
        digest.closing = list(
            db.session.scalars(
                select(Consultation)
                .where(
                    Consultation.status == ConsultationStatus.OPEN,
                    Consultation.region_id.in_(region_ids),
                    Consultation.closes_at > now,
                    # Its last week began in the window: closes - a week in (since, now].
                    Consultation.closes_at > since + CLOSING_WEEK,
                    Consultation.closes_at <= now + CLOSING_WEEK,
                )
                .options(joinedload(Consultation.region))
                .order_by(Consultation.closes_at)
            )
        )
    return digest


def _queue(follower: Follower, digest: Digest, now: datetime) -> None:
    unsubscribe_url = public_url_for("news.unsubscribe", token=unsubscribe_token(follower))
    enqueue_mail(
        follower.email,
        str(_l("News from KICK Forms")),
        render_template(
            "news/mail/digest.txt",
            closing=[
                (
                    consultation,
                    public_url_for(
                        "regions.consultation_page",
                        region_slug=consultation.region.slug,
                        consultation_slug=consultation.slug,
                    ),
                )
                for consultation in digest.closing
            ],
            happened=[
                (update, public_url_for(update.endpoint, **dict(update.values)))
                for update in digest.updates
            ],
            frequency=FREQUENCIES[follower.frequency],
            unsubscribe_url=unsubscribe_url,
        ),  # fmt: skip
        now=now,
        unsubscribe_url=unsubscribe_url,
    )
    follower.covered_until = now
    db.session.flush()
