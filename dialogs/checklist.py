"""The clerk's checklist: pick the category, the worker type and the conditions,
and get the exact list of materials without a screening.

```mermaid
stateDiagram-v2
    [*] --> category: /materials
    category --> worker_type: pick category
    worker_type --> condition: pick worker type
    condition --> condition: answer or skip (marital status, illness, reason...)
    condition --> list: no condition left
    list --> category: another checklist
```
"""
from __future__ import annotations

from rules import checklist, read_facts
from rules.parse import ParseError

from dialogs.context import Context
from dialogs.questions import choices_for, read_answer
from dialogs.result import checklist_reply
from dialogs.state import ChecklistState, SessionState
from dialogs.types import Button, Choice, Input, Label, Msg, Reply


def start_checklist(state: SessionState, ctx: Context) -> list[Reply]:
    """Asks which category the materials are for."""
    state.mode, state.checklist = "checklist", ChecklistState()
    ed = ctx.edition
    choices = tuple(Choice(f"cat:{c}", Label.of(ed.category_names[c])) for c in ed.category_order)
    return [Reply((Msg("checklist.ask_category"),), choices, state.next_seq())]


def _conditions(state: SessionState, ctx: Context) -> list[str]:
    """The facts the chosen list's conditional items depend on."""
    cl = state.checklist
    key = "migrant_worker" if cl.worker_type == "migrant_worker" else cl.category
    facts: list[str] = []
    for entry in ctx.edition.materials.lists[key].items:
        for alt in entry.when or []:
            if "primary" in alt and cl.category not in alt["primary"]:
                continue
            facts += [f for f in alt if f != "primary" and f not in facts]
    return facts


def _ask_next(state: SessionState, ctx: Context) -> list[Reply]:
    cl = state.checklist
    pending = [f for f in _conditions(state, ctx) if f not in cl.answers and f not in cl.skipped]
    if not pending:
        return show_list(state, ctx)
    cl.asking = pending[0]
    choices = tuple(choices_for(cl.asking, ctx.edition)) + (Choice("skip", Msg("btn.skip")),)
    return [Reply((Msg(f"checklist.ask.{cl.asking}"),), choices, state.next_seq())]


def show_list(state: SessionState, ctx: Context, category: str | None = None) -> list[Reply]:
    """The checklist for the choices made (or ``category`` after a screening)."""
    cl = state.checklist
    facts = read_facts(cl.answers)
    reply = checklist_reply(checklist(facts, category or cl.category, cl.worker_type, ctx.edition), ctx)
    state.mode = "menu"
    nav = (Choice("menu:materials", Msg("btn.another_checklist")), Choice("menu:screen", Msg("btn.screen")))
    return [reply, Reply((Msg("checklist.done"),), nav, state.next_seq())]


def on_checklist_input(state: SessionState, inp: Input, ctx: Context) -> list[Reply]:
    """Reads a pick of category, worker type or condition."""
    cl, value = state.checklist, inp.value if isinstance(inp, Button) else None
    if cl.category is None:
        if value and value.startswith("cat:") and value[4:] in ctx.edition.category_order:
            cl.category = value[4:]
            choices = tuple(Choice(f"wt:{k}", Label.of(t)) for k, t in ctx.edition.worker_types.items())
            return [Reply((Msg("checklist.ask_worker_type"),), choices, state.next_seq())]
        return [Reply((Msg("err.pick_a_button"),))] + repeat(state, ctx)
    if cl.worker_type is None:
        if value and value.startswith("wt:") and value[3:] in ctx.edition.worker_types:
            cl.worker_type = value[3:]
            return _ask_next(state, ctx)
        return [Reply((Msg("err.pick_a_button"),))] + repeat(state, ctx)
    if value == "skip":
        cl.skipped.append(cl.asking)
        return _ask_next(state, ctx)
    try:
        fact, answer = read_answer(cl.asking, inp, ctx.edition, ctx.today)
    except ParseError:
        return [Reply((Msg("err.pick_a_button"),))] + repeat(state, ctx)
    cl.answers[fact] = answer
    return _ask_next(state, ctx)


def repeat(state: SessionState, ctx: Context) -> list[Reply]:
    """Asks the current checklist question again (same question number)."""
    cl = state.checklist
    state.seq -= 1
    if cl.category is None:
        return start_checklist(state, ctx)
    if cl.worker_type is None:
        choices = tuple(Choice(f"wt:{k}", Label.of(t)) for k, t in ctx.edition.worker_types.items())
        return [Reply((Msg("checklist.ask_worker_type"),), choices, state.next_seq())]
    cl.answers.pop(cl.asking, None)
    return _ask_next(state, ctx)
