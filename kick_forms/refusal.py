"""A step a service refuses, with a message for the person who asked.

Services raise a subclass named after their area; views catch it, roll back and show
``message`` (often a lazy string, translated when shown).
"""

from __future__ import annotations

from typing import Any


class Refused(ValueError):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message
