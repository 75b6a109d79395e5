"""Consultation templates KICK ships and a platform admin keeps, that regions start from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kick_forms.extensions import db
from kick_forms.models.consultation import TITLE_MAX
from kick_forms.timeutil import utcnow

TEMPLATE_KEY_MAX = 60
TEMPLATE_DESCRIPTION_MAX = 1_000


class ConsultationTemplate(db.Model):
    """A consultation's settings, sections, questions and options without answers, as the
    same snapshot a copy is made from (kick_forms.consultations.copying): starting from a
    template is copying its snapshot into a new draft."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(TEMPLATE_KEY_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(String(TEMPLATE_DESCRIPTION_MAX), default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
