"""The fields of a decision on one item of the queue; each item's fields carry its key as
prefix, so the page's many forms keep their own ids and what was typed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.response import REVIEW_NOTE_MAX


class DecisionForm(FlaskForm):
    """Read only: the CSRF token is the page's own (``ActionForm``), checked before this."""

    class Meta:
        csrf = False

    decision = HiddenField()
    note = TextAreaField(
        _l("Why is it hidden?"),
        description=_l("For the region's staff. The public sees only that something was hidden."),
        render_kw={"maxlength": REVIEW_NOTE_MAX, "rows": 2},
    )
    passages = TextAreaField(
        _l("Passages to mask"),
        description=_l(
            "One per line, copied exactly as written. Every occurrence is replaced by "
            "[masked]; the original is kept for the records."
        ),
        render_kw={"rows": 3, "spellcheck": "false"},
    )
