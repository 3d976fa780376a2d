"""Rule-based ESTIMATE of China's working-day calendar for years with no official schedule.

Only `rules.workdays` should call this, and only for years the `chinese_calendar`
data does not cover. Every answer built from it must be flagged `estimated=True`.

Statutory days (国务院《全国年节及纪念日放假办法》, revised 2024, in force 2025):
元旦 Jan 1; 春节 除夕 + 初一..初三 (4 days); 清明 the Qingming solar term (1);
劳动节 May 1-2; 端午 lunar 5/5 (1); 中秋 lunar 8/15 (1); 国庆 Oct 1-3.
Lunar dates come from `lunardate`, the solar term from `chinese_calendar.get_solar_terms`.

How the yearly notice is modelled (the pattern of the 2025 and 2026 notices and of
the older ones for the single-day holidays):

* Single-day holidays (元旦, 清明, 端午, 中秋) by weekday of the holiday:
  Mon -> Sat..Mon; Tue -> Sun..Tue with the Saturday before worked;
  Wed -> that day only; Thu -> Thu..Sat with the Sunday after worked;
  Fri -> Fri..Sun; Sat or Sun -> Sat..Mon (Monday off in lieu).
* Long blocks: 春节 8 days from 除夕; 劳动节 5 days holding May 1-2 and as many
  weekend days as possible (latest such start); 国庆 7 days from Oct 1, or 8 days
  (Oct 1..8, or from 中秋 if 中秋 is Sep 28-30) when 中秋 joins it.
  A block of L days with S statutory days and W weekend days inside borrows
  L - S - W weekend days as make-up working days (调休). They are chosen among the
  weekend days within 13 days of the block to give, in order: no lone working day
  between two days off, the shortest longest working stretch (the 2024 principle
  "连续工作一般不超过6天"), the make-up days nearest the block.
* Days off that merely touch a block (e.g. the Sunday before a Monday 除夕) are
  ordinary weekend days here, unnamed.

Limits: no lunar data outside 1900-2099 and no solar terms outside 1900-2100; there
only the fixed-date holidays are modelled. Special one-off holidays are not.
Measured against the official 2025 and 2026 calendars by
`bench/workdays_estimate_accuracy.py`.
"""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date, timedelta
from functools import lru_cache
from itertools import combinations

import chinese_calendar
from lunardate import LunarDate

Schedule = dict[date, tuple[bool, str]]  # date -> (workday, holiday code); others follow the week
DAY = timedelta(days=1)
_REACH = 13  # how far from a block a make-up working day may be
_SPAN = 21  # how far from a block working stretches are measured
# weekday of a single-day holiday -> (first day off, last day off, make-up day), offsets in days
_SHORT = {0: (-2, 0, None), 1: (-2, 0, -3), 2: (0, 0, None), 3: (0, 2, 3),
          4: (0, 2, None), 5: (0, 2, None), 6: (-1, 1, None)}


def _weekend(d: date) -> bool:
    """True on Saturday and Sunday."""
    return d.weekday() >= 5


def _lunar(year: int, month: int, day: int) -> date | None:
    """Gregorian date of a lunar date, or None outside lunardate's range."""
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:
        return None


def _qingming(year: int) -> date | None:
    """Date of the Qingming solar term, or None outside the supported range."""
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    except (NotImplementedError, ValueError):
        return None
    return next((d for d, name in terms if name == "清明"), None)


def _works(s: Schedule, d: date) -> bool:
    """Workday in the schedule being built."""
    return s[d][0] if d in s else not _weekend(d)


def _cost(s: Schedule, makeups: tuple[date, ...], first: date, last: date) -> tuple[int, int, int]:
    """Score a choice of make-up days: (lone working days, longest stretch, distance)."""
    trial = {**s, **{d: (True, "") for d in makeups}}
    runs, run = [], 0
    for k in range((last - first).days + 2 * _SPAN + 1):
        if _works(trial, first - _SPAN * DAY + k * DAY):
            run += 1
        elif run:
            runs, run = runs + [run], 0
    runs.append(run)
    distance = sum((first - d).days if d < first else (d - last).days for d in makeups)
    return sum(r == 1 for r in runs), max(runs), distance


def _add_long(s: Schedule, start: date, length: int, statutory: int, code: str) -> None:
    """Add a long block and the make-up working days it borrows."""
    block = [start + k * DAY for k in range(length)]
    for d in block:
        s[d] = (False, code)
    need = max(0, length - statutory - sum(map(_weekend, block)))
    near = [d for k in range(1, _REACH + 1) for d in (start - k * DAY, block[-1] + k * DAY)]
    free = [d for d in near if _weekend(d) and d not in s]
    choices = list(combinations(free, min(need, len(free))))
    for d in min(choices, key=lambda c: _cost(s, c, start, block[-1])):
        s[d] = (True, code)


def _add_short(s: Schedule, holiday: date, code: str) -> None:
    """Add a single-day holiday with its bridge and make-up day."""
    first, last, makeup = _SHORT[holiday.weekday()]
    for k in range(first, last + 1):
        s[holiday + k * DAY] = (False, code)
    if makeup is not None:
        s[holiday + makeup * DAY] = (True, code)


def _labour_start(year: int) -> date:
    """Start of the 5-day May Day block: most weekend days, then latest start."""
    starts = [date(year, 5, 1) - k * DAY for k in range(4)]
    return max(starts, key=lambda st: (sum(_weekend(st + k * DAY) for k in range(5)), st))


@lru_cache(maxsize=64)
def schedule(year: int) -> Schedule:
    """Estimated deviations from the plain week for the holidays of `year`."""
    if not MINYEAR + 1 < year < MAXYEAR - 1:
        return {}
    s: Schedule = {}
    oct1, lunar_new_year = date(year, 10, 1), _lunar(year, 1, 1)
    mid_autumn = _lunar(year, 8, 15)
    merged = mid_autumn is not None and oct1 - 3 * DAY <= mid_autumn <= oct1 + 7 * DAY
    singles = [(date(year, 1, 1), "new_years_day"), (_qingming(year), "tomb_sweeping_day"),
               (_lunar(year, 5, 5), "dragon_boat_festival"),
               (None if merged else mid_autumn, "mid_autumn_festival")]
    for day, code in singles:
        if day is not None:
            _add_short(s, day, code)
    if lunar_new_year is not None:  # the block starts on 除夕, the day before 初一
        _add_long(s, lunar_new_year - DAY, 8, 4, "spring_festival")
    _add_long(s, _labour_start(year), 5, 2, "labour_day")
    if merged:
        _add_long(s, min(oct1, mid_autumn), 8, 4, "national_day")
        s[mid_autumn] = (False, "mid_autumn_festival")
    else:
        _add_long(s, oct1, 7, 3, "national_day")
    return s


def estimated_day(d: date) -> tuple[bool, str | None]:
    """(workday, holiday code) for `d` by the rule-based estimate alone."""
    for year in (d.year, d.year + 1):  # next year's 元旦 block can reach back into December
        if d in schedule(year):
            return schedule(year)[d]
    return not _weekend(d), None
