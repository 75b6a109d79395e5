"""gunicorn's access log without private links: a draft's token never reaches a log file."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# Drafts' links, and the signed links of invitations, unsubscribing and confirmations.
_PRIVATE_LINK = re.compile(r"(/respond/|/invitation/|/unsubscribe/|/confirm/)[A-Za-z0-9_.-]{20,}")


def redact(text: str) -> str:
    return _PRIVATE_LINK.sub(r"\1[private-link]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "f", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
