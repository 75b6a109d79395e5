"""Response headers every page carries: CSP, framing, sniffing, referrer, HSTS."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

_CSP = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin: a private link in the address never travels to another site in a Referer.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure or _production():
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if _is_private_page():
        headers.setdefault("Cache-Control", "no-store")
    return response


def _production() -> bool:
    return current_app.config["ENV"] == "production"


def _is_private_link() -> bool:
    return request.path.startswith("/respond/")


def _is_private_page() -> bool:
    return request.path.startswith("/admin") or _is_private_link()


def init_app(app: Flask) -> None:
    app.after_request(_set_headers)
