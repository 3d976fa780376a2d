"""The home visit (入户核查, 6号 三(一)2; 登记表 填表说明 21): a reviewer records the
date, the names of at least two verifiers (谁入户、谁签字、谁负责), the category they
recommend and their notes; the draft moves under_review → home_visited. The names
and notes are encrypted in the visit record; the form keeps the signers and the
recommended category (they are printed on the 登记表).

```mermaid
stateDiagram-v2
    [*] --> date: home visit (a case under review, /inbox)
    date --> verifiers: typed date (not in the future)
    verifiers --> category: two or more names
    category --> notes: recommended category
    notes --> [*]: typed notes · none (→ home_visited, the case shown again)
```
"""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from rules.form_checks import enumeration

from dialogs import staff_desk as sd
from dialogs.drafts import Draft
from dialogs.flow import Flow, Replies, Turn
from dialogs.reminder_plan import inline
from dialogs.types import Choice, Label, Msg, Pick, Reply, Text

MAX_NOTES = 500


class VisitState(sd.CaseBound):
    """The visit being recorded (``asking``: date | verifiers | category | notes)."""

    key = "visit"
    date: dt.date | None = None
    verifiers: list[str] = Field(default_factory=list)
    category: str | None = None


def start(turn: Turn, reference: str) -> Replies:
    """Starts recording the visit of a case under review."""
    st = sd.open_case(turn, FLOW.name, VisitState, reference, "under_review")
    return st if isinstance(st, list) else ask(turn, "date")


def ask(turn: Turn, what: str) -> Replies:
    """The visit's next question."""
    st = turn.state(VisitState)
    st.asking = what
    minimum = _minimum(turn)
    if what == "category":
        options = enumeration("hardship_category", turn.ctx.edition).options
        return [turn.ask((Msg("staff.visit.ask_category", {"ref": st.case}),),
                         [Choice(Pick("staff", f"cat:{k}"), Label.of(o)) for k, o in options.items()])]
    if what == "notes":
        return [turn.ask((Msg("staff.visit.ask_notes", {"max": MAX_NOTES}),),
                         (Choice(Pick("staff", "no_notes"), Msg("staff.btn.no_notes")),))]
    ids = {"date": "staff.visit.ask_date", "verifiers": "staff.visit.ask_verifiers"}
    return [turn.ask((Msg(ids[what], {"ref": st.case, "min": minimum}),), (),
                     expects="date" if what == "date" else None)]


def _minimum(turn: Turn) -> int:
    """At least this many verifiers sign (登记表 填表说明 21, edition data)."""
    return int(turn.ctx.edition.form.limit("home_visit_signers_min"))


def record(turn: Turn, notes: str | None) -> Replies:
    """Writes the visit and moves the case to home_visited."""
    st = turn.state(VisitState)
    draft = sd.acting_on(turn, st.case or "", "under_review")
    if not isinstance(draft, Draft):
        return draft
    inline(turn.ctx.tx.cases.record(draft.reference, "visit", st.date, sd.actor(turn), code=st.category,
                                    details={"verifiers": st.verifiers, "notes": notes}))
    draft.content.form = draft.form.model_copy(update={"home_visit_signers": list(st.verifiers),
                                                        "suggested_category": st.category})
    sd.move(turn, draft, "home_visited", comment="home visit")
    from dialogs.staff_inbox import open_case

    turn.reset(VisitState)
    return open_case(turn, draft.reference, (Msg("staff.visit.recorded", {"ref": draft.reference,
                                                                           "count": len(st.verifiers)}),))


def on_text(turn: Turn, text: Text) -> Replies:
    """The date, the names, the notes."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(VisitState)
    if st.asking == "date":
        day = sd.read_date(text.text, turn)
        if day is None or day > turn.ctx.today:
            return [Reply((Msg("staff.err.date_past"),))] + ask(turn, "date")
        st.date = day
        return ask(turn, "verifiers")
    if st.asking == "verifiers":
        names = sd.names_in(text.text)
        if len(set(names)) < _minimum(turn) or any(len(n) > 20 for n in names):
            return [Reply((Msg("staff.visit.err_verifiers", {"min": _minimum(turn)}),))] + ask(turn, "verifiers")
        st.verifiers = names
        return ask(turn, "category")
    if st.asking == "notes":
        notes = " ".join(text.text.split())
        if len(notes) > MAX_NOTES:
            return [Reply((Msg("staff.err.text", {"max": MAX_NOTES}),))] + ask(turn, "notes")
        return record(turn, notes or None)
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """A category, or no notes."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(VisitState)
    action, _, arg = pick.value.partition(":")
    if st.asking == "category" and action == "cat" and arg in enumeration("hardship_category", turn.ctx.edition).options:
        st.category = arg
        return ask(turn, "notes")
    if st.asking == "notes" and action == "no_notes":
        return record(turn, None)
    return repeat(turn)


def repeat(turn: Turn) -> Replies:
    return sd.ask_again(turn, VisitState, ask)


FLOW = Flow(name="visit", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat, state=VisitState)
