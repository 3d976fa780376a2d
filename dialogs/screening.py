"""The screening flow: ask the next missing fact, read the answer, stop as soon as
the rules decide (then the result flow takes over).

```mermaid
stateDiagram-v2
    [*] --> group: /screen · menu "check whether I qualify"
    group --> ask: all true / none apply / the one that applies (every fact of the group set)
    group --> ask: "not all" / "some do" / "several" (its facts one by one)
    ask --> group: the next facts form a group (screening_groups.py)
    ask --> consent: the first sensitive question (consent.py)
    consent --> ask: agree / refuse (without consent no ID number is taken)
    ask --> ask: answer (valid) / rules still undecided
    ask --> ask: bad answer (re-ask with an example; after 3, offer a clerk)
    ask --> confirm: an odd answer (younger than 16)
    confirm --> ask: "that's right" (kept) / "no" (asked again)
    ask --> result: rules decided
    ask --> idk: /idk · "I don't know" (typed too)
    idk --> ask: continue · typed answer
    idk --> result: ask a clerk (result so far)
    ask --> ask: /back (undo the last answer, a group's whole) · /why
    ask --> result: /clerk
```
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from rules import Decision, FactError, evaluate, facts_for
from rules.idcard import IdNumber
from rules.parse import ParseError, is_dont_know, parse_yes_no, too_young

from dialogs import consent
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.questions import EXAMPLES, effective, looks_like_id, prune, question, read_answer, with_answer
from dialogs.screening_groups import group_for, group_question, reopen_declined_group, typed_group_answer
from dialogs.types import Choice, Msg, Pick, Reply, Text, with_note

MAX_FAILURES = 3


class ScreenState(FlowState):
    """A screening in progress: the answers as JSON values, in the order given."""

    key = "screening"
    answers: dict[str, Any] = Field(default_factory=dict)
    order: list[str] = Field(default_factory=list)
    asking: str | None = None
    changing: bool = False
    failures: int = 0
    idk: bool = False  # "where to find it" shown; the question waits
    confirming: dict[str, Any] | None = None  # an odd answer ({fact: value}) waiting for "yes, that's right"
    group: str | None = None  # a question group open instead of ``asking`` alone
    declined: list[str] = Field(default_factory=list)  # groups answered "not all": asked one by one
    batches: list[list[str]] = Field(default_factory=list)  # facts set together by one group answer


def decide(screen: ScreenState, turn: Turn) -> Decision:
    """The rules' decision on the answers so far."""
    ctx = turn.ctx
    return evaluate(facts_for(screen.answers, edition=ctx.edition, today=ctx.today), ctx.edition)


def questions_left(decision: Decision) -> int:
    """At most how many questions remain: every fact that can still change the answer.

    An upper bound that never grows as questions are answered (an answer removes
    its fact; one that opens a dependent fact, like ``cadre`` after ``sex``, swaps
    one for one), so the person never sees "about 1 left" followed by six more."""
    return len(decision.missing)


def start(turn: Turn) -> Replies:
    """Starts a new screening and asks the first question."""
    turn.reset(ScreenState)
    return [Reply((Msg("screen.intro"),))] + ask_next(turn)


def ask_next(turn: Turn) -> Replies:
    """Asks the next missing fact, or shows the result once the rules decide."""
    from dialogs import outcome  # the result flow follows the screening

    screen = turn.state(ScreenState)
    decision = decide(screen, turn)
    if decision.decided:
        screen.asking = None
        return outcome.show(turn, decision)
    turn.open(FLOW.name)
    screen.asking, screen.failures, screen.idk = decision.missing[0], 0, False
    screen.group = group_for(screen, turn.ctx.edition)
    asked = turn.ctx.edition.question_groups[screen.group].facts if screen.group else [screen.asking]
    for fact in asked:  # consent before the first sensitive question, a group's included
        if held := consent.screening_gate(turn, fact):
            return held
    if screen.group:
        return [group_question(screen.group, turn.ctx.edition, turn.session.next_seq(), left=questions_left(decision))]
    return [question(screen.asking, turn.ctx.edition, turn.session.next_seq(), left=questions_left(decision))]


def on_group_answer(turn: Turn, inp: Pick | Text) -> Replies:
    """One answer for the whole group, or "not all": then one by one."""
    screen, ed = turn.state(ScreenState), turn.ctx.edition
    name = screen.group
    group = ed.question_groups[name]
    try:
        value = inp.value if isinstance(inp, Pick) else typed_group_answer(inp.text, name, ed)
    except ParseError as exc:
        screen.failures += 1
        kind = "choice" if group.which else "bool"  # "which one?" or a yes/no to the group
        return reask(turn, Msg(f"err.{kind}.{exc.code}", {"example": ""}))
    try:
        setting = group.setting(value)
    except ValueError:
        return [STALE]
    screen.group = None
    if setting is None:  # "not all" / "some" / "several": one by one
        screen.declined.append(name)
        return ask_next(turn)
    for fact, fact_value in setting.items():
        screen.answers = with_answer(screen.answers, fact, fact_value, ed)
    screen.order = [f for f in screen.order if f not in group.facts] + list(group.facts)
    screen.batches.append(list(group.facts))
    return ask_next(turn)


def reask(turn: Turn, error: Msg | None = None) -> Replies:
    """The current question again (same buttons), after an error if any."""
    screen = turn.state(ScreenState)
    turn.open(FLOW.name)
    screen.idk, screen.confirming = False, None
    fact = screen.asking
    current = screen.answers.get(fact) if screen.changing else None
    if screen.group:
        q = group_question(screen.group, turn.ctx.edition, turn.session.seq, left=None)
    else:
        q = question(fact, turn.ctx.edition, turn.session.seq, left=None, current=current)
    replies = [Reply((error,))] if error else []
    if screen.failures >= MAX_FAILURES:
        q = Reply(q.lines + (Msg("err.many_failures"),),
                  q.choices + (Choice(Pick("nav", "clerk"), Msg("btn.clerk")),), q.seq, q.expects, q.asks)
    return replies + [q]


def on_answer(turn: Turn, inp: Pick | Text) -> Replies:
    """Reads an answer to the current question; re-asks on a bad one."""
    ctx, screen = turn.ctx, turn.state(ScreenState)
    fact = screen.asking
    kind = ctx.edition.facts[fact].kind
    if not consent.allows_id(turn) and isinstance(inp, Text) and kind == "date" and looks_like_id(inp.text):
        screen.failures += 1  # without consent an ID number is not taken: the date is asked for
        return reask(turn, Msg("err.date.id_needs_consent"))
    try:
        key, value = read_answer(fact, inp, ctx.edition, ctx.today)
        candidate = with_answer(screen.answers, key, value, ctx.edition)
        facts_for(candidate, edition=ctx.edition, today=ctx.today)
    except ParseError as exc:
        screen.failures += 1
        return reask(turn, Msg(f"err.{kind}.{exc.code}", {"example": EXAMPLES.get(kind, "")}))
    except FactError as exc:
        screen.failures += 1
        return reask(turn, Msg(f"err.fact.{exc.code}"))
    born = effective(candidate, ctx.edition).get("birth_date")
    if key in ("birth_date", "id_number") and born and too_young(dt.date.fromisoformat(born), ctx.today, ctx.edition):
        screen.confirming = {key: value}
        return ask_to_confirm(turn)
    return accept(turn, key, value)


def accept(turn: Turn, key: str, value: Any) -> Replies:
    """Stores an answer (acknowledging what an ID number said) and asks what is needed next."""
    ctx, screen = turn.ctx, turn.state(ScreenState)
    screen.answers = with_answer(screen.answers, key, value, ctx.edition)
    screen.order = [f for f in screen.order if f != key and f in screen.answers] + [key]
    screen.changing, screen.confirming = False, None
    if ctx.edition.facts[key].kind == "id":  # what the number says, on top of the next question
        return with_note(id_read(value), ask_next(turn))
    return ask_next(turn)


def id_read(number: str) -> Msg:
    """What was read from an ID number, with the number masked."""
    ident = IdNumber.of_valid(number)
    fact, value = "sex", ident.sex
    return Msg("ack.id_number", {"masked": ident.masked(), "birth_date": ident.birth_date,
                                 "sex": Msg(f"choice.{fact}.{value}")})


def ask_to_confirm(turn: Turn) -> Replies:
    """An odd answer (a worker younger than 16) is questioned, not silently taken."""
    screen, ed = turn.state(ScreenState), turn.ctx.edition
    (key, value), = screen.confirming.items()
    born = effective(with_answer(screen.answers, key, value, ed), ed)["birth_date"]
    choices = (Choice(Pick("confirm", "yes"), Msg("btn.confirm_yes")), Choice(Pick("confirm", "no"), Msg("btn.confirm_no")))
    return [turn.ask((Msg("confirm.too_young", {"birth_date": dt.date.fromisoformat(born),
                                                "age": ed.param("min_worker_age")}),), choices)]


def on_confirm(turn: Turn, yes: bool) -> Replies:
    """"Yes, that's right" keeps the odd answer; "no" asks the question again."""
    screen = turn.state(ScreenState)
    if not screen.confirming:
        return [STALE]
    if yes:
        (key, value), = screen.confirming.items()
        return accept(turn, key, value)
    screen.confirming = None
    return reask(turn)


def on_text(turn: Turn, text: Text) -> Replies:
    """A typed answer (also after "I don't know": the question still waits); typing
    "I don't know" opens the help on where to find the answer, as /idk does."""
    screen = turn.state(ScreenState)
    if screen.confirming:
        try:
            return on_confirm(turn, parse_yes_no(text.text))
        except ParseError:
            return [Reply((Msg("err.pick_a_button"),))] + ask_to_confirm(turn)
    if is_dont_know(text.text):
        return dont_know(turn)
    return on_group_answer(turn, text) if screen.group else on_answer(turn, text)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """A pressed answer, a confirmation, or "continue" after "I don't know"."""
    if pick.kind == "confirm":
        return on_confirm(turn, pick.value == "yes")
    if pick.kind == "nav" and pick.value == "continue":
        return reask(turn)
    if pick.kind == "answer":
        return on_group_answer(turn, pick) if turn.state(ScreenState).group else on_answer(turn, pick)
    return [STALE]


STALE = Reply((Msg("nav.stale"),), stale=True)


def go_back(turn: Turn) -> Replies:
    """Undoes the last answer and asks what is needed now."""
    screen, ed = turn.state(ScreenState), turn.ctx.edition
    reopened = reopen_declined_group(screen, ed)
    if reopened:
        return [Reply((Msg("nav.undone"),))] + ask_next(turn)
    if not screen.order:
        return [Reply((Msg("nav.nothing_to_undo"),))] + (reask(turn) if screen.asking else [])
    batch = screen.batches[-1] if screen.batches and screen.order[-len(screen.batches[-1]):] == screen.batches[-1] else None
    undone = batch or [screen.order[-1]]  # a group's answer is undone whole
    if batch:
        screen.batches.pop()
    screen.order = screen.order[:-len(undone)]
    for fact in undone:
        screen.answers.pop(fact, None)
    screen.answers = prune(screen.answers, ed)
    screen.changing = False
    return [Reply((Msg("nav.undone"),))] + ask_next(turn)


def why(turn: Turn) -> Replies:
    """Says which clause the current question comes from, then asks again."""
    screen, ed = turn.state(ScreenState), turn.ctx.edition
    if screen.group:
        name = screen.group
        return [Reply((Msg(f"group.{name}.why", {"clause": ed.question_groups[name].clause}),))] + reask(turn)
    fact = screen.asking
    params = {"clause": ed.facts[fact].clause, "limit": ed.exclusions.homes_owned_at_least}
    return [Reply((Msg(f"why.{fact}", params),))] + reask(turn)


def dont_know(turn: Turn) -> Replies:
    """Says where to find the answer and offers to continue or to ask a clerk."""
    screen = turn.state(ScreenState)
    screen.idk = True
    choices = (Choice(Pick("nav", "continue"), Msg("btn.continue")), Choice(Pick("nav", "clerk"), Msg("btn.clerk")))
    if screen.group:
        name = screen.group
        return [turn.ask((Msg(f"group.{name}.idk"),), choices)]
    fact = screen.asking
    return [turn.ask((Msg(f"idk.{fact}"),), choices)]


def hand_to_clerk(turn: Turn) -> Replies:
    """Shows the result so far and how to continue with the unit's union clerk."""
    from dialogs import outcome

    screen = turn.state(ScreenState)
    screen.idk = False
    return [Reply((Msg("clerk.handover"),))] + outcome.show(turn, decide(screen, turn))


def resume(turn: Turn) -> Replies:
    """Welcomes the person back and repeats where they were (also after "I don't
    know", a clerk handover or a look at the summary: the open question waits)."""
    screen = turn.state(ScreenState)
    if turn.flow in (FLOW.name, "result") and screen.asking:
        return [Reply((Msg("resume.screen", {"n": len(screen.answers)}),))] + reask(turn)
    return []


def open_or_resume(turn: Turn) -> Replies:
    """/screen: an open screening goes on (also from the menu); otherwise a new one."""
    screen = turn.state(ScreenState)
    if screen.asking and screen.answers:
        return resume(turn) or reask(turn)
    return start(turn)


def has_open_question(turn: Turn) -> bool:
    """Whether a screening question waits for an answer."""
    return turn.state(ScreenState).asking is not None


FLOW = Flow(
    name="screening",
    diagram=__doc__ or "",
    state=ScreenState,
    on_text=on_text,
    on_pick=on_pick,
    repeat=reask,
    commands={"back": go_back, "why": why, "idk": dont_know, "clerk": hand_to_clerk},
)
