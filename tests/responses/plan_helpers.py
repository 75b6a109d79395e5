"""A short plan's text for a consultation, made directly as rows (the import is tested apart)."""

from __future__ import annotations

from kick_forms.extensions import db
from kick_forms.models import Consultation, PlanChapter, PlanParagraph


def add_plan(consultation: Consultation) -> dict[str, PlanParagraph]:
    """Two chapters: "1. Inledning" with a paragraph, a subheading and a list; "2. Mål" with two
    paragraphs. The paragraphs by their number as people cite it ("1.2")."""
    first = PlanChapter(consultation_id=consultation.id, position=0, title="Inledning")
    first.paragraphs.extend(
        [
            PlanParagraph(kind="paragraph", number=1, text="Kulturen ska vara till för alla."),
            PlanParagraph(kind="heading", number=None, text="Så arbetar vi"),
            PlanParagraph(kind="list", number=2, text="- Dialog\n- Samverkan"),
        ]
    )
    second = PlanChapter(consultation_id=consultation.id, position=1, title="Mål")
    second.paragraphs.extend(
        [
            PlanParagraph(kind="paragraph", number=1, text="Fler ska delta i kulturlivet."),
            PlanParagraph(kind="paragraph", number=2, text="Bibliotek i varje kommun."),
        ]
    )
    db.session.add_all([first, second])
    db.session.commit()
    return {p.label: p for c in (first, second) for p in c.paragraphs if p.number}


def a_paragraph(consultation: Consultation) -> PlanParagraph:
    """A commentable paragraph of the consultation's plan, made with the plan if it has none:
    for the tests that fill every route's placeholders."""
    found = db.session.scalars(
        db.select(PlanParagraph)
        .join(PlanChapter)
        .where(PlanChapter.consultation_id == consultation.id, PlanParagraph.kind == "paragraph")
        .order_by(PlanParagraph.id)
    ).first()
    return found if found is not None else add_plan(consultation)["1.1"]
