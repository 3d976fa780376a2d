"""When reminders of a deadline fall: N days (or working days) before it, at a local time.

Pure: a deadline's local date, the reminder policy (days before, time of day, time
zone) and whether the deadline counts working days give the moments, as aware UTC
datetimes. Working days come from :mod:`rules.workdays` (holidays and make-up days),
so "3 working days before" skips a holiday.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from rules.workdays import day_info

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ReminderPolicy:
    """Days before a deadline to remind on (0 = the day itself), at ``at`` local time."""

    days_before: tuple[int, ...] = (7, 3, 1, 0)
    at: time = time(9, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))


@dataclass(frozen=True)
class ReminderTime:
    """One reminder of a deadline: how many days before, on which local day, when (UTC)."""

    days_before: int
    day: date
    due_at: datetime


def workdays_before(deadline: date, n: int) -> date:
    """The n-th working day before ``deadline`` (n = 0: the deadline itself)."""
    d, seen = deadline, 0
    while seen < n:
        d -= _DAY
        seen += day_info(d).workday
    return d


def local_moment(day: date, policy: ReminderPolicy) -> datetime:
    """``policy.at`` on ``day`` in the policy's zone, as an aware UTC datetime."""
    return datetime.combine(day, policy.at, tzinfo=policy.zone).astimezone(timezone.utc)


def reminder_times(deadline: date, policy: ReminderPolicy, *, workdays: bool = False) -> list[ReminderTime]:
    """The reminders of ``deadline``, earliest first (one per distinct day)."""
    seen: dict[date, ReminderTime] = {}
    for n in sorted(set(policy.days_before), reverse=True):
        if n < 0:
            continue
        day = workdays_before(deadline, n) if workdays else deadline - n * _DAY
        seen.setdefault(day, ReminderTime(n, day, local_moment(day, policy)))
    return sorted(seen.values(), key=lambda r: r.due_at)
