"""Words the records use: how an answer reached the region (shared with the staff exports),
and the one language records are written in."""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import current_app
from flask_babel import force_locale, pgettext

from kick_forms.models import Channel


def channel_label(channel: str) -> str:
    """The channel in words (Swedish: formulär, e-post, post, möte)."""
    labels = {
        Channel.FORM: pgettext("channel of an answer", "Form"),
        Channel.EMAIL: pgettext("channel of an answer", "E-mail"),
        Channel.POST: pgettext("channel of an answer", "Post"),
        Channel.MEETING: pgettext("channel of an answer", "Meeting"),
    }
    return labels.get(channel, channel)


def record_language() -> AbstractContextManager[None]:
    """Records read the same whoever makes them, in a request or in the mail worker: in the
    installation's first language."""
    return force_locale(current_app.config["LANGUAGES"][0])
