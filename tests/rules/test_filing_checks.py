"""The checks before filing (rules/filing_checks.py): every code, the National Day
notice (2016-09-29 ends 2016-10-10), one working day too short or too long."""
from __future__ import annotations

import datetime as dt

import pytest

from rules.edition import load_edition
from rules.filing_checks import (DecisionRecord, NoticeRecord, VisitRecord, filing_problems, notice_end_for,
                                 only_overridable)
from rules.form import RegistrationForm

ED = load_edition()
D = dt.date
VISIT = VisitRecord("marginal")
DECISION = DecisionRecord("情况属实，同意", True, D(2016, 9, 12))
NOTICE = NoticeRecord(D(2016, 9, 29), D(2016, 10, 10))


def codes(form=None, visit=VISIT, decision=DECISION, notice=NOTICE, **kw) -> list[str]:
    form = form or RegistrationForm(hardship_category="marginal")
    return [p.code for p in filing_problems(form, visit, decision, notice, ED, **kw)]


def test_a_complete_case_has_no_problem():
    assert codes() == []


def test_the_national_day_notice_ends_on_the_tenth():
    # 9/29, 9/30, then the holiday; 10/8 and 10/9 are make-up working days; 10/10 is the fifth
    assert notice_end_for(D(2016, 9, 29), ED) == D(2016, 10, 10)


@pytest.mark.parametrize("end", [D(2016, 10, 9), D(2016, 10, 11), D(2016, 10, 3)])
def test_a_notice_a_working_day_short_or_long_is_refused(end):
    [problem] = filing_problems(RegistrationForm(hardship_category="marginal"), VISIT, DECISION,
                                NoticeRecord(D(2016, 9, 29), end), ED)
    assert problem.code == "notice_length"
    assert problem.params == {"start": D(2016, 9, 29), "end": end, "expected": D(2016, 10, 10), "days": 5}


def test_an_ordinary_week():
    assert codes(notice=NoticeRecord(D(2016, 9, 12), D(2016, 9, 18))) == ["notice_length"]  # 15-16 中秋
    assert codes(notice=NoticeRecord(D(2016, 9, 5), D(2016, 9, 9))) == []


@pytest.mark.parametrize("notice", [None, NoticeRecord(None, D(2016, 10, 10)), NoticeRecord(D(2016, 9, 29), None)])
def test_notice_dates_missing(notice):
    assert codes(notice=notice) == ["notice_dates_missing"]


def test_visit_category_missing():
    assert codes(visit=None) == ["visit_category_missing"]
    assert codes(visit=VisitRecord(None)) == ["visit_category_missing"]


def test_unit_opinion_and_decision():
    assert codes(decision=None) == ["unit_opinion_missing", "decision_missing"]
    assert codes(decision=DecisionRecord("  ", True, D(2016, 9, 12))) == ["unit_opinion_missing"]
    assert codes(decision=DecisionRecord("同意", False, D(2016, 9, 12))) == ["decision_missing"]
    assert codes(decision=DecisionRecord("同意", True, None)) == ["decision_date_missing"]


def test_category_missing():
    assert codes(form=RegistrationForm()) == ["category_missing"]


def test_temporary_relief_is_not_fileable():
    form = RegistrationForm(hardship_category="temporary_relief")
    assert codes(form=form, visit=VisitRecord("temporary_relief")) == ["category_not_fileable"]
    problems = filing_problems(form, VISIT, DECISION, NOTICE, ED)
    assert [(p.code, p.params) for p in problems] == [
        ("category_not_fileable", {"category": "temporary_relief"}),
        ("category_differs", {"category": "temporary_relief", "suggested": "marginal"})]
    assert not only_overridable(problems)  # a reason does not make 临时救助 fileable
    assert codes(form=form, override="理由") == ["category_not_fileable"]


def test_a_category_other_than_the_visits_needs_a_reason():
    form = RegistrationForm(hardship_category="low_income")
    [problem] = filing_problems(form, VISIT, DECISION, NOTICE, ED)
    assert (problem.code, problem.params) == ("category_differs", {"category": "low_income", "suggested": "marginal"})
    assert only_overridable([problem])
    assert codes(form=form, override="  ") == ["category_differs"]
    assert codes(form=form, override="核查后取得低保证") == []


def test_every_problem_at_once():
    assert codes(form=RegistrationForm(), visit=None, decision=None, notice=None) == [
        "visit_category_missing", "unit_opinion_missing", "decision_missing", "notice_dates_missing",
        "category_missing"]
