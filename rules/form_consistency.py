"""Checks of the registration form that compare figures and flag what staff should
look at twice (附件1, 填表说明 15 and 18): medical costs, incomes counted twice,
temporary relief ticked as a hardship category.

Codes are message-id suffixes; a ``confirm`` issue asks the person to confirm,
never refuses (:func:`rules.form.check_form` drops it once confirmed).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules.form_checks import FormIssue

# The 困难类别 box that is not a filing category (6号 二: 低保户, 低保边缘户, 意外致困户).
TEMPORARY_RELIEF = "temporary_relief"


def medical_issues(form: Any) -> list[FormIssue]:
    """每年个人自付医药费 cannot exceed 每年所需医药费 (the part a person pays is part of the whole)."""
    costs, own = form.annual_medical_costs, form.annual_out_of_pocket
    if costs is not None and own is not None and Decimal(own) > Decimal(costs):
        return [FormIssue("annual_out_of_pocket", "medical.out_of_pocket_exceeds_costs")]
    return []


def income_issues(form: Any) -> list[FormIssue]:
    """家庭其他年收入 is non-wage income: when it equals a year of the members' (or the
    applicant's) wages, the wages are probably counted twice; the person confirms."""
    other = form.other_annual_income
    if other is None or Decimal(other) <= 0:
        return []
    members = [m.monthly_income for m in form.members if m.monthly_income is not None]
    wages = {12 * sum(members, Decimal(0))} if members else set()
    if form.own_monthly_income is not None:
        wages.add(12 * Decimal(form.own_monthly_income))
        wages.add(12 * (Decimal(form.own_monthly_income) + sum(members, Decimal(0))))
    if Decimal(other) in wages - {Decimal(0)}:
        return [FormIssue("other_annual_income", "other_income.maybe_wages", "confirm")]
    return []


def category_issues(form: Any) -> list[FormIssue]:
    """临时救助 is a box on the form but not a filing category: the person confirms it."""
    if form.hardship_category == TEMPORARY_RELIEF:
        return [FormIssue("hardship_category", "hardship_category.temporary_relief", "confirm")]
    return []


def consistency_issues(form: Any) -> list[FormIssue]:
    """Every check of this module."""
    return medical_issues(form) + income_issues(form) + category_issues(form)
