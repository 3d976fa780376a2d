"""The screening engine: facts -> decision, categories, figures, reasons, missing.

Eligible = every gate (scope, exclusions, one household, age, migrant) passes and
at least one category passes. Not eligible = a gate fails or every category fails.
Decided = not eligible, or eligible with the primary category known. ``missing``
lists, in the edition's question order, only the facts that can still change the
decision or the primary category; it is empty once decided.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from rules.conditions import (CATEGORY_CONDITIONS, FAIL, GATES, HOUSEHOLD, PASS, UNKNOWN, Outcome,
                              line_of)
from rules.edition import Edition, load_edition
from rules.facts import Facts

CENT = Decimal("0.01")


def cents(value: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to 0.01 yuan for display (comparisons never use rounded figures)."""
    return value.quantize(CENT, rounding=rounding)


@dataclass(frozen=True)
class Reason:
    """One rule's outcome with the clause it applies."""

    rule: str
    clause: str
    outcome: str
    detail: str
    params: dict[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flip:
    """The smallest numeric change that would flip a category (``effect``: pass or fail)."""

    category: str
    fact: str
    relation: str  # "at_most" | "at_least" | "above"
    value: Decimal
    effect: str


@dataclass(frozen=True)
class Note:
    """Something the decision should say beside its reasons (codes and figures only).

    ``alternative_reading``: 二.3's formula read as (household income − cost) ÷ size ÷ 12
    gives ``outcome`` for ``category`` with the monthly ``figure`` (the union decides
    which reading applies). ``costs_exceed_income``: the category's costs exceed the
    income, so its figure is shown as 0.00 (``figure``), never negative."""

    note: str
    category: str
    figure: Decimal | None = None
    outcome: str | None = None


ALTERNATIVE_READING, COSTS_EXCEED_INCOME = "alternative_reading", "costs_exceed_income"
COSTS = {"illness": "medical_out_of_pocket", "disaster": "disaster_costs"}
# Every (fact, relation) a flip can name: the income at most / above a limit, a cost at least.
DECLARED_FLIPS = frozenset({("household_annual_income", "at_most"), ("household_annual_income", "above"),
                            *((cost, "at_least") for cost in COSTS.values())})


@dataclass(frozen=True)
class Decision:
    """The engine's answer for one set of facts."""

    eligible: bool | None
    decided: bool
    worker_type: str | None
    categories: tuple[str, ...]
    primary: str | None
    missing: tuple[str, ...]
    reasons: tuple[Reason, ...]
    figures: dict[str, Decimal]
    flips: tuple[Flip, ...] = ()
    notes: tuple[Note, ...] = ()

    def reason(self, rule: str) -> Reason:
        """The reason for ``rule``."""
        return next(r for r in self.reasons if r.rule == rule)


def _figures(facts: Facts, ed: Edition) -> dict[str, Decimal]:
    figs: dict[str, Decimal] = {}
    for place in ("residence", "workplace"):
        line, _ = line_of(facts, ed, place)
        if line is not None:
            figs[f"dibao_line_{place}"] = line
            figs[f"marginal_line_{place}"] = line * ed.multiplier
    if facts.household_annual_income is not None and facts.household_size:
        per_year = facts.household_annual_income / facts.household_size
        figs["per_capita_annual"] = per_year
        figs["per_capita_monthly"] = per_year / 12
        for key, cost in (("illness", facts.medical_out_of_pocket), ("disaster", facts.disaster_costs)):
            if cost is not None:  # floored: costs above the income show 0.00 and a note
                figs[f"{key}_adjusted_monthly"] = max((per_year - cost) / 12, Decimal(0))
    return {k: cents(v) for k, v in figs.items()}


def _notes(cats: dict[str, Outcome], facts: Facts, ed: Edition) -> tuple[Note, ...]:
    """Where the other reading of 二.3 decides differently, and costs above the income."""
    notes = []
    for name, cost_fact in COSTS.items():
        income, size, cost = facts.household_annual_income, facts.household_size, getattr(facts, cost_fact)
        if name not in cats or income is None or not size or cost is None:
            continue
        if cost * size > income:
            notes.append(Note(COSTS_EXCEED_INCOME, name, cents(Decimal(0))))
        literal = cats[name]
        # The literal reading subtracts the cost once per member, the other once in all: the
        # same for one person, and the literal one passes whenever the other does. So they
        # can differ only where the literal one passes on the costs of a larger household.
        if literal.status == PASS and literal.detail == "adjusted_income_within_line" and size > 1:
            other = CATEGORY_CONDITIONS[name](facts, ed, reading=HOUSEHOLD)
            if other.status in (PASS, FAIL) and other.status != literal.status:
                figure = cents(max((income - cost) / size / 12, Decimal(0)))
                notes.append(Note(ALTERNATIVE_READING, name, figure, other.status))
    return tuple(notes)


def _flips(cats: dict[str, Outcome], facts: Facts, ed: Edition, eligible: bool | None,
           primary: str | None) -> tuple[Flip, ...]:
    """Numeric changes that flip a near-miss to pass, or a borderline pass to fail."""
    flips = []
    for name, out in cats.items():
        p = out.params
        if eligible is False and out.detail == "income_above_line" and p.get("trigger") == PASS:
            limit = p["limit"] + p["size"] * p.get("cost", 0)
            flips.append(Flip(name, "household_annual_income", "at_most", cents(limit, ROUND_FLOOR), "pass"))
            if name in COSTS:
                need = (p["income"] - p["limit"]) / p["size"]
                flips.append(Flip(name, COSTS[name], "at_least", cents(need, ROUND_CEILING), "pass"))
        elif eligible and name == primary and out.detail == "income_within_line":
            share = Decimal(ed.param("borderline_share"))
            if p["income"] >= p["limit"] * (1 - share):
                flips.append(Flip(name, "household_annual_income", "above", cents(p["limit"], ROUND_FLOOR), "fail"))
    return tuple(flips)


def _in_order(needs: set[str], ed: Edition) -> list[str]:
    return [f for f in ed.facts if f in needs]


def _missing(gates: dict[str, Outcome], cats: dict[str, Outcome], ed: Edition) -> tuple[str, ...]:
    """The facts that can still change the answer: the gates' first (each asked
    once, in question order), then each open category's in category order, up to
    the first category that already passes."""
    order = _in_order({f for o in gates.values() for f in o.needs}, ed)
    for out in cats.values():
        if out.status == PASS:
            break
        order += [f for f in _in_order(set(out.needs), ed) if f not in order]
    return tuple(order)


def evaluate(facts: Facts, edition: Edition | None = None) -> Decision:
    """Apply every rule to ``facts`` and say what is decided and what is still needed."""
    ed = edition or load_edition()
    gates = {name: cond(facts, ed) for name, cond in GATES.items()}
    cats = {name: CATEGORY_CONDITIONS[name](facts, ed) for name in ed.category_order}
    gate_failed = any(o.status == FAIL for o in gates.values())
    gates_pass = all(o.status == PASS for o in gates.values())
    passing = tuple(n for n, o in cats.items() if o.status == PASS)
    all_cats_fail = all(o.status == FAIL for o in cats.values())
    first_open = next((n for n, o in cats.items() if o.status != FAIL), None)

    if gate_failed or all_cats_fail:
        eligible: bool | None = False
    elif gates_pass and passing:
        eligible = True
    else:
        eligible = None
    primary = first_open if eligible and cats[first_open].status == PASS else None
    decided = eligible is False or primary is not None

    missing = () if decided else _missing(gates, cats, ed)

    reasons = tuple(Reason(name, ed.clauses[name], o.status, o.detail, o.params, o.needs)
                    for name, o in (*gates.items(), *cats.items()))
    worker_type = None if facts.hukou is None else ("migrant_worker" if facts.hukou == "rural" else "worker")
    return Decision(eligible, decided, worker_type, passing, primary, missing, reasons,
                    _figures(facts, ed), _flips(cats, facts, ed, eligible, primary), _notes(cats, facts, ed))


__all__ = ["Decision", "Flip", "Note", "Reason", "evaluate", "cents", "PASS", "FAIL", "UNKNOWN",
           "ALTERNATIVE_READING", "COSTS_EXCEED_INCOME"]
