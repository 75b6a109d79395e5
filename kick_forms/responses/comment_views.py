"""The answering flow's step "Comment on the plan's text": the plan's chapters and numbered
paragraphs, each with its comment box.

Without JavaScript a paragraph's "Comment" is a link to a page with the box; saving returns to
the text at the paragraph. With htmx the box opens in place, and saving swaps back the paragraph's
comment with a spoken confirmation. Once the consultation is closed every route here answers
409 and changes nothing, like the rest of the flow.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from kick_forms import htmx
from kick_forms.extensions import commit_keeping_loaded, db, limiter, public_write_limit
from kick_forms.i18n import gettext as _
from kick_forms.models import PlanParagraph, Response, ResponseVersion
from kick_forms.models.plan import ParagraphComment
from kick_forms.responses import bp
from kick_forms.responses import comments as commenting
from kick_forms.responses.comment_versions import draft_comments, version_comments
from kick_forms.responses.services import AnsweringError, ClosedError
from kick_forms.responses.views import _closed, _context, _load
from kick_forms.timeutil import utcnow


@bp.app_template_global()
def plan_comments_of(response: Response) -> dict[int, object]:
    """The draft's comments by paragraph id: for the overview's and check page's summaries."""
    return draft_comments(response)


@bp.app_template_global()
def plan_to_comment(response: Response) -> list:  # type: ignore[type-arg]
    """The plan's chapters, when the consultation has a text to comment on; else empty."""
    chapters = commenting.plan_of(response.consultation)
    commentable = any(
        commenting.is_commentable(paragraph)
        for chapter in chapters
        for paragraph in chapter.paragraphs
    )
    return chapters if commentable else []


def _paragraph(response: Response, paragraph_id: int) -> PlanParagraph:
    paragraph = commenting.commentable_paragraph(response.consultation, paragraph_id)
    if paragraph is None:
        abort(404)
    return paragraph


def _refuse_when_closed(token: str, response: Response) -> None:
    """Comment boxes are not offered once the consultation is closed: say so, with 409."""
    if not response.consultation.accepts_answers(utcnow()):
        abort(_closed(response.consultation, token))


def _at_paragraph(token: str, paragraph: PlanParagraph) -> str:
    return url_for(".plan", token=token, _anchor=f"p-{paragraph.id}")


@bp.route("/respond/<token>/plan")
def plan(token: str):
    response = _load(token)
    chapters = commenting.plan_of(response.consultation)
    if not any(commenting.is_commentable(p) for c in chapters for p in c.paragraphs):
        abort(404)
    return render_template(
        "responses/plan.html",
        **_context(
            token,
            response,
            chapters=chapters,
            comments=draft_comments(response),
            saved=request.args.get("saved"),
        ),
    )


def _form(token: str, response: Response, paragraph: PlanParagraph, typed: str, error=None):  # type: ignore[no-untyped-def]
    return htmx.render(
        "responses/comment.html",
        "responses/_comment_form.html",
        status=422 if error else 200,
        **_context(
            token,
            response,
            paragraph=paragraph,
            typed=typed,
            error=error,
            comment_max=commenting.COMMENT_MAX,
        ),
    )


@bp.route("/respond/<token>/plan/<int:paragraph_id>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def plan_comment(token: str, paragraph_id: int):
    response = _load(token)
    _refuse_when_closed(token, response)
    paragraph = _paragraph(response, paragraph_id)
    if request.method == "GET":
        comment = draft_comments(response).get(paragraph.id)
        return _form(token, response, paragraph, comment.text if comment else "")
    typed = (request.form.get("comment") or "")[: commenting.COMMENT_MAX * 2]
    try:
        kept = commenting.save_comment(response, paragraph, typed, utcnow())
    except ClosedError:
        raise
    except AnsweringError as error:
        db.session.rollback()
        return _form(token, response, paragraph, typed, error.message)
    commit_keeping_loaded()
    message = (
        _("Your comment on paragraph %(number)s is saved.", number=paragraph.label)
        if kept is not None
        else _("Your comment on paragraph %(number)s is removed.", number=paragraph.label)
    )
    if not htmx.htmx_request().wants_fragment:
        return redirect(
            url_for(".plan", token=token, saved=paragraph.id, _anchor=f"p-{paragraph.id}"),
            code=303,
        )
    return htmx.render(
        "responses/plan.html",
        "responses/_comment_saved.html",
        **_context(token, response, paragraph=paragraph, comment=kept, message=message),
    )


@bp.route("/respond/<token>/plan/<int:paragraph_id>/shown")
def plan_comment_shown(token: str, paragraph_id: int):
    """The paragraph's comment as it is, in place of its open box ("Cancel" with htmx)."""
    response = _load(token)
    _refuse_when_closed(token, response)
    paragraph = _paragraph(response, paragraph_id)
    if not htmx.htmx_request().wants_fragment:
        return redirect(_at_paragraph(token, paragraph), code=303)
    return htmx.render(
        "responses/plan.html",
        "responses/_comment.html",
        **_context(
            token,
            response,
            paragraph=paragraph,
            comment=draft_comments(response).get(paragraph.id),
            focus=True,
        ),
    )


@bp.app_template_global()
def sent_plan_comments(version: ResponseVersion) -> list[ParagraphComment]:
    """A sent version's comments in the plan's order: for its record."""
    return version_comments(version)
