"""The staff's review queue of a consultation: publish, hide or mask free texts and statements.

Each item's decision posts to its own URL. With htmx the item (and the counts, and a spoken
message) is swapped in place; without JavaScript the post redirects back to the queue.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kick_forms import htmx
from kick_forms.consultations import responses as staff_responses
from kick_forms.consultations.permissions import (
    consultation_question,
    region_consultation,
    staff_region,
)
from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.i18n import gettext as _
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Attachment, Consultation, Region, Response, ReviewState, Role
from kick_forms.review import services as review
from kick_forms.review.forms import DecisionForm
from kick_forms.timeutil import utcnow

bp = Blueprint("review", __name__, url_prefix="/admin")
RULE = "/r/<region_slug>/c/<int:consultation_id>/review"

STATE_LABELS = {
    ReviewState.PENDING: _l("Unreviewed"),
    ReviewState.PUBLISHED: _l("Published"),
    ReviewState.REDACTED: _l("Published with masking"),
    ReviewState.HIDDEN: _l("Hidden"),
}


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a logged-in user."""


@bp.app_template_global()
def unreviewed_items(consultation: Consultation) -> int:
    """How many free texts and statements wait for review: for the links to the queue."""
    return review.unreviewed_count(consultation)


def _chosen_state() -> ReviewState:
    value = request.args.get("state", "")
    return ReviewState(value) if value in set(ReviewState) else ReviewState.PENDING


def _context(region: Region, consultation: Consultation, state: ReviewState) -> dict[str, Any]:
    return {
        "region": region,
        "consultation": consultation,
        "state": state,
        "labels": STATE_LABELS,
        "counts": review.state_counts(consultation),
        "can_edit": current_user.can_edit(region),
        "action_form": ActionForm(),
    }


def _queue(
    region: Region,
    consultation: Consultation,
    state: ReviewState,
    failed: tuple[review.Item, DecisionForm] | None = None,
):  # type: ignore[no-untyped-def]
    """The queue page; an item whose decision failed is shown with its form and errors."""
    items = review.queue(consultation, state)
    forms = {item.key: DecisionForm(prefix=item.key, formdata=None) for item in items}
    if failed is not None:
        item, form = failed
        if item.key not in forms:
            items.insert(0, item)
        forms[item.key] = form
    return htmx.render(
        "review/queue.html",
        status=422 if failed else 200,
        items=items,
        forms=forms,
        failed_key=failed[0].key if failed else None,
        shown_max=review.QUEUE_SHOWN,
        **_context(region, consultation, state),
    )


@bp.route(RULE)
def queue_page(region_slug: str, consultation_id: int):
    region = staff_region(region_slug)
    return _queue(region, region_consultation(region, consultation_id), _chosen_state())


@bp.route(f"{RULE}/responses/<int:response_id>/questions/<int:question_id>", methods=["POST"])
def decide_answer(region_slug: str, consultation_id: int, response_id: int, question_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    _response(consultation, response_id)
    consultation_question(consultation, question_id)
    item = review.answer_item(consultation, response_id, question_id)
    return _decide(region, consultation, item)


@bp.route(f"{RULE}/responses/<int:response_id>/files/<int:attachment_id>", methods=["POST"])
def decide_statement(region_slug: str, consultation_id: int, response_id: int, attachment_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    response = _response(consultation, response_id)
    owned = select(Attachment.id).filter_by(id=attachment_id, response_id=response.id)
    if db.session.scalar(owned) is None:
        abort(404)
    item = review.statement_item(consultation, response_id, attachment_id)
    return _decide(region, consultation, item)


@bp.route(f"{RULE}/responses/<int:response_id>/comments/<int:paragraph_id>", methods=["POST"])
def decide_comment(region_slug: str, consultation_id: int, response_id: int, paragraph_id: int):
    region = staff_region(region_slug, Role.EDITOR)
    consultation = region_consultation(region, consultation_id)
    _response(consultation, response_id)
    item = review.comment_item(consultation, response_id, paragraph_id)
    return _decide(region, consultation, item)


def _response(consultation: Consultation, response_id: int) -> Response:
    """A response to this consultation, or 404."""
    response = staff_responses.consultation_response(consultation, response_id)
    if response is None:
        abort(404)
    return response


def _decide(region: Region, consultation: Consultation, item: review.Item | None):  # type: ignore[no-untyped-def]
    """Take the decision posted on the item; an item that changed since the queue was shown
    (sent again with other text, withdrawn, never sent) is not decided on unseen."""
    if not ActionForm().validate_on_submit():
        abort(400)
    state = _chosen_state()
    queue_url = url_for(
        ".queue_page", region_slug=region.slug, consultation_id=consultation.id, state=state.value
    )
    if item is None or request.form.get("seen") != str(item.row.id):
        flash(
            _(
                "This answer or file has changed since the queue was shown, or is no longer "
                "sent. Here is the queue as it is now."
            ),
            "error",
        )
        return htmx.redirect(queue_url)
    form = DecisionForm(prefix=item.key)
    decision = form.decision.data or ""
    try:
        review.decide(
            consultation,
            item,
            decision,
            current_user,
            utcnow(),
            note=form.note.data or "",
            passages=form.passages.data or "",
        )
    except review.ReviewError as error:
        db.session.rollback()
        getattr(form, error.field).errors = [str(error.message)]
        if htmx.htmx_request().wants_fragment:
            return htmx.render(
                "review/_item.html",
                status=422,
                item=item,
                form=form,
                inline_errors=True,
                **_context(region, consultation, state),
            )
        return _queue(region, consultation, state, failed=(item, form))
    db.session.commit()
    message = _decided_message(item, decision)
    if htmx.htmx_request().wants_fragment:
        return htmx.render(
            "review/_decided.html",
            item=item,
            form=DecisionForm(prefix=item.key, formdata=None),
            focus=True,
            message=message,
            **_context(region, consultation, state),
        )
    flash(message, "success")
    return htmx.redirect(f"{queue_url}#item-{item.key}")


def _decided_message(item: review.Item, decision: str) -> str:
    organisation = item.response.organisation_name
    if item.answer is not None and item.question is not None:
        question = item.question.label
        return {
            review.PUBLISH: _(
                "The answer from %(organisation)s to “%(question)s” is published.",
                organisation=organisation,
                question=question,
            ),
            review.HIDE: _(
                "The answer from %(organisation)s to “%(question)s” is hidden.",
                organisation=organisation,
                question=question,
            ),
            review.REDACT: _(
                "The answer from %(organisation)s to “%(question)s” is published with the "
                "passages masked.",
                organisation=organisation,
                question=question,
            ),
        }[decision]
    if item.comment is not None and item.paragraph is not None:
        return {
            review.PUBLISH: _(
                "The comment from %(organisation)s on paragraph %(number)s is published.",
                organisation=organisation,
                number=item.paragraph.label,
            ),
            review.HIDE: _(
                "The comment from %(organisation)s on paragraph %(number)s is hidden.",
                organisation=organisation,
                number=item.paragraph.label,
            ),
            review.REDACT: _(
                "The comment from %(organisation)s on paragraph %(number)s is published with "
                "the passages masked.",
                organisation=organisation,
                number=item.paragraph.label,
            ),
        }[decision]
    filename = item.attachment.filename if item.attachment else ""
    if decision == review.HIDE:
        return _(
            "The statement %(file)s from %(organisation)s is hidden.",
            file=filename,
            organisation=organisation,
        )
    return _(
        "The statement %(file)s from %(organisation)s is published.",
        file=filename,
        organisation=organisation,
    )
