"""Reading calendar dates as people type them, and the working-age check.

Spellings: 1975-06-01, 1975/6/1, 1975 6 1, 19750601, 1975年6月1日, 75年6月1日,
一九七五年六月一日, 1975年六月一日, June 1, 1975, 1 June 1975. A month without its
day (1975年6月) raises ``no_day``; a day-first or month-first numeric date
(01/06/1975) raises ``ambiguous``: both are asked again, never guessed.
"""
from __future__ import annotations

import datetime as dt
import re

from rules.numerals import _DIGITS, MAX_INPUT, ParseError, cn_section, number_text

_MONTHS = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for m in names}
_NUMERIC = re.compile(r"^(\d{4})\s*[-/. ]\s*(\d{1,2})\s*[-/. ]\s*(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/. ]\s*(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
_CHINESE = re.compile(r"^(.+?)年(.+?)月(.*?)[日号]?$")


def _year(text: str, today: dt.date) -> int:
    """A year in Arabic or Chinese digits; two digits are the latest year not after today."""
    digits = "".join(str(_DIGITS[c]) if c in _DIGITS else c for c in text)
    if not (digits.isascii() and digits.isdigit() and len(digits) in (2, 4)):
        raise ParseError("invalid")
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _part(text: str) -> int:
    """A month or day in Arabic digits or Chinese numerals (六, 十二, 三十一)."""
    if text.isascii() and text.isdigit() and len(text) <= 2:
        return int(text)
    value = cn_section(text) if text else 0
    if not 1 <= value <= 31:
        raise ParseError("invalid")
    return value


def _english(s: str) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) of 'June 1, 1975', '1st June 1975', 'June 1975'."""
    tokens = re.findall(r"[a-z]+|\d+", re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", s))
    tokens = [t for t in tokens if t != "of"]
    if not tokens or not any(t in _MONTHS for t in tokens) or len(tokens) > 3:
        return None
    if len(tokens) == 2 and tokens[0] in _MONTHS and len(tokens[1]) == 4:
        return int(tokens[1]), _MONTHS[tokens[0]], None
    if len(tokens) == 3 and len(tokens[2]) == 4 and tokens[2].isdigit():
        first, second = tokens[0], tokens[1]
        if first in _MONTHS and second.isdigit():
            return int(tokens[2]), _MONTHS[first], int(second)
        if second in _MONTHS and first.isdigit():
            return int(tokens[2]), _MONTHS[second], int(first)
    raise ParseError("invalid")


def _fields(s: str, today: dt.date) -> tuple[int, int, int | None]:
    for pattern in (_NUMERIC, _COMPACT):
        m = pattern.match(s)
        if m:
            return int(m.group(1)), int(m.group(2)), int(m.group(3))
    m = _YEAR_MONTH.match(s)
    if m:
        return int(m.group(1)), int(m.group(2)), None
    if _DAY_FIRST.match(s):
        raise ParseError("ambiguous")  # 01/06/1975: 1 June or January 6?
    m = _CHINESE.match(s.replace(" ", ""))
    if m:
        return _year(m.group(1), today), _part(m.group(2)), _part(m.group(3)) if m.group(3) else None
    english = _english(s)
    if english:
        return english
    raise ParseError("invalid")


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """A calendar date in any of the module's spellings; not after ``today``."""
    s = number_text(str(text), spaces=True).lower().strip(" .。,，")
    if not s:
        raise ParseError("empty")
    if len(s) > MAX_INPUT:
        raise ParseError("too_long")
    year, month, day = _fields(s, today or dt.date.today())
    if day is None:
        if not 1 <= month <= 12:
            raise ParseError("invalid")
        raise ParseError("no_day")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise ParseError("no_such_day") from None
    if value.year < 1900:
        raise ParseError("too_early")
    if today is not None and value > today:
        raise ParseError("future")
    return value


def too_young(birth_date: dt.date, today: dt.date, edition=None) -> bool:
    """Whether someone born on ``birth_date`` is younger than the edition's
    ``min_worker_age`` (16) on ``today``: the dialog asks to confirm the date."""
    from rules.edition import load_edition  # late: the edition loader imports the parsers

    age = int((edition or load_edition()).param("min_worker_age"))
    try:
        birthday = birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born on 29 February: the birthday is 1 March in other years
        birthday = dt.date(birth_date.year + age, 3, 1)
    return birthday > today
