"""China's working-day calendar: statutory holidays and weekend make-up working days (调休).

Years covered by the `chinese_calendar` package (official State Council notices; the
range is read from the package at import time) are answered from its data with
`estimated=False`. Any other year is answered by the rule-based estimate in
`rules.workdays_estimate` with `estimated=True`; nothing here fails for lack of data.

Holiday names are codes ("national_day", "spring_festival", ...), never sentences.
A make-up working day carries the code of the holiday it belongs to, with
`workday=True`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar

from rules.workdays_estimate import estimated_day

_DAY = timedelta(days=1)
_FIRST_YEAR = min(chinese_calendar.holidays).year
_LAST_YEAR = max(chinese_calendar.holidays).year


@dataclass(frozen=True)
class DayInfo:
    """One calendar day: working or not, whether estimated, and its holiday code."""

    date: date
    workday: bool
    estimated: bool
    holiday_name: str | None


@dataclass(frozen=True)
class NoticeDates:
    """The public-notice period and the entry deadline that follows it."""

    start: date
    notice_end: date
    entry_deadline: date
    estimated: bool


def official_years() -> tuple[int, int]:
    """First and last year with official data in `chinese_calendar`."""
    return _FIRST_YEAR, _LAST_YEAR


def _code(name: str) -> str:
    """Holiday code for a `chinese_calendar` holiday name."""
    try:
        return chinese_calendar.Holiday(name).name
    except ValueError:
        return name.lower().replace("'", "").replace("-", "_").replace(" ", "_")


def _official(d: date) -> tuple[bool, str | None]:
    """(workday, holiday code) from the official data."""
    if d in chinese_calendar.workdays:
        return True, _code(chinese_calendar.workdays[d])
    if d in chinese_calendar.holidays:
        return False, _code(chinese_calendar.holidays[d])
    return d.weekday() < 5, None


def day_info(d: date) -> DayInfo:
    """Working-day facts for one date, official where known, else estimated."""
    if isinstance(d, datetime):
        d = d.date()
    official = _FIRST_YEAR <= d.year <= _LAST_YEAR
    workday, code = _official(d) if official else estimated_day(d)
    return DayInfo(d, workday, not official, code)


def is_workday(d: date) -> tuple[bool, bool]:
    """(workday, estimated) for one date."""
    info = day_info(d)
    return info.workday, info.estimated


def add_workdays(start: date, n: int, *, count_start: bool) -> tuple[date, bool]:
    """The n-th working day from `start` (day 1 is `start` itself if count_start and working)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    d, seen, estimated = (start if count_start else start + _DAY), 0, False
    while True:
        info = day_info(d)
        estimated |= info.estimated
        seen += info.workday
        if seen == n:
            return d, estimated
        d += _DAY


def notice_dates(start: date, *, notice_days: int = 5, entry_days: int = 30) -> NoticeDates:
    """Notice end (start counts if working) and entry deadline (counted after the notice)."""
    notice_end, est_notice = add_workdays(start, notice_days, count_start=True)
    deadline, est_entry = add_workdays(notice_end, entry_days, count_start=False)
    return NoticeDates(start, notice_end, deadline, est_notice or est_entry)


def working_days_between(a: date, b: date) -> tuple[int, bool]:
    """(working days in (a, b], estimated); negative, counting (b, a], when b < a."""
    if b < a:
        count, estimated = working_days_between(b, a)
        return -count, estimated
    infos = [day_info(a + k * _DAY) for k in range(1, (b - a).days + 1)]
    return sum(i.workday for i in infos), any(i.estimated for i in infos)
