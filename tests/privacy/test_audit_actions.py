"""Every event the code records has words in the audit log, in Swedish, and no other can be
recorded."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from flask_babel import force_locale

from kick_forms import audit
from kick_forms.extensions import db
from kick_forms.models import AuditEvent, Role
from kick_forms.review import services as review
from kick_forms.timeutil import utcnow
from tests.conftest import login, make_user, region

PACKAGE = Path(audit.__file__).parent
RECORDERS = {"record", "record_read"}


def _recorded_actions() -> set[str]:
    """The first argument of every call that records an event, where it is a string or a
    module-level constant; an f-string fails the test, so a new one must be listed here."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name not in RECORDERS:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant):
                found.add(first.value)
            elif isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name):
                owner = importlib.import_module(module)
                found.add(getattr(getattr(owner, first.value.id), first.attr))
            elif isinstance(first, ast.JoinedStr) and module == "kick_forms.review.services":
                found.update(f"review.{decision}" for decision in review.DECISIONS)
            elif isinstance(first, ast.Name):
                continue  # a parameter passed on, checked where its value is written
            else:
                raise AssertionError(f"{path}:{node.lineno}: an action the test cannot read")
    return found


def test_every_action_the_code_records_is_known_and_worded():
    actions = _recorded_actions()
    assert len(actions) >= 40
    assert actions <= set(audit.ACTIONS), sorted(actions - set(audit.ACTIONS))


def test_every_action_has_swedish_words(app):
    with force_locale("sv"):
        untranslated = [key for key, label in audit.ACTIONS.items() if str(label) == label._args[0]]
    assert untranslated == []


def test_an_unknown_action_is_refused_before_anything_is_written(app):
    with pytest.raises(ValueError, match="made.up"):
        audit.record("made.up", "consultation:1", region("kronoberg"))
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 0


def test_the_log_shows_the_words_of_events_it_used_to_show_raw(client):
    kronoberg = region("kronoberg")
    for action in ("review.hide", "response.enter", "staff.invite", "twofactor.reset"):
        db.session.add(AuditEvent(at=utcnow(), region_id=kronoberg.id, action=action))
    db.session.commit()
    login(client, make_user("kronoberg", Role.ADMIN))
    html = client.get("/admin/r/kronoberg/audit").get_data(as_text=True)
    for words in (
        "Dolde en text eller ett yttrande för allmänheten",
        "Registrerade ett svar som kommit in på annat sätt",
        "Bjöd in en medarbetare",
        "Nollställde en medarbetares tvåstegsverifiering",
    ):
        assert words in html
    assert "review.hide" not in html and "twofactor.reset" not in html
