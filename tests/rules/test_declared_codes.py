"""The rules declare the detail codes their conditions report and the flips the
engine names (the catalogs hold one sentence per declared code). Here the engine is
run over the branch values of the facts each condition reads, and everything it
reports must be declared, and everything declared must be reachable."""
from __future__ import annotations

import itertools
import typing
import datetime as dt
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Iterator

from rules import load_edition
from rules.conditions import declared_details
from rules.engine import DECLARED_FLIPS


def _edition():
    return load_edition()


def _domains() -> dict[str, list[Any]]:
    """A few values per fact that reach every branch: the age cut-offs and the
    income limits exactly, either side, and every enumeration."""
    from rules.facts import Facts

    ed = _edition()
    cut = ed.age_cutoffs
    limits = {12 * s * loc.dibao_line * ed.multiplier for loc in ed.localities.items.values() for s in (1, 3)}
    money = [None, Decimal(0), Decimal(500), Decimal(30000), Decimal(200000), *sorted(limits)]
    places = [None, "other", next(iter(ed.localities.items))]
    domains: dict[str, list[Any]] = {}
    for name, field in Facts.model_fields.items():
        args = typing.get_args(field.annotation)
        literal = [a for a in args if typing.get_origin(a) is typing.Literal]
        if name == "id_number":
            domains[name] = [None]  # it only derives sex and birth date
        elif bool in args:
            domains[name] = [None, True, False]
        elif int in args:
            domains[name] = [None, 1, 3] if name == "household_size" else [None, 0, 1, 2]
        elif Decimal in args:
            domains[name] = money if "income" in name or "cost" in name or "pocket" in name else [None, Decimal(500)]
        elif dt.date in args:
            domains[name] = [None] + [d + dt.timedelta(days=k) for d in (cut.male, cut.female_cadre, cut.female)
                                      for k in (-1, 0)]
        elif literal:
            domains[name] = [None, *typing.get_args(literal[0])]
        else:
            domains[name] = places
    return domains


class _Recorder:
    """A stand-in for Facts that notes which facts a condition reads."""

    def __init__(self, values: dict[str, Any], seen: set[str]):
        self._values, self._seen = values, seen

    def __getattr__(self, name: str) -> Any:
        self._seen.add(name)
        return self._values[name]


def _assignments(names: list[str], domains: dict[str, list[Any]]) -> Iterator[dict[str, Any]]:
    for values in itertools.product(*(domains[n] for n in names)):
        yield dict(zip(names, values, strict=True))


@lru_cache(maxsize=1)
def engine_outputs() -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
    """Every (rule, detail) the engine reports as pass or fail, and every (fact,
    relation) of its flips, found by running it over the branch values of the facts
    each condition reads."""
    import random

    from rules.conditions import CATEGORY_CONDITIONS, FAIL, GATES, PASS
    from rules.engine import evaluate
    from rules.facts import Facts

    ed, domains = _edition(), _domains()
    nothing = dict.fromkeys(Facts.model_fields)

    def blank(**values: Any) -> Any:  # a Facts stand-in: the rules only read attributes
        return SimpleNamespace(**(nothing | values))

    conditions = {**GATES, **CATEGORY_CONDITIONS}
    rng = random.Random(2016)
    reads: dict[str, list[str]] = {}
    for name, cond in conditions.items():  # which facts each condition looks at
        seen: set[str] = set()
        for _ in range(300):
            cond(_Recorder({k: rng.choice(v) for k, v in domains.items()}, seen), ed)
        reads[name] = sorted(seen)
    details: set[tuple[str, str]] = set()
    passing: dict[str, dict[str, Any]] = {}
    failing: dict[str, dict[str, Any]] = {}
    for name, cond in conditions.items():
        for values in _assignments(reads[name], domains):
            out = cond(blank(**values), ed)
            if out.status in (PASS, FAIL):
                details.add((name, out.detail))
                (passing if out.status == PASS else failing).setdefault(name, values)
    # flips need whole decisions: every gate passing (or one failing), the earlier
    # categories failing, and one category's facts varied
    flips: set[tuple[str, str]] = set()
    pass_base = {k: v for g in GATES for k, v in passing.get(g, {}).items()}
    fail_base = {k: v for k, v in failing.get(next(iter(GATES)), {}).items()}
    order = list(CATEGORY_CONDITIONS)
    known = {k: [v for v in values if v is not None] or [None] for k, values in domains.items()}
    for base in (pass_base, fail_base):
        for i, name in enumerate(order):
            earlier = {k: v for c in order[:i] for k, v in failing.get(c, {}).items()}
            for values in _assignments(reads[name], known):
                decision = evaluate(blank(**(base | earlier | values)), ed)
                flips |= {(f.fact, f.relation) for f in decision.flips}
    return frozenset(details), frozenset(flips)



def test_the_conditions_report_exactly_the_declared_details() -> None:
    reported = engine_outputs()[0]
    declared = {(rule, d) for rule, ds in declared_details(_edition()).items() for d in ds}
    assert reported == declared


def test_the_flips_named_are_exactly_the_declared_ones() -> None:
    assert engine_outputs()[1] == DECLARED_FLIPS
