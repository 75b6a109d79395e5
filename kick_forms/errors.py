"""Error pages for people: in their language, inside the site's layout, never a stack trace."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, Response, current_app, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, SecurityError

from kick_forms import htmx
from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.ops import faults
from kick_forms.ops.logging import log_unexpected

_MESSAGES = {
    400: (_l("The request could not be understood"), _l("Go back, reload the page and try again.")),
    403: (_l("You may not do this"), _l("Your role in this region does not allow it.")),
    404: (_l("Page not found"), _l("Check the address, or start from the home page.")),
    405: (_l("Not allowed"), _l("This page cannot be used like that.")),
    413: (_l("The file is too large"), _l("Choose a smaller file and try again.")),
    429: (
        _l("Too many attempts"),
        _l("Wait a minute and try again. The limit protects everyone's accounts and answers."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you sent was half-saved. Try again in a moment."),
    ),
    503: (
        _l("The service is busy"),
        _l("Many are asking for the same thing just now. Wait a few seconds and try again."),
    ),
}
_CSRF_MESSAGE = (
    _l("The form had expired"),
    _l("For your security a form is valid only for a while. Reload the page and send it again."),
)
# Over HTTPS a form must come with the page it was sent from (the Referer header). A privacy
# extension or setting that strips it would get "expired" for ever; say what is wrong instead.
_CSRF_REFERRER_MESSAGE = (
    _l("The form could not be checked"),
    _l(
        "Your browser did not say which page the form was sent from, and this site needs that "
        "to know the form is its own. A privacy setting or extension may hold it back: allow "
        "this site to send the referring page, then reload the page and send the form again."
    ),
)


_UNKNOWN_HOST_MESSAGE = (
    _l("Unknown address"),
    _l("This service does not answer to this address. Check the address and try again."),
)


def _error_response(status: int, title: str, message: str) -> Response:
    template = "errors/_error.html" if htmx.htmx_request().is_htmx else "errors/error.html"
    try:
        body = render_template(template, status=status, title=title, message=message)
    except Exception as failure:
        if current_app.testing:
            raise  # tests see the failure itself, as they see every unexpected exception
        # The page around the message failed too; the message alone is still a page, and the
        # security headers are added to it like to any other.
        log_unexpected(failure, f"The error page for {status} could not be drawn")
        return _bare_error_response(status, title, message)
    response = make_response(body, status)
    # htmx swaps error responses too; put the message where the page's content is.
    return htmx.retarget(htmx.vary_on_htmx(response), "#main", "innerHTML")


def _bare_error_response(status: int, title: str, message: str) -> Response:
    """The error as a page of its own, with no link or layout that needs the URL map."""
    body = (
        f'<!doctype html>\n<html lang="{escape(str(get_locale() or "sv"))}">\n'
        f'<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
        f"<h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n"
    )
    return make_response(body, status)


def _handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status < 400:
        return error  # type: ignore[return-value]
    if isinstance(error, SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for this request.
        title, message = _UNKNOWN_HOST_MESSAGE
        return _bare_error_response(400, str(title), str(message))
    title, message = _MESSAGES.get(status, _MESSAGES[500 if status >= 500 else 400])
    response = _error_response(status, str(title), str(message))
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


def _handle_csrf_error(error: CSRFError) -> Response:
    # Flask-WTF's reasons: "The referrer header is missing." or "... does not match the host."
    referrer = "referrer" in (error.description or "")
    title, message = _CSRF_REFERRER_MESSAGE if referrer else _CSRF_MESSAGE
    return _error_response(400, str(title), str(message))


_UNAVAILABLE_MESSAGES = {
    faults.Unavailable.DATABASE: (
        _l("The service is unavailable for a moment"),
        _l(
            "We cannot reach our database just now, so nothing can be shown or saved. Nothing "
            "you sent was half-saved. Try again in a few minutes."
        ),
    ),
    faults.Unavailable.DISK_FULL: (
        _l("The service is unavailable for a moment"),
        _l(
            "Our server has no room to save anything just now. Nothing you sent was half-saved. "
            "Try again in a while."
        ),
    ),
    faults.Unavailable.DISK: (
        _l("The service is unavailable for a moment"),
        _l(
            "Our server cannot save anything just now. Nothing you sent was half-saved. "
            "Try again in a while."
        ),
    ),
}


def _handle_unexpected(error: Exception) -> Response:
    """A bug (500), or the database or disk failing under us (503): logged either way."""
    reason = faults.unavailable(error)
    if reason is None:
        log_unexpected(error, "Unexpected error")
        title, message = _MESSAGES[500]
        return _error_response(500, str(title), str(message))
    log_unexpected(error, f"Service unavailable ({reason})")
    _end_failed_transaction()
    title, message = _UNAVAILABLE_MESSAGES[reason]
    response = _error_response(503, str(title), str(message))
    response.headers["Retry-After"] = str(faults.RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"  # the fault passes; no cache may keep it
    return response


def _end_failed_transaction() -> None:
    """So that drawing the error page may still read (the user, say) if the database can."""
    with suppress(Exception):  # the database is away: the page does without it
        db.session.rollback()


def unauthorised() -> Response:
    """Not logged in: to the login page, which for htmx means a full navigation."""
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if htmx.htmx_request().is_htmx:
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return htmx.vary_on_htmx(response)
    return htmx.vary_on_htmx(make_response("", 302, {"Location": login_url}))


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    if not app.testing and not app.debug:
        app.register_error_handler(Exception, _handle_unexpected)
