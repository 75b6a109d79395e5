"""Questions that appear in place while an organisation changes a choice (htmx).

Without JavaScript the section is saved and shown again with the new questions; with htmx a
change to a choice that other questions of the section depend on asks this route which of them
to show now. It stores nothing: autosave and the section's buttons do that.
"""

from __future__ import annotations

from flask import redirect, request, url_for

from kick_forms import htmx
from kick_forms.consultations import conditions
from kick_forms.models import Response, Section
from kick_forms.responses import answers as answer_rules
from kick_forms.responses import bp, conditional
from kick_forms.responses import services as answering
from kick_forms.responses.views import _context, _load, _section


@bp.route("/respond/<token>/s/<int:number>/shown", methods=["POST"])
def shown(token: str, number: int):
    response = _load(token)
    current = _section(response, number)
    if not htmx.htmx_request().wants_fragment:  # only htmx asks; a browser gets the page
        return redirect(url_for(".section", token=token, number=number), code=303)

    stored = answering.draft_answers(response)
    now_shown = conditional.shown_while_typing(
        response.consultation, stored, current.questions, request.form
    )
    on_page = {int(value) for value in request.form.getlist("shown-question") if value.isdigit()}
    changed = [
        question
        for question in current.questions
        if question.shown_if_question_id and (question.id in now_shown) != (question.id in on_page)
    ]
    return htmx.render(
        "responses/section.html",
        "responses/_shown_questions.html",
        **_context(token, response, section=current, number=number, shown=now_shown,
                   changed=changed, problems={},
                   typed={q.id: answer_rules.typed_from(stored.get(q.id)) for q in changed}),
    )  # fmt: skip


@bp.app_template_global()
def shown_count(response: Response, section: Section) -> int:
    """How many of the section's questions the answer's working copy shows now: the overview's
    "3 of 3 answered" leaves out a question the answers keep hidden."""
    shown = conditions.shown_for(response.consultation, answering.draft_answers(response))
    return sum(1 for question in section.questions if question.id in shown)
