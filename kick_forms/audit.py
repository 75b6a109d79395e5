"""The audit log: who viewed, exported, erased or published what, for the region's staff to read.

``record`` adds an event to the caller's transaction, so an action and its record are kept or
lost together. Name the subject by kind and id; never write personal data into an event.
"""

from __future__ import annotations

from flask_login import current_user

from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Region
from kick_forms.timeutil import utcnow


def record(action: str, subject: str = "", region: Region | None = None, detail: str = "") -> None:
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    db.session.add(
        AuditEvent(
            at=utcnow(),
            region_id=region.id if region is not None else None,
            user_id=user_id,
            action=action,
            subject=subject,
            detail=detail,
        )
    )
