"""Working-day calendar: official data, the rule-based estimate and the notice arithmetic."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.workdays import (
    add_workdays,
    day_info,
    is_workday,
    notice_dates,
    official_years,
    working_days_between,
)
from rules.workdays_estimate import estimated_day

DAY = timedelta(days=1)


def span(first: date, last: date) -> list[date]:
    """Dates from first to last inclusive."""
    return [first + k * DAY for k in range((last - first).days + 1)]


def test_design_example_2016():
    n = notice_dates(date(2016, 9, 29))
    assert (n.notice_end, n.entry_deadline, n.estimated) == (date(2016, 10, 10), date(2016, 11, 21), False)


def test_2016_make_up_weekend_is_working_and_named():
    info = day_info(date(2016, 10, 8))
    assert (info.workday, info.estimated, info.holiday_name) == (True, False, "national_day")
    assert day_info(date(2016, 10, 1)).holiday_name == "national_day"
    assert day_info(date(2016, 10, 12)).holiday_name is None


def test_notice_starting_on_a_weekend_begins_on_monday():
    assert notice_dates(date(2016, 9, 24)).notice_end == date(2016, 9, 30)


def test_notice_starting_on_a_holiday_begins_at_next_working_day():
    # 2016-10-03 is National Day; the next working day is the 调休 Saturday 10-08.
    assert notice_dates(date(2016, 10, 3)).notice_end == date(2016, 10, 12)


def test_notice_starting_on_a_make_up_working_sunday_counts_it():
    # 2025-09-28 (Sunday) was worked; 09-28, 29, 30, then 10-09, 10-10.
    assert notice_dates(date(2025, 9, 28)).notice_end == date(2025, 10, 10)


def test_notice_into_unpublished_year_is_estimated_and_does_not_raise():
    n = notice_dates(date(2026, 12, 1))
    assert n.notice_end == date(2026, 12, 7)
    assert n.entry_deadline.year == 2027
    assert n.estimated is True
    assert n.entry_deadline == date(2027, 1, 19)  # 2027-01-01 off in the estimate


def test_year_boundary_comes_from_the_library():
    first, last = official_years()
    assert (first, last) == (min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year)
    assert is_workday(date(last, 12, 31))[1] is False
    assert is_workday(date(last + 1, 1, 4))[1] is True
    assert is_workday(date(first - 1, 6, 2))[1] is True


@pytest.mark.parametrize(
    "day",
    [date(2027, 1, 1), *span(date(2027, 2, 5), date(2027, 2, 8)), *span(date(2027, 10, 1), date(2027, 10, 3))],
)
def test_2027_statutory_days_are_off_in_the_estimate(day):
    info = day_info(day)
    assert (info.workday, info.estimated) == (False, True)
    assert info.holiday_name in {"new_years_day", "spring_festival", "national_day"}


def test_far_years_never_fail():
    for day in (date(1850, 5, 1), date(2150, 10, 1), date(2099, 12, 20)):
        assert day_info(day).estimated is True
        assert notice_dates(day).estimated is True
    assert day_info(date(2150, 10, 1)).workday is False


STATUTORY = {
    2025: ["01-01", "01-28", "01-29", "01-30", "01-31", "04-04", "05-01", "05-02", "05-31",
           "10-01", "10-02", "10-03", "10-06"],
    2026: ["01-01", "02-16", "02-17", "02-18", "02-19", "04-05", "05-01", "05-02", "06-19",
           "09-25", "10-01", "10-02", "10-03"],
}


@pytest.mark.parametrize("year", sorted(STATUTORY))
def test_estimate_gets_statutory_days_of_official_years(year):
    for mmdd in STATUTORY[year]:
        day = date.fromisoformat(f"{year}-{mmdd}")
        assert chinese_calendar.is_workday(day) is False  # guards the table itself
        assert estimated_day(day)[0] is False, day


@pytest.mark.parametrize("year", [2025, 2026])
def test_estimate_nearly_matches_whole_official_years(year):
    # A weekends-only estimator misses 23 (2025) and 25 (2026) days; the model misses 0.
    days = span(date(year, 1, 1), date(year, 12, 31))
    wrong = [d for d in days if estimated_day(d)[0] != chinese_calendar.is_workday(d)]
    assert len(wrong) <= 3, wrong


def test_add_workdays_count_start_both_ways():
    thursday = date(2016, 9, 29)
    assert add_workdays(thursday, 1, count_start=True) == (thursday, False)
    assert add_workdays(thursday, 1, count_start=False) == (date(2016, 9, 30), False)
    assert add_workdays(thursday, 3, count_start=False) == (date(2016, 10, 9), False)
    assert add_workdays(date(2016, 10, 1), 1, count_start=True) == (date(2016, 10, 8), False)
    with pytest.raises(ValueError):
        add_workdays(thursday, 0, count_start=True)


def test_add_workdays_flags_estimate():
    assert add_workdays(date(2026, 12, 31), 1, count_start=True) == (date(2026, 12, 31), False)
    assert add_workdays(date(2026, 12, 31), 1, count_start=False) == (date(2027, 1, 4), True)


def test_working_days_between():
    assert working_days_between(date(2016, 9, 30), date(2016, 10, 10)) == (3, False)
    assert working_days_between(date(2016, 10, 10), date(2016, 9, 30)) == (-3, False)
    assert working_days_between(date(2016, 9, 30), date(2016, 9, 30)) == (0, False)
    assert working_days_between(date(2026, 12, 31), date(2027, 1, 8)) == (5, True)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31)))
def test_notice_dates_property(start):
    n = notice_dates(start)
    assert n.notice_end >= start
    assert n.entry_deadline > n.notice_end
    assert is_workday(n.notice_end)[0] and is_workday(n.entry_deadline)[0]
