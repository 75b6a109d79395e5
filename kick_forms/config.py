"""Configuration: defaults, then the environment, then explicit overrides.

Every setting can be given as ``KICK_<NAME>`` in the environment; a few well-known ones
(``DATABASE_URL``, ``SECRET_KEY``, ``REDIS_URL``) are also read without the prefix.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kick_forms.redis_guard import client_options

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105  refused in production, see check()

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the chosen mode."""


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "ENV": "development",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'kick_forms.sqlite3'}",
        # hide_parameters: a database error's message (and so the log) never quotes the
        # statement's values, such as a contact person's name or e-mail address.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A staff session ends after this much inactivity (refreshed on each request).
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ("sv", "en"),
        "TIMEZONE": "Europe/Stockholm",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # While Redis is away, each process counts on its own rather than refusing requests.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
        # "Glömt lösenordet?": how long a reset link works, and how often one client, or one
        # address, may ask for one.
        "PASSWORD_RESET_MINUTES": 60,
        "PASSWORD_RESET_RATE_LIMIT": "5 per minute;20 per hour",
        "REDIS_URL": None,
        # Every Redis call (rate limits, metrics, the PDF cache) waits at most this long, and
        # after a failure Redis is left alone for KICK_REDIS_RETRY_SECONDS.
        "REDIS_TIMEOUT_SECONDS": 0.5,
        "REDIS_RETRY_SECONDS": 30.0,
        "HTMX_FILE": "vendor/htmx-4.0.1.min.js",
        "HTMX_SRI": "sha384-Qp9rdC8H7EqOoX+nR0P3RPG2Noji+qdwJlGpfzwQJsfOpp3sGwIdSP9xO3+UlEhn",
        # Request bodies above this are cut off; attachments have their own, smaller limit so
        # that a too-large file gets a clear message rather than a bare 413.
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "MAX_ATTACHMENT_BYTES": 10 * 1000 * 1000,
        "PUBLIC_WRITE_RATE_LIMIT": "30 per minute;300 per hour",
        # The board as PDF: drawing one costs about a second of CPU (cached per board state).
        "PDF_RATE_LIMIT": "10 per minute;60 per hour",
        # How long the link that confirms an organisation's request to be listed works.
        "REGISTRATION_CONFIRM_HOURS": 48,
        # How long the link that invites a colleague to set a password works.
        "STAFF_INVITATION_DAYS": 7,
        # How often an open consultation's live board asks for fresh numbers.
        "BOARD_REFRESH_SECONDS": 30,
        # Contact persons of an organisation with no activity for this long are deleted by
        # ``flask kick purge`` (about three years by default).
        "CONTACT_RETENTION_DAYS": 1095,
        # Who operates this installation, for the privacy notice and the accessibility
        # statement; the demo's operator by default. ACCESSIBILITY_EMAIL, which gets the
        # statement's reports, is OPERATOR_EMAIL when left empty.
        "OPERATOR_NAME": "Ideell kulturallians",
        "OPERATOR_ORG_NUMBER": "",
        "OPERATOR_ADDRESS": "",
        "OPERATOR_EMAIL": "kontakt@demo.kickforms.se",
        "OPERATOR_PHONE": "",
        "OPERATOR_DPO_EMAIL": "dataskydd@demo.kickforms.se",
        "ACCESSIBILITY_EMAIL": "",
        # Outgoing mail, sent by ``flask kick outbox`` from the outbox table.
        "MAIL_SERVER": "localhost",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,  # STARTTLS on a plain connection, usually port 587
        "MAIL_USE_SSL": False,  # TLS from the first byte, usually port 465
        "MAIL_FROM": "KICK Forms <no-reply@localhost>",
        "MAIL_TIMEOUT": 10,
        "MAIL_MAX_ATTEMPTS": 10,
        # The address of the service as organisations reach it, for links in mail that a
        # command (not a request) writes, such as reminders.
        "PUBLIC_URL": "http://127.0.0.1:8000",
        # Host names the app answers to (comma separated); any other Host header gets 400.
        # Empty: PUBLIC_URL's host, localhost and 127.0.0.1. "*": any host.
        "TRUSTED_HOSTS": "",
        # Days before a consultation closes at which ``flask kick remind`` reminds invited
        # organisations that have not answered.
        "REMINDER_DAYS": "7,1",
        # The KICK method: invitations this many weeks before closing, at the least.
        "INVITATION_WEEKS": 4,
        # Results of the survey on the dialogue's quality are shown from this many answers.
        "QUALITY_MIN_N": 5,
        # Logs: "text" as Flask and gunicorn write them, or "json", one object per line with
        # the request id.
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
        # GET /metrics in Prometheus format, only for these addresses or networks.
        "METRICS_ENABLED": False,
        "METRICS_ALLOW": "127.0.0.1,::1",
        # Names this instance's request counters in Redis; by default the machine's name and
        # KICK_BIND.
        "METRICS_INSTANCE": "",
        # How many reverse proxies (nginx) stand in front of the app and set X-Forwarded-For
        # and X-Forwarded-Proto; 0 trusts neither header.
        "PROXY_FIX": 0,
        # Compress pages and static files for browsers that accept gzip. Behind a proxy that
        # compresses (deploy/nginx does), false leaves the work to it.
        "COMPRESS": True,
        # Keep the public pages every visitor sees alike (a consultation's page, its board)
        # until the data they show changes, in each worker up to this many characters.
        "PAGE_CACHE": True,
        "PAGE_CACHE_BYTES": 64 * 1024 * 1024,
    }


_UNPREFIXED = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "REDIS_URL": "REDIS_URL",
}

_BOOLEAN = {
    "SESSION_COOKIE_SECURE",
    "TESTING",
    "RATELIMIT_ENABLED",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "METRICS_ENABLED",
    "COMPRESS",
    "PAGE_CACHE",
}

# The environment gives strings; these settings are whole numbers.
_INTEGER = (
    "INVITATION_WEEKS",
    "QUALITY_MIN_N",
    "MAIL_PORT",
    "MAIL_TIMEOUT",
    "MAIL_MAX_ATTEMPTS",
    "MAX_ATTACHMENT_BYTES",
    "BOARD_REFRESH_SECONDS",
    "CONTACT_RETENTION_DAYS",
    "REGISTRATION_CONFIRM_HOURS",
    "STAFF_INVITATION_DAYS",
    "PASSWORD_RESET_MINUTES",
    "PROXY_FIX",
    "PAGE_CACHE_BYTES",
)

# ... and these are numbers of seconds, with a fraction if need be.
_SECONDS = ("REDIS_TIMEOUT_SECONDS", "REDIS_RETRY_SECONDS")


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read settings from the environment: unprefixed well-known names, then KICK_*."""
    settings: dict[str, Any] = {}
    for env_name, key in _UNPREFIXED.items():
        if environ.get(env_name):
            settings[key] = environ[env_name]
    for env_name, value in environ.items():
        if not env_name.startswith("KICK_") or env_name.startswith("KICK_TEST_"):
            continue
        key = env_name.removeprefix("KICK_")
        if key == "DATABASE_URL":
            key = "SQLALCHEMY_DATABASE_URI"
        settings[key] = value.lower() in {"1", "true", "yes", "on"} if key in _BOOLEAN else value
    return settings


def normalise_database_url(url: str) -> str:
    """Let operators write postgres:// or postgresql:// and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def trusted_hosts(setting: str | list[str] | None, public_url: str) -> list[str] | None:
    """Flask's TRUSTED_HOSTS from KICK_TRUSTED_HOSTS; None (any host) only when asked by "*".

    By default the public address's host, and the machine's own names for the health checks
    and metrics that ask the app server directly.
    """
    if setting is None or isinstance(setting, list):
        return setting
    names = [name.strip() for name in setting.split(",") if name.strip()]
    if names == ["*"]:
        return None
    if names:
        return names
    public_host = urlsplit(public_url).hostname
    return [*([public_host] if public_host else []), "localhost", "127.0.0.1"]


def finalise(config: dict[str, Any]) -> None:
    """Derive settings that depend on others, then refuse unsafe production settings."""
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True,
        **config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    if config.get("REDIS_URL") and config.get("RATELIMIT_STORAGE_URI") == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    for key in _INTEGER:
        try:
            config[key] = int(config[key])
        except (TypeError, ValueError):
            raise ConfigError(f"KICK_{key} must be a whole number, not {config[key]!r}.") from None
    for key in _SECONDS:
        try:
            config[key] = float(config[key])
        except (TypeError, ValueError):
            raise ConfigError(
                f"KICK_{key} must be a number of seconds, not {config[key]!r}."
            ) from None
    storage = str(config["RATELIMIT_STORAGE_URI"])
    if storage.startswith(("redis://", "rediss://", "redis+unix://")):
        # A Redis that does not answer costs one request the timeout; then the limits count in
        # each process until Redis is tried again.
        guarded = client_options(
            storage, config["REDIS_TIMEOUT_SECONDS"], config["REDIS_RETRY_SECONDS"]
        )
        config["RATELIMIT_STORAGE_OPTIONS"] = {
            **guarded,
            **config.get("RATELIMIT_STORAGE_OPTIONS", {}),
        }
    if config["MAIL_USE_TLS"] and config["MAIL_USE_SSL"]:
        raise ConfigError("Set KICK_MAIL_USE_TLS (STARTTLS) or KICK_MAIL_USE_SSL, not both.")
    if config["LOG_FORMAT"] not in ("text", "json"):
        raise ConfigError(f"KICK_LOG_FORMAT must be text or json, not {config['LOG_FORMAT']!r}.")
    config["LOG_LEVEL"] = str(config["LOG_LEVEL"]).upper()
    config["TRUSTED_HOSTS"] = trusted_hosts(config["TRUSTED_HOSTS"], config["PUBLIC_URL"])
    config["ACCESSIBILITY_EMAIL"] = config["ACCESSIBILITY_EMAIL"] or config["OPERATOR_EMAIL"]
    if config["ENV"] == "production":
        if config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None) or len(config["SECRET_KEY"]) < 32:
            raise ConfigError(
                "KICK_ENV=production needs SECRET_KEY: at least 32 random characters, "
                "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
