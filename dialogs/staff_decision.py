"""The decision (6号 三(一)2): the grassroots union's opinion, the collective decision
(集体研究同意) with its date, and for a household made a 解困脱困 target (登记表 填表说明
20): the time limit, one key group, one measure and one plan, where "其他" always takes
its note. The draft moves home_visited → approved; the form keeps what the 登记表 and
the contact card print (unit_opinion, approved, relief_target, key_group, measure,
plan and their notes); the decision and the target are records of their own.

```mermaid
stateDiagram-v2
    [*] --> opinion: decision (a visited case, /inbox)
    opinion --> date: typed opinion of the grassroots union
    date --> target: date of the collective decision (集体研究同意)
    target --> approved: not a relief target
    target --> relief_by: a relief target
    relief_by --> key_group: time limit (a date)
    key_group --> measure: one option ("其他": its note)
    measure --> plan: one option ("其他": its note)
    plan --> approved: one option ("其他": its note)
    approved --> [*]: → approved, the case shown again
```
"""
from __future__ import annotations

import datetime as dt

from rules.form_checks import enumeration

from dialogs import staff_desk as sd
from dialogs.drafts import Draft
from dialogs.flow import Flow, Replies, Turn
from dialogs.reminder_plan import inline
from dialogs.types import Choice, Label, Msg, Pick, Reply, Text

MAX_TEXT = 200
OTHER = "other"
CHOICES = {"key_group": "key_groups", "measure": "measures", "plan": "plans"}  # field -> enumeration
NEXT = {"key_group": "measure", "measure": "plan", "plan": None}
ASKS = {"opinion": "staff.decide.ask_opinion", "date": "staff.decide.ask_date", "relief_by": "staff.decide.ask_relief_by",
        "key_group": "staff.decide.ask_key_group", "measure": "staff.decide.ask_measure",
        "plan": "staff.decide.ask_plan", "note": "staff.decide.ask_note"}


class DecisionState(sd.CaseBound):
    """The decision being recorded (``asking``: opinion | date | target | relief_by | key_group | measure | plan | note)."""

    key = "decision"
    noting: str | None = None  # the field whose "其他" note is asked
    opinion: str | None = None
    decided_on: dt.date | None = None
    relief_by: dt.date | None = None
    picked: dict[str, str] = {}
    notes: dict[str, str] = {}


def start(turn: Turn, reference: str) -> Replies:
    """Starts recording the decision on a visited case."""
    st = sd.open_case(turn, FLOW.name, DecisionState, reference, "home_visited")
    return st if isinstance(st, list) else ask(turn, "opinion")


def ask(turn: Turn, what: str) -> Replies:
    """The decision's next question."""
    st = turn.state(DecisionState)
    st.asking = what
    if what == "target":
        return [turn.ask((Msg("staff.decide.ask_target", {"ref": st.case}),),
                         (Choice(Pick("staff", "target:yes"), Msg("staff.btn.target_yes")),
                          Choice(Pick("staff", "target:no"), Msg("staff.btn.target_no"))))]
    if what in CHOICES:
        options = enumeration(CHOICES[what], turn.ctx.edition).options
        return [turn.ask((Msg(ASKS[what]),), [Choice(Pick("staff", f"pick:{k}"), Label.of(o)) for k, o in options.items()])]
    return [turn.ask((Msg(ASKS[what], {"ref": st.case, "max": MAX_TEXT}),), (),
                     expects="date" if what in ("date", "relief_by") else None)]


def after_pick(turn: Turn, field: str) -> Replies:
    nxt = NEXT[field]
    return ask(turn, nxt) if nxt else record(turn, target=True)


def record(turn: Turn, *, target: bool) -> Replies:
    """Writes the decision (and the target), updates the form, → approved."""
    st = turn.state(DecisionState)
    draft = sd.acting_on(turn, st.case or "", "home_visited")
    if not isinstance(draft, Draft):
        return draft
    tx, who = turn.ctx.tx, sd.actor(turn)
    inline(tx.cases.record(draft.reference, "decision", st.decided_on, who, details={"opinion": st.opinion}))
    update = {"unit_opinion": st.opinion, "approved": True, "relief_target": target}
    if target:
        inline(tx.cases.record(draft.reference, "target", st.decided_on, who, code=st.picked.get("key_group"),
                               details={"relief_by": st.relief_by.isoformat() if st.relief_by else None,
                                        "picked": st.picked, "notes": st.notes}))
        update |= {"relief_decided_on": st.decided_on, **st.picked,
                   **{f"{f}_note": st.notes.get(f) for f in CHOICES}}
    draft.content.form = draft.form.model_copy(update=update)
    sd.move(turn, draft, "approved", comment="collective decision")
    turn.reset(DecisionState)
    from dialogs.staff_inbox import open_case

    done = Msg("staff.decide.recorded_target" if target else "staff.decide.recorded", {"ref": draft.reference})
    return open_case(turn, draft.reference, (done,))


def on_text(turn: Turn, text: Text) -> Replies:
    """The opinion, the dates, a note."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st, typed = turn.state(DecisionState), " ".join(text.text.split())
    if st.asking in ("opinion", "note"):
        if not typed or len(typed) > MAX_TEXT:
            return [Reply((Msg("staff.err.text", {"max": MAX_TEXT}),))] + repeat(turn)
        if st.asking == "opinion":
            st.opinion = typed
            return ask(turn, "date")
        field, st.noting = st.noting or "plan", None
        st.notes = {**st.notes, field: typed}
        return after_pick(turn, field)
    if st.asking in ("date", "relief_by"):
        day = sd.read_date(text.text, turn)
        if st.asking == "date":
            if day is None or day > turn.ctx.today:
                return [Reply((Msg("staff.err.date_past"),))] + repeat(turn)
            st.decided_on = day
            return ask(turn, "target")
        if day is None or day < turn.ctx.today:
            return [Reply((Msg("staff.err.date_future"),))] + repeat(turn)
        st.relief_by = day
        return ask(turn, "key_group")
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """Target yes/no; an option of the key group, measure or plan."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(DecisionState)
    action, _, arg = pick.value.partition(":")
    if st.asking == "target" and action == "target":
        return ask(turn, "relief_by") if arg == "yes" else record(turn, target=False)
    if st.asking in CHOICES and action == "pick" and arg in enumeration(CHOICES[st.asking], turn.ctx.edition).options:
        field = st.asking
        st.picked = {**st.picked, field: arg}
        if arg == OTHER:
            st.noting = field
            return ask(turn, "note")
        return after_pick(turn, field)
    return repeat(turn)


def repeat(turn: Turn) -> Replies:
    return sd.ask_again(turn, DecisionState, ask)


FLOW = Flow(name="decision", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            state=DecisionState)
