"""Rules engine benchmark: prints figures, asserts nothing.

Over the decided profiles of the rule case files (tests/rules/cases/*.yaml):

1. full evaluations per second on one core: ``rules.evaluate(facts, edition)`` with
   pre-built Facts, and ``rules.screen(raw)`` including validation and JSON shaping;
   a trivial baseline (copying each raw dict) is timed in the same run so that
   ratios stay comparable on a noisy machine;
2. the number of questions a dialog needs to decide each profile: start from no
   facts and repeatedly answer ``missing[0]`` from the profile (sex and birth date
   derived from an ID number count as answered) until decided, or until the profile
   lacks the fact asked (such profiles are listed separately).

Aim stated in the issue: >= 20,000 evaluations/s and a median <= 10 questions.

    .venv/bin/python bench/rules_bench.py [--seconds 1.0]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import rules  # noqa: E402

CASES = ROOT / "tests" / "rules" / "cases"
DEFAULT_TODAY = dt.date(2016, 10, 15)
AIM_RATE, AIM_MEDIAN = 20_000, 10


def load_profiles(ed: rules.Edition) -> list[tuple[str, dict[str, Any], dt.date]]:
    """(file::name, raw facts, today) of every case whose screening is decided."""
    profiles = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            if "error" in case:
                continue
            today = case.get("today", DEFAULT_TODAY)
            today = today if isinstance(today, dt.date) else dt.date.fromisoformat(today)
            raw = dict(case["facts"])
            if rules.screen(raw, edition=ed.edition, today=today)["decided"]:
                profiles.append((f"{path.stem}::{case['name']}", raw, today))
    return profiles


def rate(fn: Callable[[], int], seconds: float, repeats: int = 5) -> float:
    """Best-of-``repeats`` operations per second; ``fn`` runs one batch and returns its size."""
    best = 0.0
    for _ in range(repeats):
        done, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds / repeats:
            done += fn()
        best = max(best, done / elapsed)
    return best


def questions(raw: dict[str, Any], today: dt.date, ed: rules.Edition,
              grouped: bool = True) -> tuple[int, str | None, Any]:
    """Questions asked before the decision, the fact the profile lacked (or None), the
    decision. ``grouped``: as the dialog asks, with the edition's question groups (one
    answer for all of a group's facts, or "not all" and then one by one)."""
    full = rules.facts_for(raw, edition=ed, today=today)
    known: dict[str, Any] = {}
    declined: set[str] = set()
    asked = 0
    while asked < 100:
        decision = rules.evaluate(rules.facts_for(known, edition=ed, today=today), ed)
        if decision.decided:
            return asked, None, decision
        fact = decision.missing[0]
        group = next((n for n, g in ed.question_groups.items() if grouped and g.facts[0] == fact
                      and n not in declined and not any(f in known for f in g.facts)), None)
        asked += 1
        if group:
            g = ed.question_groups[group]
            setting = g.setting(g.answer_of({f: getattr(full, f) for f in g.facts}))
            if setting is None:  # "not all" / "some" / "several": one by one
                declined.add(group)
            else:  # a fact the profile leaves open is one the person did not pick
                known |= {f: v if getattr(full, f) is None else getattr(full, f) for f, v in setting.items()}
            continue
        if getattr(full, fact) is None:
            return asked - 1, fact, decision
        known[fact] = getattr(full, fact)
    raise RuntimeError("no decision after 100 questions")


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            cpu = min(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {cpu})
            return f"pinned to CPU {cpu}"
        except OSError as exc:  # pragma: no cover - depends on the machine
            return f"not pinned ({exc})"
    return "not pinned (no sched_setaffinity)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement (default 1.0)")
    parser.add_argument("--edition", default=rules.DEFAULT_EDITION)
    args = parser.parse_args()

    ed = rules.load_edition(args.edition)
    profiles = load_profiles(ed)
    facts = [rules.facts_for(raw, edition=ed, today=today) for _, raw, today in profiles]
    raws = [raw for _, raw, _ in profiles]
    print(f"rules bench · edition {ed.edition} · Python {platform.python_version()} "
          f"({platform.python_implementation()}) · {platform.machine()} · {pin_one_core()}")
    print(f"profiles: {len(profiles)} decided cases from {CASES.relative_to(ROOT)}/*.yaml")

    # --- throughput --------------------------------------------------------------------
    def baseline() -> int:
        for raw in raws:
            dict(raw)
        return len(raws)

    def evaluate() -> int:
        for f in facts:
            rules.evaluate(f, ed)
        return len(facts)

    def screen() -> int:
        for raw in raws:
            rules.screen(raw, edition=ed.edition)
        return len(raws)

    evaluate()
    screen()  # warm caches
    base = rate(baseline, args.seconds)
    ev = rate(evaluate, args.seconds)
    sc = rate(screen, args.seconds)
    print()
    print("throughput (one core, best of 5)")
    print(f"  baseline dict copy   {base:>12,.0f} /s   {1e6 / base:8.2f} µs each")
    print(f"  rules.evaluate       {ev:>12,.0f} /s   {1e6 / ev:8.2f} µs each   "
          f"= {base / ev:6.1f} × a dict copy   aim ≥ {AIM_RATE:,}/s: {'met' if ev >= AIM_RATE else 'NOT met'}")
    print(f"  rules.screen (raw)   {sc:>12,.0f} /s   {1e6 / sc:8.2f} µs each   "
          f"= {base / sc:6.1f} × a dict copy   aim ≥ {AIM_RATE:,}/s: {'met' if sc >= AIM_RATE else 'NOT met'}")

    # --- questions to a decision ----------------------------------------------------------
    counts: list[tuple[int, str, Any]] = []
    stuck: list[tuple[str, int, str]] = []
    ungrouped = [q for raw, today in ((r, d) for _, r, d in profiles)
                 if (q := questions(raw, today, ed, grouped=False))[1] is None]
    differ = []
    for (name, raw, today) in profiles:
        asked, lacked, decision = questions(raw, today, ed)
        if lacked is None:
            counts.append((asked, name, decision))
            own = rules.evaluate(rules.facts_for(raw, edition=ed, today=today), ed)
            if (own.eligible, own.primary) != (decision.eligible, decision.primary):
                differ.append(name)
        else:
            stuck.append((name, asked, lacked))
    numbers = [n for n, _, _ in counts]
    print()
    print(f"questions to a decision (asking missing[0] from the profile, with the question groups), "
          f"{len(numbers)} profiles")
    if ungrouped:
        print(f"  one question per fact (before the groups): median {statistics.median(q[0] for q in ungrouped):g}")
    if numbers:
        med = statistics.median(numbers)
        print(f"  median {med:g}   mean {statistics.mean(numbers):.1f}   max {max(numbers)}   "
              f"min {min(numbers)}   aim median ≤ {AIM_MEDIAN}: {'met' if med <= AIM_MEDIAN else 'NOT met'}")
        for label, pick in (("eligible", lambda d: d.eligible is True),
                            ("not eligible", lambda d: d.eligible is False)):
            part = [n for n, _, d in counts if pick(d)]
            if part:
                print(f"  {label:<13} n={len(part):<4} median {statistics.median(part):g}   "
                      f"mean {statistics.mean(part):.1f}   max {max(part)}")
        print(f"  decisions that differ from the profile's own: {len(differ)}"
              + "".join(f"\n    {n}" for n in differ))
        above = sorted(((n, name) for n, name, _ in counts if n > AIM_MEDIAN), reverse=True)
        print(f"  profiles above {AIM_MEDIAN} questions: {len(above)}")
        for n, name in above:
            print(f"    {n:3d}  {name}")
    if stuck:
        print(f"  not reachable by asking in order (the profile lacks a fact asked; "
              f"marked dialog: false in the cases): {len(stuck)}")
        for name, asked, lacked in stuck:
            print(f"    after {asked:2d}: lacks {lacked:<24} {name}")


if __name__ == "__main__":
    main()
