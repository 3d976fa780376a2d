"""The result flow: the decision clause by clause, the checklist for the matched
category, and the summary of answers with a way to change each.

```mermaid
stateDiagram-v2
    [*] --> result: the screening decided · /clerk
    result --> summary: "change an answer" · /change
    summary --> screening: pick an answer to change
    summary --> screening: continue (a question still waits)
    summary --> result: back to the result · /back (nothing undone)
    result --> result: materials for another matched category · /why (the basis) · typed text (buttons stay)
    result --> screening: /back (undo the last answer) · start over (after a confirmation)
```
"""
from __future__ import annotations

from typing import Literal

from rules import Decision, checklist, facts_for

from dialogs import screening
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.questions import display_answer, question
from dialogs.result import checklist_reply, reason_lines, result_replies
from dialogs.types import Choice, Msg, Pick, Reply, Text


class ResultState(FlowState):
    """Which view of the result is open."""

    key = "result"
    view: Literal["result", "summary"] = "result"


def show(turn: Turn, decision: Decision) -> Replies:
    """The decision and what to do next."""
    turn.open(FLOW.name)
    turn.state(ResultState).view = "result"
    screen = turn.state(screening.ScreenState)
    return result_replies(decision, turn.ctx, answers=screen.answers, asking=screen.asking,
                          next_seq=turn.session.next_seq)


def summary(turn: Turn) -> Replies:
    """Lists the answers given, each with a button to change it."""
    screen, ed = turn.state(screening.ScreenState), turn.ctx.edition
    if not screen.answers:
        return [Reply((Msg("summary.empty"),))] + (screening.reask(turn) if turn.flow == screening.FLOW.name else [])
    lines = [Msg("summary.title")]
    choices = []
    for fact in ed.facts:
        if fact in screen.answers:
            answer = display_answer(fact, screen.answers[fact], ed)
            lines.append(Msg("summary.line", {"question": Msg(f"fact.{fact}"), "answer": answer}))
            choices.append(Choice(Pick("change", fact), Msg(f"fact.{fact}")))
    if screen.asking:  # mid-way (or after a clerk handover): a way back to the open question
        choices.append(Choice(Pick("nav", "continue"), Msg("btn.continue")))
    else:  # after a result: a way back to it without changing anything
        choices.append(Choice(Pick("nav", "result"), Msg("btn.back_to_result")))
    turn.open(FLOW.name)
    turn.state(ResultState).view = "summary"
    return [turn.ask(lines, choices)]


def change(turn: Turn, fact: str) -> Replies:
    """Re-asks one earlier answer, showing the current one."""
    screen, ed = turn.state(screening.ScreenState), turn.ctx.edition
    if fact not in screen.answers or fact not in ed.facts:
        return summary(turn)
    turn.open(screening.FLOW.name)
    screen.asking, screen.changing, screen.failures, screen.idk, screen.group = fact, True, 0, False, None
    return [question(fact, ed, turn.session.next_seq(), left=None, current=screen.answers[fact])]


def other_checklist(turn: Turn, category: str) -> Replies:
    """The checklist of another category the household matches."""
    ctx = turn.ctx
    facts = facts_for(turn.state(screening.ScreenState).answers, edition=ctx.edition, today=ctx.today)
    return [checklist_reply(checklist(facts, category, None, ctx.edition), ctx)]


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """Change an answer, continue the open question, or another category's materials."""
    if pick.kind == "change":
        return change(turn, pick.value)
    if pick.kind == "checklist" and pick.value in turn.ctx.edition.category_order:
        return other_checklist(turn, pick.value)
    if pick.kind == "nav" and pick.value == "continue":
        return screening.reask(turn) if screening.has_open_question(turn) else repeat(turn)
    if pick.kind == "nav" and pick.value == "result":
        return show(turn, screening.decide(turn.state(screening.ScreenState), turn))
    return [screening.STALE]


def on_text(turn: Turn, text: Text) -> Replies:
    """Typed text where buttons are expected: say so, and leave those buttons working."""
    return [Reply((Msg("err.pick_a_button"),))]


def repeat(turn: Turn) -> Replies:
    """The summary again, or (after a result) the main menu."""
    from dialogs import menu

    return summary(turn) if turn.state(ResultState).view == "summary" else menu.show(turn)


def go_back(turn: Turn) -> Replies:
    """/back: from the summary, back to the result (nothing undone); after a result,
    undo the last answer and ask it again."""
    screen = turn.state(screening.ScreenState)
    if turn.state(ResultState).view == "summary" and not screen.asking and screen.answers:
        return show(turn, screening.decide(screen, turn))
    if screen.order:
        return screening.go_back(turn)
    return [Reply((Msg("nav.unknown_command"),))] + repeat(turn)


def why(turn: Turn) -> Replies:
    """/why after a result: the decision's basis, clause by clause (the buttons stay)."""
    decision = screening.decide(turn.state(screening.ScreenState), turn)
    return [Reply((Msg("why.result"), *reason_lines(decision, turn.ctx)))]


FLOW = Flow(
    name="result",
    diagram=__doc__ or "",
    state=ResultState,
    on_text=on_text,
    on_pick=on_pick,
    repeat=repeat,
    commands={"back": go_back, "why": why},
)
