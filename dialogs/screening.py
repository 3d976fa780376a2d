"""The screening conversation: ask the next missing fact, read the answer, stop as
soon as the rules decide.

```mermaid
stateDiagram-v2
    [*] --> ask: /screen
    ask --> ask: answer (valid) / rules still undecided
    ask --> ask: bad answer (re-ask with an example; after 3, offer help)
    ask --> result: rules decided
    ask --> idk: "I don't know"
    idk --> ask: continue
    idk --> result: ask a clerk (result so far)
    ask --> ask: /back (undo last answer) · /why
    result --> summary: change an answer
    summary --> ask: pick an answer to change
    result --> checklist: other category's materials
```
"""
from __future__ import annotations

from typing import Any

from rules import Decision, FactError, evaluate, facts_for
from rules.parse import ParseError

from dialogs.context import Context
from dialogs.questions import EXAMPLES, choices_for, display_answer, question, read_answer
from dialogs.result import result_replies
from dialogs.state import ScreenState, SessionState
from dialogs.types import Choice, Input, Msg, Reply

MAX_FAILURES = 3
# Facts that only apply while their parent says so; dropped when it changes.
DEPENDENTS = {"cadre": ("sex", "female"), "provincial_contract_year": ("hukou", "rural"),
              "residence_dibao_line": ("residence", "other"), "workplace_dibao_line": ("workplace", "other")}


def decide(screen: ScreenState, ctx: Context) -> Decision:
    """The rules' decision on the answers so far."""
    return evaluate(facts_for(screen.answers, edition=ctx.edition, today=ctx.today), ctx.edition)


def questions_left(decision: Decision) -> int:
    """At most how many questions remain: every fact that can still change the answer.

    An upper bound that never grows as questions are answered (an answer removes
    its fact; one that opens a dependent fact, like ``cadre`` after ``sex``, swaps
    one for one), so the person never sees "about 1 left" followed by six more."""
    return len(decision.missing)


def start_screening(state: SessionState, ctx: Context) -> list[Reply]:
    """Starts a new screening and asks the first question."""
    state.screen = ScreenState()
    return [Reply((Msg("screen.intro"),))] + ask_next(state, ctx)


def ask_next(state: SessionState, ctx: Context) -> list[Reply]:
    """Asks the next missing fact, or shows the result once the rules decide."""
    decision = decide(state.screen, ctx)
    if decision.decided:
        state.mode, state.screen.asking = "result", None
        return result_replies(decision, state, ctx)
    state.mode = "screen"
    state.screen.asking = decision.missing[0]
    state.screen.failures = 0
    return [question(state.screen.asking, ctx.edition, state.next_seq(), left=questions_left(decision))]


def reask(state: SessionState, ctx: Context, error: Msg | None = None) -> list[Reply]:
    """The current question again (same buttons), after an error if any."""
    fact = state.screen.asking
    current = state.screen.answers.get(fact) if state.screen.changing else None
    q = question(fact, ctx.edition, state.seq, left=None, current=current)
    replies = [Reply((error,))] if error else []
    if state.screen.failures >= MAX_FAILURES:
        q = Reply(q.lines + (Msg("err.many_failures"),),
                  q.choices + (Choice("nav:clerk", Msg("btn.clerk")),), q.seq, q.expects, q.asks)
    return replies + [q]


def on_answer(state: SessionState, inp: Input, ctx: Context) -> list[Reply]:
    """Reads an answer to the current question; re-asks on a bad one."""
    screen, fact = state.screen, state.screen.asking
    kind = ctx.edition.facts[fact].kind
    try:
        key, value = read_answer(fact, inp, ctx.edition, ctx.today)
        candidate = _with_answer(screen.answers, key, value)
        facts_for(candidate, edition=ctx.edition, today=ctx.today)
    except ParseError as exc:
        screen.failures += 1
        return reask(state, ctx, Msg(f"err.{kind}.{exc.code}", {"example": EXAMPLES.get(kind, "")}))
    except FactError as exc:
        screen.failures += 1
        return reask(state, ctx, Msg(f"err.fact.{exc.code}"))
    screen.answers = _prune(candidate)
    screen.order = [f for f in screen.order if f != key and f in screen.answers] + [key]
    screen.changing = False
    return ask_next(state, ctx)


def _with_answer(answers: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    new = dict(answers)
    if key == "id_number":  # the ID answers sex and birth date; typed ones give way
        new.pop("sex", None)
        new.pop("birth_date", None)
    elif key in ("sex", "birth_date"):
        new.pop("id_number", None)
    new[key] = value
    return new


def _prune(answers: dict[str, Any]) -> dict[str, Any]:
    """Drops answers that no longer apply (a cadre answer after sex became male)."""
    return {k: v for k, v in answers.items()
            if k not in DEPENDENTS or answers.get(DEPENDENTS[k][0]) == DEPENDENTS[k][1]
            or (k == "cadre" and "id_number" in answers)}


def go_back(state: SessionState, ctx: Context) -> list[Reply]:
    """Undoes the last answer and asks what is needed now."""
    screen = state.screen
    if not screen.order:
        return [Reply((Msg("nav.nothing_to_undo"),))] + (reask(state, ctx) if screen.asking else [])
    last = screen.order.pop()
    screen.answers.pop(last, None)
    screen.answers = _prune(screen.answers)
    screen.changing = False
    return [Reply((Msg("nav.undone"),))] + ask_next(state, ctx)


def why(state: SessionState, ctx: Context) -> list[Reply]:
    """Says which clause the current question comes from, then asks again."""
    fact = state.screen.asking
    clause = ctx.edition.facts[fact].clause
    return [Reply((Msg(f"why.{fact}", {"clause": clause}),))] + reask(state, ctx)


def dont_know(state: SessionState, ctx: Context) -> list[Reply]:
    """Says where to find the answer and offers to continue or to ask a clerk."""
    fact = state.screen.asking
    choices = (Choice("nav:continue", Msg("btn.continue")), Choice("nav:clerk", Msg("btn.clerk")))
    state.mode = "idk"
    return [Reply((Msg(f"idk.{fact}"),), choices, state.next_seq())]


def hand_to_clerk(state: SessionState, ctx: Context) -> list[Reply]:
    """Shows the result so far and how to continue with the unit's union clerk."""
    decision = decide(state.screen, ctx)
    state.mode = "result"
    return [Reply((Msg("clerk.handover"),))] + result_replies(decision, state, ctx)


def summary(state: SessionState, ctx: Context) -> list[Reply]:
    """Lists the answers given, each with a button to change it."""
    screen = state.screen
    if not screen.answers:
        return [Reply((Msg("summary.empty"),))] + (reask(state, ctx) if state.mode == "screen" else [])
    lines = [Msg("summary.title")]
    choices = []
    for fact in ctx.edition.facts:
        if fact in screen.answers:
            answer = display_answer(fact, screen.answers[fact], ctx.edition)
            lines.append(Msg("summary.line", {"question": Msg(f"fact.{fact}"), "answer": answer}))
            choices.append(Choice(f"chg:{fact}", Msg(f"fact.{fact}")))
    if screen.asking:  # mid-way (or after a clerk handover): a way back to the open question
        choices.append(Choice("nav:continue", Msg("btn.continue")))
    state.mode = "summary"
    return [Reply(tuple(lines), tuple(choices), state.next_seq())]


def change(state: SessionState, fact: str, ctx: Context) -> list[Reply]:
    """Re-asks one earlier answer, showing the current one."""
    screen = state.screen
    if fact not in screen.answers or fact not in ctx.edition.facts:
        return summary(state, ctx)
    state.mode, screen.asking, screen.changing, screen.failures = "screen", fact, True, 0
    return [question(fact, ctx.edition, state.next_seq(), left=None, current=screen.answers[fact])]


def resume(state: SessionState, ctx: Context) -> list[Reply]:
    """Welcomes the person back and repeats where they were (also after "I don't
    know", a clerk handover or a look at the summary: the open question waits)."""
    if state.mode in ("screen", "idk", "result", "summary") and state.screen.asking:
        state.mode = "screen"
        n = len(state.screen.answers)
        return [Reply((Msg("resume.screen", {"n": n}),))] + reask(state, ctx)
    return []


__all__ = ["start_screening", "on_answer", "go_back", "why", "dont_know", "hand_to_clerk",
           "summary", "change", "resume", "ask_next", "choices_for"]
