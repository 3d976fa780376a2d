"""How well the rule-based working-day estimate matches official calendars.

Run: .venv/bin/python bench/workdays_estimate_accuracy.py

1. 2025 and 2026 (the years under the 2024 rules with official data): days of the
   year the estimate classifies differently (working vs. not) from the official
   `chinese_calendar` data, with the dates.
2. For reference, 2008-2024: the same count only around the single-day holidays
   (元旦, 清明, 端午, 中秋 apart from 国庆), whose rules did not change in 2024.
   Whole-year counts for those years are not meaningful (春节, 劳动节 and 国庆 were
   shorter blocks then).
3. The estimated schedule for the first year past the official data.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import chinese_calendar  # noqa: E402

from rules.workdays import official_years  # noqa: E402
from rules.workdays_estimate import estimated_day, schedule  # noqa: E402

DAY = timedelta(days=1)
SINGLE = {"New Year's Day", "Tomb-sweeping Day", "Dragon Boat Festival", "Mid-autumn Festival"}


def year_days(year: int) -> list[date]:
    """Every date of `year`."""
    first = date(year, 1, 1)
    return [first + k * DAY for k in range((date(year + 1, 1, 1) - first).days)]


def differences(days: list[date]) -> list[date]:
    """Days where the estimate and the official calendar disagree on working."""
    return [d for d in days if estimated_day(d)[0] != chinese_calendar.is_workday(d)]


def single_day_window(year: int) -> list[date]:
    """Days within 3 of an official single-day holiday block not next to 国庆."""
    hits = {d for d, name in chinese_calendar.holidays.items() if d.year == year and name in SINGLE}
    near = {h + k * DAY for h in hits for k in range(-3, 4)}
    oct1 = date(year, 10, 1)
    return sorted(d for d in near if abs((d - oct1).days) > 12)


def main() -> None:
    """Print the figures."""
    first, last = official_years()
    print(f"official data: {first}-{last}")
    for year in (2025, 2026):
        diff = differences(year_days(year))
        listed = ", ".join(d.isoformat() for d in diff) or "-"
        print(f"{year}: {len(diff)} of {len(year_days(year))} days differ ({listed})")
    total = checked = 0
    for year in range(2008, 2025):
        window = single_day_window(year)
        diff = differences(window)
        total, checked = total + len(diff), checked + len(window)
        if diff:
            print(f"  {year} single-day holidays: {', '.join(d.isoformat() for d in diff)}")
    print(f"2008-2024 around single-day holidays: {total} of {checked} days differ")
    nxt = last + 1
    print(f"estimate for {nxt}:")
    for d, (work, code) in sorted(schedule(nxt).items()):
        print(f"  {d} {d.strftime('%a')} {'work' if work else 'off '} {code}")


if __name__ == "__main__":
    main()
