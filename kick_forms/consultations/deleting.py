"""Deleting a consultation that never opened. Once opened, organisations may have read or
answered it, and what they sent is a public record: it can be closed, never deleted."""

from __future__ import annotations

from kick_forms.consultations.services import BuilderError
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Consultation, ConsultationStatus

REFUSAL = _l(
    "Only a draft can be deleted. A consultation that has been opened can be closed instead."
)


def can_delete(consultation: Consultation) -> bool:
    return consultation.status == ConsultationStatus.DRAFT


def delete_draft(consultation: Consultation) -> None:
    """Delete a draft with its sections, questions, documents and plan text."""
    if not can_delete(consultation):
        raise BuilderError(REFUSAL)
    db.session.delete(consultation)
    db.session.flush()
