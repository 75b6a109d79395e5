"""gunicorn's access log without private links: a draft's token never reaches a log file."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# Where a path holds a private link: a draft's token, or the signed link of an invitation, an
# unsubscribing, a confirmation or the quality survey (each also under /embed where it exists).
# The security headers keep these pages out of caches; the logs mask the token.
PRIVATE_LINK_PREFIXES = ("/respond/", "/invitation/", "/unsubscribe/", "/kvalitet/",
                         "/register/confirm/", "/allianser/bekrafta/", "/admin/welcome/",
                         "/admin/password/reset/", "/folj/bekrafta/", "/folj/avsluta/")  # fmt: skip
_PRIVATE_LINK = re.compile(
    "(" + "|".join(re.escape(prefix) for prefix in PRIVATE_LINK_PREFIXES) + ")[A-Za-z0-9_.-]{20,}"
)


def is_private_link(path: str) -> bool:
    return path.removeprefix("/embed").startswith(PRIVATE_LINK_PREFIXES)


def redact(text: str) -> str:
    return _PRIVATE_LINK.sub(r"\1[private-link]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "f", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
