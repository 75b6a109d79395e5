"""The request's translations follow a locale forced for a while (records in Swedish on an
English page) and come back after it."""

from __future__ import annotations

from flask_babel import force_locale

from kick_forms.i18n import gettext


def test_a_forced_locale_is_honoured_and_undone(app):
    # Each in an application context of its own, as each request has in production.
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert gettext("Skip to content") == "Skip to content"
        with force_locale("sv"):
            assert gettext("Skip to content") == "Gå direkt till innehållet"
        assert gettext("Skip to content") == "Skip to content"
    with app.app_context(), app.test_request_context("/"):
        assert gettext("Skip to content") == "Gå direkt till innehållet"
