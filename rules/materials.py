"""The checklist of materials (6号 三(三)) for a category and worker type.

Items with a condition (marital status, illness, the reason a marginal or migrant
applicant qualifies under) are required when it holds, left out when it does not,
and listed as conditional while it is unknown. Every list ends with the rule that
copies are checked against the originals.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.edition import Edition, load_edition
from rules.facts import Facts

REQUIRED, CONDITIONAL = "required", "conditional"


class WorkerTypeError(ValueError):
    """A worker type asked for that contradicts the hukou (6号 二.4 decides it)."""

    def __init__(self, asked: str, derived: str):
        super().__init__(f"worker_type {asked!r} contradicts hukou (which makes it {derived!r})")
        self.asked, self.derived = asked, derived


@dataclass(frozen=True)
class ChecklistItem:
    """One document to bring; ``status`` is required or conditional."""

    key: str
    status: str

    def text(self, ed: Edition, lang: str) -> str:
        """What to bring, in ``lang``."""
        return ed.materials.items[self.key].get(lang)

    def condition(self, ed: Edition, lang: str) -> str | None:
        """When a conditional item applies, in ``lang``."""
        label = ed.materials.items[self.key].if_
        return label.get(lang) if label and self.status == CONDITIONAL else None

    def note(self, ed: Edition, lang: str) -> str | None:
        """The project's reading about the item (not the policy's words), in ``lang``."""
        note = ed.materials.items[self.key].note
        return note.get(lang) if note else None


@dataclass(frozen=True)
class Checklist:
    """The numbered list for one category and worker type."""

    category: str
    worker_type: str
    reference: str
    items: tuple[ChecklistItem, ...]


def _holds(fact: str, expected: Any, facts: Facts, primary: str) -> bool | None:
    value = primary if fact == "primary" else getattr(facts, fact)
    if value is None:
        return None
    return value in expected if isinstance(expected, list) else value == expected


def _when(alternatives: list[dict[str, Any]] | None, facts: Facts, primary: str) -> bool | None:
    """Three-valued: any alternative whose conditions all hold."""
    if alternatives is None:
        return True
    results = []
    for alt in alternatives:
        parts = [_holds(f, v, facts, primary) for f, v in alt.items()]
        results.append(False if False in parts else (None if None in parts else True))
    return True if True in results else (None if None in results else False)


def checklist(facts: Facts, category: str, worker_type: str | None = None,
              edition: Edition | None = None) -> Checklist:
    """The materials for ``category`` (and the worker type from ``hukou`` unless given)."""
    ed = edition or load_edition()
    if category not in ed.category_order:
        raise ValueError(f"unknown category {category!r}")
    derived = None if facts.hukou is None else ("migrant_worker" if facts.hukou == "rural" else "worker")
    if worker_type and derived and worker_type != derived:
        raise WorkerTypeError(worker_type, derived)
    worker_type = worker_type or derived or "worker"
    spec = ed.materials.lists["migrant_worker" if worker_type == "migrant_worker" else category]
    items = []
    for entry in spec.items:
        holds = _when(entry.when, facts, category)
        if holds is not False:
            items.append(ChecklistItem(entry.item, REQUIRED if holds else CONDITIONAL))
    return Checklist(category, worker_type, spec.reference, tuple(items))
