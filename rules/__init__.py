"""The policy as data and pure functions: facts -> decision, materials, form checks,
working days. Imports nothing of telegram, storage or locales."""
from rules.api import checklist_json, decision_json, facts_for, screen
from rules.edition import DEFAULT_EDITION, Edition, EditionError, load_edition
from rules.engine import Decision, Flip, Reason, evaluate
from rules.facts import Facts, FactError, read_facts
from rules.materials import Checklist, ChecklistItem, checklist

__all__ = ["DEFAULT_EDITION", "Checklist", "ChecklistItem", "Decision", "Edition", "EditionError",
           "FactError", "Facts", "Flip", "Reason", "checklist", "checklist_json", "decision_json",
           "evaluate", "facts_for", "load_edition", "read_facts", "screen"]
