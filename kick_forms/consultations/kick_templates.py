"""The consultation templates KICK ships and a platform admin keeps, that regions start from.

A template is a snapshot (kick_forms.consultations.copying). KICK ships its templates as data
files; ``load_shipped_templates`` adds them, and updates one only while it is still exactly as
shipped: the snapshot carries the fingerprint of what was shipped, so once a platform admin has
changed the title, the description or the questions, the next load leaves the template alone.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from sqlalchemy import select

from kick_forms.consultations.copying import snapshot
from kick_forms.extensions import db
from kick_forms.models import Consultation, ConsultationTemplate, User

SHIPPED = ("template_regional_kulturplan.json",)
SHIPPED_MARK = "shipped"


def fingerprint(title: str, description: str, data: dict[str, Any]) -> str:
    """A hash of a template's content, its shipped mark left out."""
    content = {key: value for key, value in data.items() if key != SHIPPED_MARK}
    text = json.dumps([title, description, content], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _as_shipped(template: ConsultationTemplate) -> bool:
    mark = template.snapshot.get(SHIPPED_MARK)
    return mark == fingerprint(template.title, template.description, template.snapshot)


def shipped_templates() -> list[dict[str, Any]]:
    folder = resources.files("kick_forms.data")
    return [json.loads(folder.joinpath(name).read_text("utf-8")) for name in SHIPPED]


def load_shipped_templates() -> int:
    """Add KICK's templates, or update those nobody has changed; how many rows changed."""
    changed = 0
    for shipped in shipped_templates():
        title, description = shipped["title"], shipped["description"]
        data = dict(shipped["snapshot"])
        data[SHIPPED_MARK] = fingerprint(title, description, data)
        template = db.session.scalars(
            select(ConsultationTemplate).filter_by(key=shipped["key"])
        ).one_or_none()
        if template is None:
            template = ConsultationTemplate(key=shipped["key"])
            db.session.add(template)
        elif not _as_shipped(template) or template.snapshot == data:
            continue
        template.title, template.description, template.snapshot = title, description, data
        changed += 1
    db.session.flush()
    return changed


def all_templates() -> list[ConsultationTemplate]:
    return list(
        db.session.scalars(select(ConsultationTemplate).order_by(ConsultationTemplate.title))
    )


def template_snapshot(consultation: Consultation) -> dict[str, Any]:
    """What a template keeps of a consultation: neither the region's files nor its registrar's
    mailbox, which belong to that region."""
    data = snapshot(consultation)
    data["documents"] = []
    data["settings"]["registrar_email"] = None
    return data


def save_as_template(template: ConsultationTemplate, consultation: Consultation, by: User) -> None:
    """Make the template's questions and settings those of the consultation."""
    template.snapshot = template_snapshot(consultation)
    template.updated_by_id = by.id
    db.session.flush()


def describe_template(
    template: ConsultationTemplate, title: str, description: str, by: User
) -> None:
    """Change what regions read about the template when they choose one."""
    template.title = title.strip()
    template.description = (description or "").strip()
    template.updated_by_id = by.id
    db.session.flush()
