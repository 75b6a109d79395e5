"""The consultation's diarienummer where organisations meet it: its public page and the mails
about it (receipt, invitation, reminder)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.invitations import services as invitations
from kick_forms.models import OutboxMessage
from kick_forms.timeutil import utcnow
from tests.invitations.test_invitations import _invite, _list, _staff
from tests.records.conftest import REGISTRY_NUMBER
from tests.records.test_registrar import _answer

PAGE = "/r/kronoberg/c/kulturplan/"


def _bodies() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id)).all()


def test_the_public_page_and_the_receipt_give_the_diarienummer(client, consultation):
    assert "Diarienummer" not in client.get(PAGE).get_data(as_text=True)
    consultation.registry_number = REGISTRY_NUMBER
    db.session.commit()
    page = client.get(PAGE).get_data(as_text=True)
    assert "<dt>Diarienummer</dt><dd>RS 2026/1234</dd>" in page

    _answer(client, consultation, "Lessebo")
    receipt = _bodies()[-1]
    assert receipt.startswith("Hej Karin Andersson!")
    assert f"\nDiarienummer: {REGISTRY_NUMBER}\n" in receipt
    assert "\nReferens: KF-" in receipt and "\nSkickat: " in receipt


def test_invitations_and_reminders_give_the_diarienummer(client, consultation):
    consultation.registry_number = REGISTRY_NUMBER
    db.session.commit()
    _list("kronoberg", "Ljungby hembygdsförening", ("Britt Lund", "britt@example.se"))
    _invite(_staff(client), consultation)
    [invitation] = _bodies()
    assert f"\nDiarienummer: {REGISTRY_NUMBER}\n" in invitation

    now = utcnow()
    consultation.closes_at = now + timedelta(days=1, hours=6)
    db.session.commit()
    invitations.send_reminders(now, [7, 1])
    reminder = _bodies()[-1]
    assert reminder != invitation and f"diarienummer {REGISTRY_NUMBER})" in reminder
