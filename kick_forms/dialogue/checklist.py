"""The KICK method as a checklist in four phases: prepare, plan, carry out, follow up.

Staff tick the items; where KICK Forms knows something that bears on an item (invitations sent,
meetings recorded, feedback published, survey answers), the checklist shows it beside the item
as evidence, but only staff decide that an item is done. The one exception is whether the
feedback is published: KICK Forms knows that for certain, so that item follows the publication
and can never say otherwise than the board does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from kick_forms.dialogue import quality
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.i18n import ngettext
from kick_forms.models import (
    ChecklistTick,
    Consultation,
    ConsultationStatus,
    DialogueMeeting,
    Invitation,
    User,
)


@dataclass(frozen=True)
class Item:
    key: str
    text: Any  # a lazy string
    hint: Any = ""
    # Done exactly when KICK Forms records it, not by a tick (see ``derived_ticks``).
    derived: bool = False


@dataclass(frozen=True)
class Phase:
    key: str
    title: Any
    items: tuple[Item, ...]


PHASES: tuple[Phase, ...] = (
    Phase(
        "prepare",
        _l("Prepare"),
        (
            Item(
                "earlier_plans",
                _l("Earlier cultural plans and the feedback given on them are reviewed"),
                _l("What did organisations say last time, and what did the region do with it?"),
            ),
            Item(
                "register_gaps",
                _l("The register is checked for gaps"),
                _l(
                    "Which kinds of organisation and which municipalities are missing? "
                    "See the mapping report."
                ),
            ),
            Item(
                "questions_tested",
                _l("The questions are tested on a few organisations"),
                _l("Plain language, and questions an association can answer without an expert."),
            ),
        ),
    ),
    Phase(
        "plan",
        _l("Plan"),
        (
            Item(
                "invitation_early",
                _l("Invitations are sent in good time"),
                _l("At least the number of weeks before closing that KICK recommends."),
            ),
            Item(
                "volunteer_times",
                _l("Times and places suit volunteers"),
                _l("Evenings or weekends, in several parts of the county, and online."),
            ),
            Item(
                "accessible_meetings",
                _l("Meetings and material are accessible"),
                _l(
                    "Step-free premises, hearing loop, interpretation on request, "
                    "easy-to-read material."
                ),
            ),
            Item("feedback_plan", _l("How and when feedback will be given is decided and told")),
        ),
    ),
    Phase(
        "carry_out",
        _l("Carry out"),
        (
            Item(
                "form_open",
                _l("The form is open and easy to find"),
                _l("On KICK Forms and embedded on the region's website."),
            ),
            Item(
                "dialogue_meetings",
                _l("Dialogue meetings are held and recorded alongside the form"),
                _l("Record each meeting below, with its minutes."),
            ),
            Item("reminders", _l("Those who have not answered are reminded")),
        ),
    ),
    Phase(
        "follow_up",
        _l("Follow up"),
        (
            Item(
                "feedback_published",
                _l("Feedback is published: what the region did with the input"),
                _l("Done once you publish the feedback in KICK Forms."),
                derived=True,
            ),
            Item(
                "quality_survey",
                _l("The survey on the dialogue's quality is done"),
                _l("By the organisations that took part and by the region's staff."),
            ),
        ),
    ),
)

ITEMS = {item.key: item for phase in PHASES for item in phase.items}
TICKED_ITEMS = [key for key, item in ITEMS.items() if not item.derived]


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def derived_ticks(consultation: Consultation) -> dict[str, ChecklistTick]:
    """The items KICK Forms itself knows are done, as ticks that are never stored."""
    if consultation.feedback_published_at is None:
        return {}
    tick = ChecklistTick(
        consultation_id=consultation.id,
        item_key="feedback_published",
        done_at=consultation.feedback_published_at,
    )
    return {tick.item_key: tick}


def ticks(consultation: Consultation) -> dict[str, ChecklistTick]:
    stored = db.session.scalars(select(ChecklistTick).filter_by(consultation_id=consultation.id))
    found = {tick.item_key: tick for tick in stored if tick.item_key in TICKED_ITEMS}
    return found | derived_ticks(consultation)


def progress_of(consultation_ids: Sequence[int]) -> dict[int, Progress]:
    """Items done per consultation, in one query: for lists of consultations."""
    if not consultation_ids:
        return {}
    done = dict(
        db.session.execute(
            select(ChecklistTick.consultation_id, func.count())
            .where(
                ChecklistTick.consultation_id.in_(consultation_ids),
                ChecklistTick.item_key.in_(TICKED_ITEMS),
            )
            .group_by(ChecklistTick.consultation_id)
        )
        .tuples()
        .all()
    )
    published = set(
        db.session.scalars(
            select(Consultation.id).where(
                Consultation.id.in_(consultation_ids),
                Consultation.feedback_published_at.is_not(None),
            )
        )
    )
    return {
        cid: Progress(done.get(cid, 0) + (cid in published), len(ITEMS)) for cid in consultation_ids
    }


def set_done(consultation: Consultation, key: str, done: bool, user: User, now: datetime) -> None:
    """Tick or untick an item; ticking twice keeps the first tick. An item KICK Forms
    decides itself (the feedback's publication) is left as it is."""
    if key not in ITEMS:
        raise KeyError(key)
    if ITEMS[key].derived:
        return
    existing = db.session.get(ChecklistTick, (consultation.id, key))
    if done and existing is None:
        db.session.add(
            ChecklistTick(consultation_id=consultation.id, item_key=key, done_at=now,
                          done_by_id=user.id)
        )  # fmt: skip
    elif not done and existing is not None:
        db.session.execute(
            delete(ChecklistTick).filter_by(consultation_id=consultation.id, item_key=key)
        )
    db.session.flush()


def invitation_weeks() -> int:
    return int(current_app.config["INVITATION_WEEKS"])


def evidence(consultation: Consultation) -> dict[str, Any]:
    """What KICK Forms knows that bears on an item, as a sentence for staff."""
    found: dict[str, Any] = {}
    first_invited = db.session.scalar(
        select(func.min(Invitation.invited_at)).filter_by(consultation_id=consultation.id)
    )
    if first_invited is not None and consultation.closes_at is not None:
        weeks = (consultation.closes_at - first_invited) // timedelta(weeks=1)
        found["invitation_early"] = ngettext(
            "The first invitations went out %(num)d week before closing (recommended: %(weeks)d).",
            "The first invitations went out %(num)d weeks before closing (recommended: %(weeks)d).",
            weeks,
            weeks=invitation_weeks(),
        )
    meetings = db.session.scalar(
        select(func.count()).select_from(DialogueMeeting).filter_by(consultation_id=consultation.id)
    )
    if meetings:
        found["dialogue_meetings"] = ngettext(
            "%(num)d meeting recorded.", "%(num)d meetings recorded.", meetings
        )
    if consultation.feedback_published_at is not None:
        found["feedback_published"] = _("Feedback published in KICK Forms.")
    sides = quality.results(consultation)
    if any(side.n for side in sides.values()):
        found["quality_survey"] = _(
            "Answers so far: %(organisations)d from organisations, %(staff)d from staff.",
            organisations=sides["organisation"].n,
            staff=sides["staff"].n,
        )
    return found


def is_public(consultation: Consultation) -> bool:
    """The checklist shows on the board once the region has published its results."""
    return (
        consultation.feedback_published_at is not None
        or consultation.status == ConsultationStatus.PUBLISHED
    )
