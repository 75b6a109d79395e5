"""The page behind a mailed single-use confirmation link (being listed in a register, wanting to
help start an alliance, following the news): one way for all of them.

A GET only shows a button, since mail scanners follow links and must not confirm anything; the
button posts with the form token. An unknown or used link answers 404, an expired one 410 with
a way to ask again; each page is private (never cached, the link masked in the logs).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Response, abort, redirect, render_template, request

from kick_forms.extensions import db
from kick_forms.forms import ActionForm
from kick_forms.security import private_page


def confirmation_page(
    expires_at: datetime | None,
    now: datetime,
    *,
    invalid_template: str,
    again: tuple[str, str],
    confirm_page: Callable[[ActionForm], str],
    confirm: Callable[[], None],
    done_url: str,
) -> Response:
    """The answer to a confirmation link: ``expires_at`` is None when the link names nothing
    (or was used); ``again`` is the address and label of the form to ask again."""
    if expires_at is None:
        return private_page(render_template(invalid_template), 404)
    if expires_at <= now:
        again_url, again_label = again
        expired = render_template(
            "confirmation_link_expired.html", again_url=again_url, again_label=again_label
        )
        return private_page(expired, 410)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        confirm()
        db.session.commit()
        return redirect(done_url, code=303)  # type: ignore[return-value]
    return private_page(confirm_page(form))
