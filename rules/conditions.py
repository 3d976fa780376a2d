"""One named, three-valued condition per clause of 赣工产发〔2016〕6号.

Each returns an :class:`Outcome`: ``pass``, ``fail`` or ``unknown`` with the facts
that could still settle it (``needs``), a detail code and the figures behind it.
Numbers come from the edition, never from here. A fact that depends on another
(``cadre`` on a woman, a local line on ``other``, the contract on rural hukou) is
needed only once its parent makes it apply.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rules.edition import Edition
from rules.facts import Facts

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
# The readings of 二.3's formula: the text's (per-capita annual − cost) ÷ 12, and
# (household annual − cost) ÷ size ÷ 12; the project decides by the first.
LITERAL, HOUSEHOLD = "literal", "household"


@dataclass(frozen=True)
class Outcome:
    """The result of one condition."""

    status: str
    detail: str
    needs: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)


def _all_true(facts: Facts, names: tuple[str, ...], fail_codes: tuple[str, ...]) -> Outcome:
    """Pass when every flag is true; fail on the first false one."""
    values = [getattr(facts, n) for n in names]
    for value, code in zip(values, fail_codes, strict=True):
        if value is False:
            return Outcome(FAIL, code)
    needs = tuple(n for n, v in zip(names, values, strict=True) if v is None)
    return Outcome(UNKNOWN, "unknown", needs) if needs else Outcome(PASS, "all_true")


def condition_scope(facts: Facts, ed: Edition) -> Outcome:
    """6号 一: a union member with a labour relation, heading a wage-earning household."""
    return _all_true(facts, ("union_member", "labor_relation", "wage_earner_head"),
                     ("not_member", "no_labor_relation", "not_wage_earner_head"))


def condition_exclusions(facts: Facts, ed: Edition) -> Outcome:
    """6号 一: no second home, shop/employees, private or foreign school, vehicles."""
    limit = ed.exclusions.homes_owned_at_least
    if facts.homes_owned is not None and facts.homes_owned >= limit:
        return Outcome(FAIL, "homes_owned", params={"homes_owned": facts.homes_owned, "limit": limit})
    for flag in ed.exclusions.flags:
        if getattr(facts, flag) is True:
            return Outcome(FAIL, flag)
    needs = tuple(n for n in ("homes_owned", *ed.exclusions.flags) if getattr(facts, n) is None)
    return Outcome(UNKNOWN, "unknown", needs) if needs else Outcome(PASS, "none_apply")


def condition_one_household(facts: Facts, ed: Edition) -> Outcome:
    """6号 二.4, 三(一)1: one household, one file."""
    if facts.filed_elsewhere is None:
        return Outcome(UNKNOWN, "unknown", ("filed_elsewhere",))
    return Outcome(FAIL, "filed_elsewhere") if facts.filed_elsewhere else Outcome(PASS, "not_filed")


def _age_groups(facts: Facts) -> list[str]:
    if facts.sex == "male":
        return ["male"]
    if facts.sex == "female":
        if facts.cadre is None:
            return ["female_cadre", "female"]
        return ["female_cadre" if facts.cadre else "female"]
    return ["male", "female_cadre", "female"]


def condition_age(facts: Facts, ed: Edition) -> Outcome:
    """6号 二 (last paragraph): born on or after the cut-off for sex and cadre status."""
    if facts.birth_date is None:
        return Outcome(UNKNOWN, "unknown", ("birth_date",) + (() if facts.sex else ("sex",)))
    cut = ed.age_cutoffs
    results = {g: facts.birth_date >= getattr(cut, g) for g in _age_groups(facts)}
    params = {"birth_date": facts.birth_date}
    if len(results) == 1:
        group = next(iter(results))
        params |= {"group": group, "cutoff": getattr(cut, group)}
    if all(results.values()):
        return Outcome(PASS, "born_after_cutoff", params=params)
    if not any(results.values()):
        return Outcome(FAIL, "born_before_cutoff", params=params)
    return Outcome(UNKNOWN, "unknown", ("sex",) if facts.sex is None else ("cadre",), params)


def condition_migrant(facts: Facts, ed: Edition) -> Outcome:
    """6号 二.4: a rural-hukou applicant also needs a year's contract with a provincial unit."""
    if facts.hukou is None:
        return Outcome(UNKNOWN, "unknown", ("hukou",))
    if facts.hukou == "urban":
        return Outcome(PASS, "urban")
    if facts.provincial_contract_year is None:
        return Outcome(UNKNOWN, "unknown", ("provincial_contract_year",))
    return Outcome(PASS, "rural_contract") if facts.provincial_contract_year else Outcome(FAIL, "rural_no_contract")


def condition_dibao(facts: Facts, ed: Edition) -> Outcome:
    """6号 二.1: the 低保证 is the sole proof of a 低保户."""
    if facts.dibao_certificate is None:
        return Outcome(UNKNOWN, "unknown", ("dibao_certificate",))
    return Outcome(PASS, "certificate") if facts.dibao_certificate else Outcome(FAIL, "no_certificate")


def line_of(facts: Facts, ed: Edition, place: str) -> tuple[Decimal | None, tuple[str, ...]]:
    """The 低保 line of the residence or workplace, or the facts still needed for it."""
    where = getattr(facts, place)
    if where is None:
        return None, (place,)
    if where == "other":
        line = getattr(facts, f"{place}_dibao_line")
        return (line, ()) if line is not None else (None, (f"{place}_dibao_line",))
    return ed.dibao_line(where), ()


def income_test(facts: Facts, ed: Edition, place: str, cost: str | None,
                reading: str = LITERAL) -> Outcome:
    """(household income − size × cost) ≤ 12 × size × 1.5 × line(place), compared exactly.

    That is the text's (per-capita annual income − cost) ÷ 12 ≤ the marginal line. The
    other plausible ``reading`` (HOUSEHOLD: (household income − cost) ÷ size ÷ 12)
    subtracts the cost once; ``params["compared"]`` is the annual figure compared."""
    line, needs = line_of(facts, ed, place)
    income, size = facts.household_annual_income, facts.household_size
    needs += tuple(n for n, v in (("household_size", size), ("household_annual_income", income)) if v is None)
    if needs:
        pending_cost = (cost,) if cost and getattr(facts, cost) is None else ()
        return Outcome(UNKNOWN, "unknown", needs + pending_cost)
    limit = 12 * size * line * ed.multiplier  # yearly household income at the marginal line
    params = {"line": line, "marginal_line": line * ed.multiplier, "limit": limit, "size": size,
              "income": income, "compared": income}
    if income <= limit:
        return Outcome(PASS, "income_within_line", params=params)
    spent = getattr(facts, cost) if cost else None
    if cost and spent is None:
        return Outcome(UNKNOWN, "unknown", (cost,), params)
    if spent is not None:
        params |= {"cost": spent, "compared": income - (spent if reading == HOUSEHOLD else size * spent)}
        if params["compared"] <= limit:
            return Outcome(PASS, "adjusted_income_within_line", params=params)
    return Outcome(FAIL, "income_above_line", params=params)


def _any_true(facts: Facts, names: tuple[str, ...]) -> Outcome:
    values = [getattr(facts, n) for n in names]
    if any(v is True for v in values):
        return Outcome(PASS, "+".join(n for n, v in zip(names, values, strict=True) if v))
    needs = tuple(n for n, v in zip(names, values, strict=True) if v is None)
    return Outcome(UNKNOWN, "unknown", needs) if needs else Outcome(FAIL, "none")


def _both(trigger: Outcome, income: Outcome, fail_trigger: str) -> Outcome:
    """Combine a category's trigger and its income test (three-valued AND)."""
    if trigger.status == FAIL:
        return Outcome(FAIL, fail_trigger, params=income.params)
    if income.status == FAIL:
        return Outcome(FAIL, income.detail, params=income.params | {"trigger": trigger.status})
    if trigger.status == PASS and income.status == PASS:
        return Outcome(PASS, income.detail, params=income.params | {"reasons": trigger.detail})
    return Outcome(UNKNOWN, "unknown", trigger.needs + income.needs, income.params)


def condition_marginal(facts: Facts, ed: Edition) -> Outcome:
    """6号 二.2: income within the residence's marginal line, and one of 二.2(1)–(3)."""
    reasons = _any_true(facts, ("major_illness", "child_education_hardship", "disaster"))
    return _both(reasons, income_test(facts, ed, "residence", None), "no_qualifying_reason")


def condition_illness(facts: Facts, ed: Edition, reading: str = LITERAL) -> Outcome:
    """6号 二.3(1): major illness or paralysis, income less medical costs within the workplace line."""
    ill = _any_true(facts, ("major_illness", "disease_paralysis"))
    return _both(ill, income_test(facts, ed, "workplace", "medical_out_of_pocket", reading), "no_major_illness")


def condition_disaster(facts: Facts, ed: Edition, reading: str = LITERAL) -> Outcome:
    """6号 二.3(2): a disaster, income less its costs within the workplace line."""
    hit = _any_true(facts, ("disaster",))
    return _both(hit, income_test(facts, ed, "workplace", "disaster_costs", reading), "no_disaster")


# The details that are a comparison of income with a line (the result follows them with
# the exact annual figures where the rounded monthly ones look equal: dialogs/result.py).
INCOME_DETAILS = frozenset({"income_within_line", "adjusted_income_within_line", "income_above_line"})
# The facts a category's trigger reads (a pass names them: "with: major illness").
TRIGGER_FACTS = ("major_illness", "child_education_hardship", "disaster", "disease_paralysis")


def declared_details(ed: Edition) -> dict[str, frozenset[str]]:
    """Every detail code each condition can report as pass or fail (the catalogs hold
    one sentence per code; a test proves the conditions return nothing else)."""
    return {
        "scope": frozenset({"all_true", "not_member", "no_labor_relation", "not_wage_earner_head"}),
        "exclusions": frozenset({"none_apply", "homes_owned", *ed.exclusions.flags}),
        "one_household": frozenset({"not_filed", "filed_elsewhere"}),
        "age": frozenset({"born_after_cutoff", "born_before_cutoff"}),
        "migrant": frozenset({"urban", "rural_contract", "rural_no_contract"}),
        "dibao": frozenset({"certificate", "no_certificate"}),
        "marginal": frozenset({"income_within_line", "income_above_line", "no_qualifying_reason"}),
        "illness": frozenset({*INCOME_DETAILS, "no_major_illness"}),
        "disaster": frozenset({*INCOME_DETAILS, "no_disaster"}),
    }


GATES = {"scope": condition_scope, "exclusions": condition_exclusions,
         "one_household": condition_one_household, "age": condition_age,
         "migrant": condition_migrant}
CATEGORY_CONDITIONS = {"dibao": condition_dibao, "marginal": condition_marginal,
                       "illness": condition_illness, "disaster": condition_disaster}
