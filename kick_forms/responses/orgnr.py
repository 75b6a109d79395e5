"""Swedish organisation numbers, told apart from personal identity numbers."""

from __future__ import annotations

from stdnum.se import orgnr, personnummer
from stdnum.util import clean


class PersonalNumberError(ValueError):
    """The number is a personal identity number: personal data we must not collect here."""


def normalise_organisation_number(value: str) -> str:
    """'802455-1239' or '8024551239' -> '802455-1239'; raises ValueError or PersonalNumberError."""
    digits = clean(value, " -+").strip()
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if not digits.isdigit() or len(digits) not in (10, 12):
        raise ValueError("not ten digits")
    if len(digits) == 12 or personnummer.is_valid(digits) or digits[2] in "01":
        # The third digit of an organisation number is 2 or more; 0 and 1 mean a month.
        raise PersonalNumberError(digits)
    if not orgnr.is_valid(digits):
        raise ValueError("check digit")
    return orgnr.format(digits)
