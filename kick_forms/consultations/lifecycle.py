"""A consultation's life after opening: closing it before its planned time."""

from __future__ import annotations

from datetime import datetime

from kick_forms import audit
from kick_forms.consultations import services as builder
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Consultation, ConsultationStatus


def close_now(consultation: Consultation, now: datetime) -> datetime | None:
    """Close an open consultation at once; returns the closing time it had before.

    The closing time becomes now (unless it had already passed), so the public page, the board,
    its PDF and the open-data API all show when answering really ended. Audit-logged.
    """
    if consultation.status != ConsultationStatus.OPEN:
        raise builder.BuilderError(_l("Only an open consultation can be closed."))
    planned = consultation.closes_at
    builder.change_status(consultation, ConsultationStatus.CLOSED, now)
    detail = f"closes_at={_iso(consultation.closes_at)} planned={_iso(planned)}"
    audit.record(
        "consultation.close", f"consultation:{consultation.id}", consultation.region, detail
    )
    return planned


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"
