"""The form on the accessibility statement for reporting a problem."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional

from kick_forms.forms import honeypot_field, length_limit
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models.response import EMAIL_MAX

PAGE_MAX = 500
PROBLEM_MAX = 5000


class ProblemReportForm(FlaskForm):
    """Posted from the statement page itself, with a session, so Flask-WTF's CSRF token
    protects it (the embedded frame links to the page in a new tab)."""

    fax_number = honeypot_field()

    page = StringField(
        _l("Which page is it about?"),
        description=_l("Its web address, or what the page is called."),
        validators=[
            DataRequired(_l("Tell us which page the problem is on.")),
            length_limit(PAGE_MAX),
        ],
        render_kw={"spellcheck": "false"},
    )
    problem = TextAreaField(
        _l("What is the problem?"),
        description=_l(
            "What did you try to do, and what happened? Tell us which browser or assistive "
            "technology you use, if you think it matters."
        ),
        validators=[
            DataRequired(_l("Describe the problem.")),
            length_limit(PROBLEM_MAX),
        ],
        render_kw={"rows": 6},
    )
    email = EmailField(
        _l("Your email address (optional)"),
        description=_l("If you want an answer. We also send a receipt there."),
        validators=[
            Optional(),
            Email(_l("Enter an email address like name@example.se."), check_deliverability=False),
            length_limit(EMAIL_MAX),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
