"""What must be on record before a household is filed (建档, 6号 三(一)2–4; 登记表
填表说明 20–23; 7号 附件2 B1).

:func:`filing_problems` reads the form and the desk's records of the case (the home
visit, the decision, the notice) and returns every reason the case may not be filed
yet, as codes with option keys and dates for parameters, never sentences:

- ``visit_category_missing``: no category recommended by the home visit (入户核查人员意见);
- ``unit_opinion_missing``: no opinion of the grassroots union (申报单位意见);
- ``decision_missing`` / ``decision_date_missing``: no collective decision (集体研究同意),
  or none with its date;
- ``notice_dates_missing``: the notice has no first or last day;
- ``notice_length``: the last day is not the edition's ``public_notice_working_days``-th
  working day counted from the first (rules/workdays.py: 2016-09-29 ends 2016-10-10);
- ``category_missing``: no 困难类别 on the form;
- ``category_not_fileable``: a 困难类别 that is no category of 6号 二 (no value of the
  edition's ``form_category``, so no row of 7号 附件2 B1: 临时救助);
- ``category_differs``: the form's 困难类别 is not the one the visit recommended, unless
  the reviewer gave a reason (``override``) for filing it as it stands.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules.edition import Edition
from rules.form import RegistrationForm
from rules.workdays import add_workdays


@dataclass(frozen=True)
class VisitRecord:
    """The home visit as recorded: the category the verifiers recommend."""

    suggested_category: str | None


@dataclass(frozen=True)
class DecisionRecord:
    """The unit's opinion and the collective decision with its date."""

    unit_opinion: str | None
    approved: bool
    decided_on: dt.date | None


@dataclass(frozen=True)
class NoticeRecord:
    """The public notice's first and last day."""

    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class FilingProblem:
    """One reason not to file: a code and its parameters (option keys, dates)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


OVERRIDABLE = frozenset({"category_differs"})


def notice_end_for(start: dt.date, edition: Edition) -> dt.date:
    """The notice's last day: the edition's number of working days, the first day counting."""
    return add_workdays(start, int(edition.param("public_notice_working_days")), count_start=True)[0]


def fileable_categories(edition: Edition) -> frozenset[str]:
    """The form's 困难类别 keys that are categories of 6号 二 (each has a B1 row)."""
    return frozenset(edition.form_category.values())


def filing_problems(form: RegistrationForm, visit: VisitRecord | None, decision: DecisionRecord | None,
                    notice: NoticeRecord | None, edition: Edition, *,
                    override: str | None = None) -> list[FilingProblem]:
    """Every reason the case may not be filed (empty: it may); ``override`` is the
    reviewer's reason for filing a category other than the visit's recommendation."""
    problems: list[FilingProblem] = []
    suggested = visit.suggested_category if visit else None
    if not suggested:
        problems.append(FilingProblem("visit_category_missing"))
    if decision is None or not (decision.unit_opinion or "").strip():
        problems.append(FilingProblem("unit_opinion_missing"))
    if decision is None or not decision.approved:
        problems.append(FilingProblem("decision_missing"))
    elif decision.decided_on is None:
        problems.append(FilingProblem("decision_date_missing"))
    if notice is None or notice.start is None or notice.end is None:
        problems.append(FilingProblem("notice_dates_missing"))
    else:
        expected = notice_end_for(notice.start, edition)
        if notice.end != expected:
            problems.append(FilingProblem("notice_length", {
                "start": notice.start, "end": notice.end, "expected": expected,
                "days": int(edition.param("public_notice_working_days"))}))
    category = form.hardship_category
    if not category:
        problems.append(FilingProblem("category_missing"))
    elif category not in fileable_categories(edition):
        problems.append(FilingProblem("category_not_fileable", {"category": category}))
    if category and suggested and category != suggested and not (override or "").strip():
        problems.append(FilingProblem("category_differs", {"category": category, "suggested": suggested}))
    return problems


def only_overridable(problems: list[FilingProblem]) -> bool:
    """Whether a reviewer's reason is all that stands between the case and its filing."""
    return bool(problems) and all(p.code in OVERRIDABLE for p in problems)
