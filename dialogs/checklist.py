"""The clerk's checklist flow: pick the category, the worker type and the conditions,
and get the exact list of materials without a screening.

```mermaid
stateDiagram-v2
    [*] --> category: /materials · menu "materials checklist"
    category --> worker_type: pick (or type) a category
    worker_type --> condition: pick (or type) a worker type
    condition --> condition: answer or skip (marital status, illness, reason...)
    condition --> menu: no condition left: the list, then another checklist or a screening
```
"""
from __future__ import annotations

from typing import Any

from pydantic import Field

from rules import checklist as build_checklist, read_facts
from rules.parse import ParseError

from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.questions import choices_for, match_spelling, read_answer
from dialogs.result import checklist_reply
from dialogs.types import Choice, Label, Msg, Pick, Reply, Text, pick_of


class ChecklistState(FlowState):
    """A clerk's checklist: category, worker type and the conditions picked."""

    key = "checklist"
    category: str | None = None
    worker_type: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)
    asking: str | None = None


def start(turn: Turn) -> Replies:
    """Asks which category the materials are for."""
    turn.open(FLOW.name)
    turn.reset(ChecklistState)
    return [turn.ask((Msg("checklist.ask_category"),), _category_choices(turn))]


def _category_choices(turn: Turn) -> list[Choice]:
    ed = turn.ctx.edition
    return [Choice(Pick("category", c), Label.of(ed.category_names[c])) for c in ed.category_order]


def _worker_type_choices(turn: Turn) -> list[Choice]:
    return [Choice(Pick("worker_type", k), Label.of(t)) for k, t in turn.ctx.edition.worker_types.items()]


def _conditions(turn: Turn) -> list[str]:
    """The facts the chosen list's conditional items depend on."""
    cl = turn.state(ChecklistState)
    key = "migrant_worker" if cl.worker_type == "migrant_worker" else cl.category
    facts: list[str] = []
    for entry in turn.ctx.edition.materials.lists[key].items:
        for alt in entry.when or []:
            if "primary" in alt and cl.category not in alt["primary"]:
                continue
            facts += [f for f in alt if f != "primary" and f not in facts]
    return facts


def _applies(turn: Turn, fact: str) -> bool:
    """Whether a condition applies given the picks so far (the spouse's unit only if married)."""
    answers = turn.state(ChecklistState).answers
    return all(answers.get(f) == want for f, want in (turn.ctx.edition.facts[fact].applies_when or {}).items())


def _ask_next(turn: Turn) -> Replies:
    cl = turn.state(ChecklistState)
    pending = [f for f in _conditions(turn) if f not in cl.answers and f not in cl.skipped and _applies(turn, f)]
    if not pending:
        return show_list(turn)
    cl.asking = pending[0]
    choices = choices_for(cl.asking, turn.ctx.edition) + [Choice(Pick("skip"), Msg("btn.skip"))]
    return [turn.ask((Msg(f"checklist.ask.{cl.asking}"),), choices)]


def show_list(turn: Turn) -> Replies:
    """The checklist for the choices made; then the menu's two next steps."""
    cl, ctx = turn.state(ChecklistState), turn.ctx
    reply = checklist_reply(build_checklist(read_facts(cl.answers), cl.category, cl.worker_type, ctx.edition), ctx)
    turn.open("menu")
    nav = (Choice(Pick("menu", "materials"), Msg("btn.another_checklist")), Choice(Pick("menu", "screen"), Msg("btn.screen")))
    return [reply, turn.ask((Msg("checklist.done"),), nav)]


def _typed(text: Text, choices: list[Choice]) -> Pick | None:
    """A typed label (低保户, 困难农民工...) or the only choice a part of it names."""
    labels = {c.value: [c.label.zh_CN, c.label.en] for c in choices if isinstance(c.label, Label)}
    try:
        value = match_spelling(text.text, labels, partial=True)
    except ParseError:
        return None
    return pick_of(value) if value is not None else None


def on_text(turn: Turn, text: Text) -> Replies:
    """A typed category, worker type or condition answer."""
    cl = turn.state(ChecklistState)
    if cl.category is None or cl.worker_type is None:
        pick = _typed(text, _category_choices(turn) if cl.category is None else _worker_type_choices(turn))
        return on_pick(turn, pick) if pick else [Reply((Msg("err.pick_a_button"),))] + repeat(turn)
    return _on_condition(turn, text)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """A pressed category, worker type, condition answer or skip."""
    cl, ed = turn.state(ChecklistState), turn.ctx.edition
    if cl.category is None:
        if pick.kind == "category" and pick.value in ed.category_order:
            cl.category = pick.value
            return [turn.ask((Msg("checklist.ask_worker_type"),), _worker_type_choices(turn))]
        return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)
    if cl.worker_type is None:
        if pick.kind == "worker_type" and pick.value in ed.worker_types:
            cl.worker_type = pick.value
            return _ask_next(turn)
        return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)
    if pick.kind == "skip":
        cl.skipped.append(cl.asking)
        return _ask_next(turn)
    return _on_condition(turn, pick)


def _on_condition(turn: Turn, inp: Pick | Text) -> Replies:
    cl, ctx = turn.state(ChecklistState), turn.ctx
    try:
        fact, answer = read_answer(cl.asking, inp, ctx.edition, ctx.today)
    except ParseError:
        return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)
    cl.answers[fact] = answer
    return _ask_next(turn)


def repeat(turn: Turn) -> Replies:
    """Asks the current checklist question again (same question number)."""
    cl = turn.state(ChecklistState)
    turn.open(FLOW.name)
    turn.session.seq -= 1
    if cl.category is None:
        return [turn.ask((Msg("checklist.ask_category"),), _category_choices(turn))]
    if cl.worker_type is None:
        return [turn.ask((Msg("checklist.ask_worker_type"),), _worker_type_choices(turn))]
    cl.answers.pop(cl.asking, None)
    return _ask_next(turn)


def go_back(turn: Turn) -> Replies:
    """/back in the checklist: the previous pick is undone."""
    cl = turn.state(ChecklistState)
    if cl.worker_type is None:
        return start(turn)
    answered = [f for f in _conditions(turn) if f in cl.answers or f in cl.skipped]
    if not answered:
        cl.worker_type = None
        return repeat(turn)
    last = answered[-1]
    cl.answers.pop(last, None)
    cl.skipped = [f for f in cl.skipped if f != last]
    return _ask_next(turn)


FLOW = Flow(
    name="checklist",
    diagram=__doc__ or "",
    state=ChecklistState,
    on_text=on_text,
    on_pick=on_pick,
    repeat=repeat,
    commands={"back": go_back},
)
