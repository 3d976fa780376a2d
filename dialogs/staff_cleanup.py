"""/cleanup: the file clean-up of 7号 二.2 and 二.4. A filed household is cancelled with
one of the reasons of 7号 附件2 A (two years or more without help, died, labour
relation transferred or ended, unreachable, no longer meets the criteria) or marked
脱困; help given is recorded (date, measure), so "never helped" is a fact; the files
created before the edition's cut-off (2014-09-01) and never helped are listed and
cancelled together after a confirmation. Nothing is deleted: a cancelled household
keeps its draft, its filing row and its history (audit rows).

```mermaid
stateDiagram-v2
    [*] --> list: /cleanup (files before the cut-off, never helped)
    list --> batch: cancel them all
    batch --> list: yes (each → cancelled, 两年以上未帮扶) · no
    [*] --> close: close (a filed case, /inbox)
    close --> sure: a reason of 附件2 A · 脱困
    sure --> [*]: yes (→ cancelled / escaped)
    [*] --> help_date: help given (a filed case)
    help_date --> measure: typed date
    measure --> [*]: a measure (recorded)
    measure --> note: 其他 (its note is required)
    note --> [*]: typed note (recorded with the measure)
```
"""
from __future__ import annotations

import datetime as dt

from documents.text import load_data
from rules.form_checks import enumeration

from dialogs import staff_desk as sd
from dialogs.drafts import Draft
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline, withdraw
from dialogs.types import Choice, Day, Label, Msg, Pick, Reply, Text

NEVER_HELPED = "unassisted_two_years"
SHOWN_AT_MOST = 20
OPEN_FILE = ("filed", "entered")
OTHER = "other"  # the measure "其他(注明)"
MAX_NOTE = 200


def reasons() -> dict[str, tuple[str, Label]]:
    """Reason key -> (status, label), from the statistics table's A rows (7号 附件2)."""
    return {r["key"]: (r["status"], Label(*r["label"])) for r in load_data("statistics.yaml")["cleared"]["rows"]}


def cutoff(turn: Turn) -> dt.date:
    """7号 二.2: files created before this day and never helped (edition data, YYYYMMDD)."""
    return dt.datetime.strptime(str(turn.ctx.edition.param("never_helped_filed_before")), "%Y%m%d").date()


class CleanupState(FlowState):
    """The case being closed or helped, or the batch waiting for its confirmation."""

    key = "cleanup"
    case: str | None = None
    asking: str | None = None  # reason | sure | help_date | measure | measure_note | batch
    measure: str | None = None  # "other": waiting for its note
    reason: str | None = None
    help_on: dt.date | None = None


def show_list(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """/cleanup: the open files created before the cut-off and never helped."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    turn.open(FLOW.name)
    turn.reset(CleanupState)
    day = cutoff(turn)
    found = inline(turn.ctx.tx.cases.never_helped(day))
    lines = [*before, Msg("staff.cleanup.never_helped", {"count": len(found), "date": Day(day)})]
    lines += [Msg("staff.cleanup.line", {"ref": f.reference, "unit": f.unit or "—", "date": Day(f.filed_on)})
              for f in found[:SHOWN_AT_MOST]]
    choices = [Choice(Pick("staff", "batch"), Msg("staff.btn.cancel_all", {"count": len(found)}))] if found else []
    return [turn.ask(tuple(lines), choices)]


def ask_close(turn: Turn, reference: str) -> Replies:
    """A filed case: the reason it is closed."""
    draft = sd.acting_on(turn, reference, *OPEN_FILE)
    if not isinstance(draft, Draft):
        return draft
    turn.open(FLOW.name)
    st = turn.reset(CleanupState)
    st.case, st.asking = reference, "reason"
    return [turn.ask((Msg("staff.cleanup.ask_reason", {"ref": reference}),),
                     [Choice(Pick("staff", f"reason:{k}"), label) for k, (_, label) in reasons().items()])]


def close(turn: Turn) -> Replies:
    """→ cancelled (with the reason) or escaped; the filing keeps when and why."""
    st = turn.state(CleanupState)
    draft = sd.acting_on(turn, st.case or "", *OPEN_FILE)
    if not isinstance(draft, Draft):
        return draft
    _close(turn, draft, st.reason)
    turn.reset(CleanupState)
    from dialogs.staff_inbox import open_case

    return open_case(turn, draft.reference, (Msg("staff.cleanup.closed", {"ref": draft.reference,
                                                                          "reason": reasons()[st.reason][1]}),))


def _close(turn: Turn, draft: Draft, reason: str) -> None:
    status, _ = reasons()[reason]
    tx = turn.ctx.tx
    sd.move(turn, draft, status, comment=reason)
    inline(tx.cases.update_filing(draft.reference, closed_on=turn.ctx.today, close_status=status,
                                  close_reason=reason if status == "cancelled" else None))
    for subject in (f"entry:{draft.reference}", f"card:{draft.reference}"):
        inline(withdraw(tx, subject))


def batch(turn: Turn) -> Replies:
    """Each listed file → cancelled (两年以上未帮扶), after the confirmation."""
    found = inline(turn.ctx.tx.cases.never_helped(cutoff(turn)))
    done = 0
    for f in found:
        draft = sd.load_case(turn, f.reference)
        if draft is not None and draft.status in OPEN_FILE:
            _close(turn, draft, NEVER_HELPED)
            done += 1
    return show_list(turn, (Msg("staff.cleanup.batch_done", {"count": done}),))


def ask_help(turn: Turn, reference: str) -> Replies:
    """Help given to a filed case: the date first."""
    draft = sd.acting_on(turn, reference, *OPEN_FILE)
    if not isinstance(draft, Draft):
        return draft
    turn.open(FLOW.name)
    st = turn.reset(CleanupState)
    st.case, st.asking = reference, "help_date"
    return [turn.ask((Msg("staff.cleanup.ask_help_date", {"ref": reference}),), (), expects="date")]


def on_text(turn: Turn, text: Text) -> Replies:
    """The date help was given."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(CleanupState)
    if st.asking == "help_date":
        day = sd.read_date(text.text, turn)
        if day is None or day > turn.ctx.today:
            return [Reply((Msg("staff.err.date_past"),))] + repeat(turn)
        st.help_on, st.asking = day, "measure"
        return repeat(turn)
    if st.asking == "measure_note" and st.measure:
        typed = " ".join(text.text.split())
        if not typed or len(typed) > MAX_NOTE:
            return [Reply((Msg("staff.err.text", {"max": MAX_NOTE}),))] + repeat(turn)
        return record_help(turn, st.measure, typed)
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """reason:<key> · yes · no · batch · measure:<key>."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(CleanupState)
    action, _, arg = pick.value.partition(":")
    if st.asking == "reason" and action == "reason" and arg in reasons():
        st.reason, st.asking = arg, "sure"
        return repeat(turn)
    if st.asking == "sure" and action == "yes":
        return close(turn)
    if st.asking == "batch" and action == "yes":
        return batch(turn)
    if action == "batch":
        st.asking = "batch"
        return repeat(turn)
    if action == "no":
        return show_list(turn)
    if st.asking == "measure" and action == "measure" and arg in enumeration("measures", turn.ctx.edition).options:
        if arg == OTHER:  # "其他" always needs its note (填表说明 20)
            st.measure, st.asking = arg, "measure_note"
            return repeat(turn)
        return record_help(turn, arg)
    return repeat(turn)


def record_help(turn: Turn, measure: str, note: str | None = None) -> Replies:
    """Records help given to an open file (its date, the measure, the note of "其他")."""
    st = turn.state(CleanupState)
    draft = sd.acting_on(turn, st.case or "", *OPEN_FILE)
    if not isinstance(draft, Draft):
        return draft
    inline(turn.ctx.tx.cases.record(draft.reference, "help", st.help_on, sd.actor(turn), code=measure,
                                    details={"note": note} if note else None))
    turn.reset(CleanupState)
    from dialogs.staff_inbox import open_case

    return open_case(turn, draft.reference, (Msg("staff.cleanup.helped", {"ref": draft.reference,
                                                                          "date": Day(st.help_on)}),))


def _yes_no(yes: str) -> tuple[Choice, Choice]:
    return (Choice(Pick("staff", "yes"), Msg(yes)), Choice(Pick("staff", "no"), Msg("staff.btn.keep")))


def repeat(turn: Turn) -> Replies:
    """The open question again."""
    st = turn.state(CleanupState)
    if st.asking == "reason" and st.case:
        return ask_close(turn, st.case)
    if st.asking == "sure" and st.case and st.reason:
        return [turn.ask((Msg("staff.cleanup.sure", {"ref": st.case, "reason": reasons()[st.reason][1]}),),
                         _yes_no("staff.btn.yes_close"))]
    if st.asking == "help_date" and st.case:
        return ask_help(turn, st.case)
    if st.asking == "measure" and st.case:
        options = enumeration("measures", turn.ctx.edition).options
        return [turn.ask((Msg("staff.cleanup.ask_measure"),),
                         [Choice(Pick("staff", f"measure:{k}"), Label.of(o)) for k, o in options.items()])]
    if st.asking == "measure_note" and st.case:
        return [turn.ask((Msg("staff.decide.ask_note", {"max": MAX_NOTE}),), ())]
    if st.asking == "batch":
        count = len(inline(turn.ctx.tx.cases.never_helped(cutoff(turn))))
        return [turn.ask((Msg("staff.cleanup.batch_sure", {"count": count}),), _yes_no("staff.btn.yes_close"))]
    return show_list(turn)


FLOW = Flow(name="cleanup", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"cleanup": show_list}, state=CleanupState)
