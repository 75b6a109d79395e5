"""What every API response carries: open CORS, brief public caching, and errors as JSON."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from kick_forms.api import bp
from kick_forms.ops import faults
from kick_forms.ops.logging import log_unexpected

ALLOWED_METHODS = "GET, OPTIONS"
CACHE_SECONDS = 60


def _in_api() -> bool:
    prefix = bp.url_prefix or ""
    return request.path == prefix or request.path.startswith(prefix + "/")


def json_error(status: int, message: str) -> Response:
    """The one shape of every API error, so clients need a single branch for failures."""
    response = jsonify(error=message)
    response.status_code = status
    return response


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    response = json_error(error.code or 500, error.description or error.name)
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    return response


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    # As for pages, tests and the debugger get the traceback; clients get a short JSON message.
    if current_app.testing or current_app.debug:
        raise error
    reason = faults.unavailable(error)
    if reason is not None:
        log_unexpected(error, f"Open-data API unavailable ({reason})")
        response = json_error(503, "The service is unavailable for a moment; try again later.")
        response.headers["Retry-After"] = str(faults.RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response
    log_unexpected(error, "Open-data API request failed")
    return json_error(500, "Something went wrong on our side; try again in a moment.")


@bp.before_app_request
def _unmatched_api_url() -> Response | None:
    """A wrong URL or method under the API prefix: no blueprint matched, so answer here in JSON.

    Without this, the app's HTML error page would answer clients that expect JSON.
    """
    error = request.routing_exception
    if error is None or not _in_api() or not isinstance(error, HTTPException):
        return None
    if (error.code or 0) < 400:
        return None  # a redirect, such as to the URL without a trailing slash
    return _http_error(error)


@bp.after_app_request
def _open_data_headers(response: Response) -> Response:
    if not _in_api():
        return response
    # Open data without credentials: any site may read it from a browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Max-Age"] = "86400"
    elif request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
