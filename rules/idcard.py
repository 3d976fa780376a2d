"""Resident ID numbers (GB 11643-1999): check digit, birth date, sex.

The address code (first six digits) is where the person was registered when the
number was issued, so it is not checked against the birth year (eligibility.md).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rules.parse import ParseError, normalise

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would accept other scripts' digits


@dataclass(frozen=True)
class IdNumber:
    """A validated 18-character ID number and what it says."""

    number: str
    birth_date: dt.date
    sex: str  # "male" | "female"

    @classmethod
    def of_valid(cls, number: str) -> "IdNumber":
        """What an already validated number says (no second validation)."""
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return cls(number, born, "male" if int(number[16]) % 2 else "female")

    def masked(self) -> str:
        """The number with all but its first 4 and last 4 characters hidden, safe to
        show: 3601**********123X (the one mask the assistant uses for ID numbers)."""
        return f"{self.number[:4]}{'*' * 10}{self.number[14:]}"


def check_digit(body17: str) -> str:
    """The GB 11643 check character for a 17-digit body."""
    total = sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse_id_number(text: str, *, today: dt.date | None = None) -> IdNumber:
    """Validate an ID number (full-width digits and a lower-case x accepted)."""
    s = normalise(str(text)).replace(" ", "").upper()
    if not s:
        raise ParseError("empty")
    if len(s) != 18:
        raise ParseError("length")
    if not _SHAPE.match(s):
        raise ParseError("characters")
    try:
        born = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise ParseError("birth_date") from None
    if born.year < 1900 or (today is not None and born > today):
        raise ParseError("birth_date")
    if check_digit(s[:17]) != s[17]:
        raise ParseError("check_digit")
    return IdNumber.of_valid(s)
