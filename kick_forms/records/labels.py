"""Words the records use: how an answer reached the region (the staff pages' words), and the
one language records are written in."""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import current_app
from flask_babel import force_locale

from kick_forms.consultations.labels import channel_label

__all__ = ["channel_label", "record_language"]


def record_language() -> AbstractContextManager[None]:
    """Records read the same whoever makes them, in a request or in the mail worker: in the
    installation's first language."""
    return force_locale(current_app.config["LANGUAGES"][0])
