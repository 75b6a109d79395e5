"""Password rules after NIST SP 800-63B: long enough, not too long to hash, any characters,
no composition rules, and not a password that attackers try first: a common or breached one,
one made of the service's or the person's own words, or a repeated or sequential pattern.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from kick_forms.i18n import gettext as _

PASSWORD_MIN_LENGTH = 12
# NIST asks for at least 64; argon2 takes any length, this only bounds the work per attempt.
PASSWORD_MAX_LENGTH = 128

# Words anyone would try against this service, whoever the person is.
SERVICE_WORDS = ("kick", "kickforms", "forms", "region", "samrad", "samråd", "admin", "lösenord")

# Look-alike digits and signs that people put in place of letters.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "+": "t"})  # fmt: skip
_NOT_LETTERS_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_ALNUM = re.compile(r"[\W_]+")
_KEYBOARD_ROWS = ("qwertyuiopasdfghjklzxcvbnm", "qwertyuiopåasdfghjklöäzxcvbnm", "1234567890",
                  "qazwsxedcrfvtgbyhnujmikolp")  # fmt: skip


def normalise_password(password: str) -> str:
    """The form a password is hashed in: NFKC, so the same text typed on another keyboard or
    system (composed or decomposed "å", full-width digits) is the same password."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords (see the file's header)."""
    text = files("kick_forms.data").joinpath("common_passwords.txt").read_text("utf-8")
    _header, _blank, body = text.partition("\n\n")
    return frozenset(line.strip() for line in body.splitlines() if line.strip())


def password_problem(password: str, context: Iterable[str] = ()) -> str | None:
    """What is wrong with a new password, as a sentence saying what to do, or None.

    ``context`` holds words that belong to this person (their e-mail address, the regions);
    a password built from them, or from the service's name, is as easy to guess as a common one.
    """
    password = normalise_password(password)
    if len(password) < PASSWORD_MIN_LENGTH:
        return _(
            "The password must be at least %(number)d characters. A few words in a row that "
            "belong together only for you are easy to remember and hard to guess.",
            number=PASSWORD_MIN_LENGTH,
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        return _(
            "The password can be at most %(number)d characters. Choose a shorter one.",
            number=PASSWORD_MAX_LENGTH,
        )
    lowered = password.casefold()
    if _is_pattern(_NOT_ALNUM.sub("", lowered) or lowered):
        return _(
            "The password is a repeated or sequential pattern, which is guessed at once. "
            "Choose another, for instance a few words in a row."
        )
    if _is_common(lowered):
        return _(
            "The password is one of the most common ones, which are tried first. Choose "
            "another, for instance a few words in a row that belong together only for you."
        )
    if _is_built_from(lowered, [*SERVICE_WORDS, *context]):
        return _(
            "The password is built on your e-mail address, a region's name or the name of "
            "the service, which are tried first. Choose another."
        )
    return None


def context_words(email: str, extra: Iterable[str] = ()) -> list[str]:
    """The words of an e-mail address's local part (whole and in pieces) and others."""
    local = email.split("@", 1)[0].casefold()
    words = [local, *re.split(r"[._+\-]+", local)]
    for phrase in extra:
        words += [phrase.casefold(), *phrase.casefold().split()]
    return [word for word in words if len(word) >= 3]


def _variants(lowered: str) -> set[str]:
    compact = "".join(lowered.split())
    core = _NOT_LETTERS_AROUND.sub("", compact)
    return {lowered, compact, core, compact.translate(_LEET), core.translate(_LEET),
            _NOT_LETTERS_AROUND.sub("", compact.translate(_LEET))}  # fmt: skip


def _is_common(lowered: str) -> bool:
    common = common_passwords()
    return any(variant in common for variant in _variants(lowered) if variant)


def _is_built_from(lowered: str, words: Iterable[str]) -> bool:
    """Nothing much is left once the given words, digits and signs are taken out."""
    words = sorted({w.casefold() for w in words if len(w) >= 3}, key=len, reverse=True)
    for text in (_NOT_ALNUM.sub("", lowered), _NOT_ALNUM.sub("", lowered.translate(_LEET))):
        for word in words:
            text = text.replace(_NOT_ALNUM.sub("", word), "")
        if len(re.sub(r"\d", "", text)) < 4:
            return True
    return False


def _is_pattern(text: str) -> bool:
    """Few different characters, a repeated unit, a run (abcd, 9876, 8901) or a keyboard row."""
    if len(set(text)) < 4:
        return True
    length = len(text)
    for period in range(1, length // 2 + 1):
        if all(text[i] == text[i % period] for i in range(length)):
            return True
    for step in (1, -1):
        if all(_next(a, step) == b for a, b in zip(text, text[1:], strict=False)):
            return True
    return any(text in row * 3 or text in row[::-1] * 3 for row in _KEYBOARD_ROWS)


def _next(char: str, step: int) -> str:
    if char.isdigit():
        return str((int(char) + step) % 10)
    return chr(ord(char) + step)
