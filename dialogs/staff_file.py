"""/file: filing (建档, 6号 三(一)4), entry into 全国工会帮扶工作管理系统 within 30 working
days of the notice (6号 三(一)5), and the contact card (7号 附件1).

A household in notice is filed once its notice has ended with no open objection:
in_public_notice → filed, a filing record with its statistics codes, and the entry
deadline shown (the edition's working days after the notice's last day) with
reminders to the reviewer of the entry and of the contact card. Marking it entered
(with the date) moves filed → entered; making the card (DOCX and PDF, both copies)
records the day it was made. Each withdraws its reminders.

```mermaid
stateDiagram-v2
    [*] --> lists: /file (ready to file · to enter · without a card)
    lists --> case: open (the case, /inbox)
    case --> filed: file (notice ended, no open objection; entry deadline shown, reminders)
    case --> entered_on: entered
    entered_on --> case: typed date (→ entered)
    case --> card: contact card (DOCX, PDF; card made)
```
"""
from __future__ import annotations

from documents.notice import notice_period
from storage import Filing

from dialogs import staff_desk as sd
from dialogs.drafts import Draft
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline, plan_case_reminders, withdraw
from dialogs.types import Choice, Day, Msg, Pick, Reply, Text

SHOWN_AT_MOST = 10


class FileState(FlowState):
    """The case whose entry date is asked."""

    key = "file"
    case: str | None = None
    asking: str | None = None  # entered


def show_lists(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """/file: households ready to file, filed but not entered, filed without a card."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    turn.open(FLOW.name)
    turn.reset(FileState)
    tx = turn.ctx.tx
    ready = [d for s in inline(tx.drafts.list_by_status("in_public_notice"))
             if (d := sd.load_case(turn, s.reference)) is not None and _ready(turn, d) is None]
    due = inline(tx.cases.entry_due())
    lines = [*before, Msg("staff.file.ready", {"count": len(ready)})]
    choices = [sd.open_button(d) for d in ready[:SHOWN_AT_MOST]]
    lines.append(Msg("staff.file.to_enter", {"count": len(due)}))
    for f in due[:SHOWN_AT_MOST]:
        lines.append(Msg("staff.file.entry_line", {"ref": f.reference, "date": Day(f.entry_deadline)}))
        choices.append(Choice(Pick("staff", f"open:{f.reference}"), Msg("staff.btn.open", {"ref": f.reference,
                                                                                            "name": f.unit or "—"})))
    return [turn.ask(tuple(lines), choices)]


def _ready(turn: Turn, draft: Draft) -> str | None:
    """Why the household cannot be filed yet (None: it can)."""
    notice = inline(turn.ctx.tx.cases.notice_of(draft.reference))
    if notice is None:
        return "staff.file.no_notice"
    if turn.ctx.today <= notice.end:
        return "staff.file.notice_running"
    if inline(turn.ctx.tx.cases.open_objections(draft.reference)):
        return "staff.file.objection_open"
    return None


def file_case(turn: Turn, reference: str) -> Replies:
    """in_public_notice → filed, with the entry deadline and its reminders."""
    draft = sd.acting_on(turn, reference, "in_public_notice")
    if not isinstance(draft, Draft):
        return draft
    why = _ready(turn, draft)
    from dialogs.staff_inbox import open_case

    if why is not None:
        notice = inline(turn.ctx.tx.cases.notice_of(reference))
        return [Reply((Msg(why, {"date": Day(notice.end) if notice else "—"}),))] + open_case(turn, reference)
    tx, form = turn.ctx.tx, draft.form
    notice = inline(tx.cases.notice_of(reference))
    deadline = notice_period(notice.start, turn.ctx.edition).entry_deadline
    inline(tx.cases.file(Filing(reference=reference, unit=draft.unit, filed_on=turn.ctx.today,
                                entry_deadline=deadline, category=draft.category, primary_cause=form.primary_cause,
                                key_group=form.key_group, measure=form.measure, plan=form.plan,
                                filed_by=sd.actor(turn))))
    sd.move(turn, draft, "filed", comment="filed")
    who = sd.actor(turn)
    for kind, subject in (("entry_deadline", f"entry:{reference}"), ("contact_card", f"card:{reference}")):
        inline(plan_case_reminders(tx, kind, subject, who, deadline, policy=turn.ctx.reminders, workdays=True,
                                   params={"ref": reference}))
    days = turn.ctx.edition.param("entry_deadline_working_days")
    return open_case(turn, reference, (Msg("staff.file.filed", {"ref": reference, "date": Day(deadline), "days": days}),))


def ask_entered(turn: Turn, reference: str) -> Replies:
    """Asks the day the household was entered into the national system."""
    draft = sd.acting_on(turn, reference, "filed")
    if not isinstance(draft, Draft):
        return draft
    turn.open(FLOW.name)
    st = turn.reset(FileState)
    st.case, st.asking = reference, "entered"
    return [turn.ask((Msg("staff.file.ask_entered", {"ref": reference}),), (), expects="date")]


def card(turn: Turn, reference: str) -> Replies:
    """The contact card as DOCX and PDF; the day it was made is recorded."""
    draft = sd.acting_on(turn, reference, "filed", "entered")
    if not isinstance(draft, Draft):
        return draft
    tx = turn.ctx.tx
    if inline(tx.cases.filing(reference)) is None:
        return sd.refused(turn, "gone")
    inline(tx.cases.update_filing(reference, card_on=turn.ctx.today))
    inline(withdraw(tx, f"card:{reference}"))
    name = f"联系卡-{reference}"
    return [Reply((Msg("staff.file.card", {"ref": reference}),)),
            Reply((Msg("staff.document", {"file": f"{name}.docx"}),), document=(f"{name}.docx", f"card.docx:{reference}"),
                  protect=True),
            Reply((Msg("staff.document", {"file": f"{name}.pdf"}),), document=(f"{name}.pdf", f"card.pdf:{reference}"),
                  protect=True)]


def on_text(turn: Turn, text: Text) -> Replies:
    """The day of entry."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(FileState)
    if st.asking == "entered" and st.case:
        day = sd.read_date(text.text, turn)
        if day is None or day > turn.ctx.today:
            return [Reply((Msg("staff.err.date_past"),))] + repeat(turn)
        draft = sd.acting_on(turn, st.case, "filed")
        if not isinstance(draft, Draft):
            return draft
        inline(turn.ctx.tx.cases.update_filing(draft.reference, entered_on=day))
        inline(withdraw(turn.ctx.tx, f"entry:{draft.reference}"))
        sd.move(turn, draft, "entered", comment=f"entered {day.isoformat()}")
        turn.reset(FileState)
        from dialogs.staff_inbox import open_case

        return open_case(turn, draft.reference, (Msg("staff.file.entered", {"ref": draft.reference,
                                                                            "date": Day(day)}),))
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """open:<ref> (the case, in /inbox)."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    action, _, arg = pick.value.partition(":")
    if action == "open":
        from dialogs.staff_inbox import open_case

        return open_case(turn, arg)
    return repeat(turn)


def repeat(turn: Turn) -> Replies:
    st = turn.state(FileState)
    if st.asking == "entered" and st.case:
        return [turn.ask((Msg("staff.file.ask_entered", {"ref": st.case}),), (), expects="date")]
    return show_lists(turn)


FLOW = Flow(name="file", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"file": show_lists}, state=FileState)
