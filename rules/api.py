"""The package's front door: raw JSON-like facts in, the contract's JSON out."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rules.edition import DEFAULT_EDITION, Edition, load_edition
from rules.engine import Decision, cents, evaluate
from rules.facts import Facts, dibao_line_range, read_facts
from rules.materials import Checklist, checklist


def facts_for(raw: dict[str, Any], *, edition: Edition, today: dt.date | None = None) -> Facts:
    """Validate raw facts against ``edition`` (its localities)."""
    return read_facts(raw, today=today, localities=set(edition.localities.items),
                      line_range=dibao_line_range(edition))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(cents(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def decision_json(decision: Decision, edition: Edition) -> dict[str, Any]:
    """The decision as the JSON object of eligibility.md's contract."""
    return {
        "eligible": decision.eligible,
        "decided": decision.decided,
        "worker_type": decision.worker_type,
        "categories": list(decision.categories),
        "primary": decision.primary,
        "missing": list(decision.missing),
        "reasons": [{"rule": r.rule, "clause": r.clause, "outcome": r.outcome, "detail": r.detail,
                     "params": _plain(r.params), "needs": list(r.needs)} for r in decision.reasons],
        "figures": _plain(decision.figures),
        "flips": [{"category": f.category, "fact": f.fact, "relation": f.relation,
                   "value": _plain(f.value), "effect": f.effect} for f in decision.flips],
        "notes": [{"note": n.note, "category": n.category, "figure": _plain(n.figure),
                   "outcome": n.outcome} for n in decision.notes],
        "edition": edition.edition,
    }


def screen(raw: dict[str, Any], *, edition: str = DEFAULT_EDITION,
           today: dt.date | None = None) -> dict[str, Any]:
    """Screen raw facts and return the contract's JSON object (raises FactError)."""
    ed = load_edition(edition)
    return decision_json(evaluate(facts_for(raw, edition=ed, today=today), ed), ed)


def checklist_json(cl: Checklist, ed: Edition, lang: str) -> dict[str, Any]:
    """A checklist as JSON, texts in ``lang``."""
    return {
        "category": cl.category, "worker_type": cl.worker_type, "reference": cl.reference,
        "title": f"{ed.category_names[cl.category].get(lang)} · {ed.worker_types[cl.worker_type].get(lang)}",
        "items": [{"key": i.key, "status": i.status, "text": i.text(ed, lang),
                   "condition": i.condition(ed, lang), "note": i.note(ed, lang)} for i in cl.items],
        "copies_rule": ed.materials.copies_rule.get(lang),
    }


__all__ = ["screen", "decision_json", "facts_for", "checklist", "checklist_json", "evaluate"]
