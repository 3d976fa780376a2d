"""/notice: the public notice (6号 三(一)3, 附件2) of approved households of one unit,
and the objections to it.

The reviewer picks a unit (its contact person and 举报电话 are asked once and kept as
the unit's settings), the approved households (all, or some), and the first day; the
last day is 5 working days on (rules/workdays.py, the edition's number), and
objections are taken until then. The notice is made as DOCX and PDF (documents/
notice.py: name, household size, two incomes and the cause group, never an ID
number, an address or an illness); each household moves approved → in_public_notice,
and the reviewer is reminded of the notice's end. An objection is recorded against a
household; while it is open the household cannot be filed; upheld, the draft is
rejected; dismissed, it goes on.

```mermaid
stateDiagram-v2
    [*] --> units: /notice
    units --> contact: a unit without its contact person or 举报电话
    contact --> phone: typed contact person
    phone --> households: typed 举报电话
    units --> households: a unit
    households --> households: toggle a household
    households --> start: next
    start --> confirm: typed first day (period and objection date shown)
    confirm --> [*]: make it (→ in_public_notice; DOCX and PDF; reminder of the end)
    [*] --> objection: objection (a case in notice, /inbox)
    objection --> text: record one
    text --> objection: typed objection (open)
    objection --> [*]: uphold (→ rejected) · dismiss
```
"""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from documents.notice import notice_period

from dialogs import staff_desk as sd
from dialogs.drafts import Draft
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline, plan_case_reminders
from dialogs.types import Choice, Day, Msg, Pick, Reply, Text

MAX_TEXT = 100
MAX_OBJECTION = 500


class NoticeState(FlowState):
    """The notice being made, or the objection being recorded."""

    key = "notice"
    unit: str | None = None
    asking: str | None = None  # contact | phone | households | start | confirm | objection
    contact: str | None = None
    chosen: list[str] = Field(default_factory=list)
    start: dt.date | None = None
    case: str | None = None


def show_units(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """/notice: the units that have approved households."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    turn.open(FLOW.name)
    turn.reset(NoticeState)
    units = inline(turn.ctx.tx.drafts.units_with("approved"))
    lines = [*before, Msg("staff.notice.units", {"count": len(units)})]
    return [turn.ask(tuple(lines), [Choice(Pick("staff", f"unit:{i}"), Msg("staff.btn.unit", {"unit": u}))
                                    for i, u in enumerate(units)])]


def start_for(turn: Turn, reference: str) -> Replies:
    """From an approved case: the notice of its unit."""
    draft = sd.acting_on(turn, reference, "approved")
    if not isinstance(draft, Draft):
        return draft
    turn.open(FLOW.name)
    turn.reset(NoticeState)
    return pick_unit(turn, draft.unit or "")


def pick_unit(turn: Turn, unit: str) -> Replies:
    """A unit: its contact first if missing, then its approved households."""
    st = turn.state(NoticeState)
    st.unit = unit
    settings = inline(turn.ctx.tx.staff.unit(unit))
    if settings is None or not settings.contact_person or not settings.report_phone:
        return ask(turn, "contact")
    st.chosen = [d.reference for d in _approved(turn)]
    return ask(turn, "households")


def _approved(turn: Turn) -> list[Draft]:
    st = turn.state(NoticeState)
    stored = inline(turn.ctx.tx.drafts.list_by_status("approved", unit=st.unit))
    return [d for s in stored if (d := sd.load_case(turn, s.reference)) is not None]


def ask(turn: Turn, what: str) -> Replies:
    """The notice's next question."""
    st = turn.state(NoticeState)
    st.asking = what
    if what == "households":
        drafts = _approved(turn)
        lines = [Msg("staff.notice.households", {"unit": st.unit, "count": len(st.chosen)})]
        choices = [Choice(Pick("staff", f"hh:{d.reference}"),
                          Msg("staff.btn.field_on" if d.reference in st.chosen else "staff.btn.field_off",
                              {"field": f"{d.form.name or '—'} ({d.reference})"})) for d in drafts]
        if st.chosen:
            choices.append(Choice(Pick("staff", "next"), Msg("staff.btn.next")))
        return [turn.ask(tuple(lines), choices)]
    if what == "confirm":
        period = notice_period(st.start, turn.ctx.edition)
        return [turn.ask((Msg("staff.notice.confirm", {"unit": st.unit, "count": len(st.chosen),
                                                       "start": Day(st.start), "end": Day(period.notice_end),
                                                       "objections": Day(period.notice_end),
                                                       "days": turn.ctx.edition.param("public_notice_working_days")}),),
                         (Choice(Pick("staff", "make"), Msg("staff.btn.make_notice")),
                          Choice(Pick("staff", "again"), Msg("staff.btn.other_date"))))]
    ids = {"contact": "staff.notice.ask_contact", "phone": "staff.notice.ask_phone", "start": "staff.notice.ask_start"}
    return [turn.ask((Msg(ids[what], {"unit": st.unit, "max": MAX_TEXT}),), (),
                     expects="date" if what == "start" else None)]


def make(turn: Turn) -> Replies:
    """The notice record, each household → in_public_notice, the documents, the reminder."""
    st, tx = turn.state(NoticeState), turn.ctx.tx
    drafts = [d for d in _approved(turn) if d.reference in st.chosen]
    if not drafts:
        return show_units(turn, (Msg("staff.refused.moved_all"),))
    period = notice_period(st.start, turn.ctx.edition)
    notice = inline(tx.cases.add_notice(st.unit, st.start, period.notice_end, period.notice_end, sd.actor(turn),
                                        [d.reference for d in drafts]))
    for d in drafts:
        d.content.form = d.form.model_copy(update={"notice_start": st.start, "notice_end": period.notice_end})
        sd.move(turn, d, "in_public_notice", comment=f"notice {notice.id}")
    inline(plan_case_reminders(tx, "notice_end", f"notice:{notice.id}", sd.actor(turn), period.notice_end,
                               policy=turn.ctx.reminders, workdays=True, params={"unit": st.unit}))
    turn.reset(NoticeState)
    name = f"公示-{notice.id}"
    done = Msg("staff.notice.made", {"unit": notice.unit, "count": len(drafts), "start": Day(notice.start),
                                     "end": Day(notice.end), "objections": Day(notice.objections_by)})
    return [Reply((done,)),
            Reply((Msg("staff.document", {"file": f"{name}.docx"}),),
                  document=(f"{name}.docx", f"notice.docx:{notice.id}")),
            Reply((Msg("staff.document", {"file": f"{name}.pdf"}),),
                  document=(f"{name}.pdf", f"notice.pdf:{notice.id}"))]


def ask_objection(turn: Turn, reference: str, before: tuple[Msg, ...] = ()) -> Replies:
    """A case in notice: its objections, to record one or resolve an open one."""
    draft = sd.acting_on(turn, reference, "in_public_notice")
    if not isinstance(draft, Draft):
        return draft
    turn.open(FLOW.name)
    st = turn.reset(NoticeState)
    st.case, st.asking = reference, "objection"
    events = inline(turn.ctx.tx.cases.events(reference, "objection"))
    lines = [*before, Msg("staff.objection.title", {"ref": reference, "count": len(events)})]
    choices = [Choice(Pick("staff", "obj_new"), Msg("staff.btn.objection_new"))]
    for e in events:
        lines.append(Msg("staff.objection.line", {"date": Day(e.on_date), "text": e.details.get("text", ""),
                                                  "state": Msg(OBJECTION_STATES[e.state or "open"])}))
        if e.state == "open":
            choices += [Choice(Pick("staff", f"uphold:{e.id}"), Msg("staff.btn.uphold", {"date": Day(e.on_date)})),
                        Choice(Pick("staff", f"dismiss:{e.id}"), Msg("staff.btn.dismiss", {"date": Day(e.on_date)}))]
    return [turn.ask(tuple(lines), choices)]


OBJECTION_STATES = {"open": "staff.objection.open", "upheld": "staff.objection.upheld",
                    "dismissed": "staff.objection.dismissed"}


def resolve(turn: Turn, event_id: int, outcome: str) -> Replies:
    """Upheld: the draft is rejected (the applicant told); dismissed: it goes on."""
    st, tx = turn.state(NoticeState), turn.ctx.tx
    draft = sd.acting_on(turn, st.case or "", "in_public_notice")
    if not isinstance(draft, Draft):
        return draft
    event = inline(tx.cases.event(event_id))
    if event is None or event.reference != draft.reference or not inline(tx.cases.resolve_objection(
            event_id, outcome, sd.actor(turn))):
        return sd.refused(turn, "moved", draft)
    if outcome == "upheld":
        draft.content.comment = None  # an earlier return's comment is not the reason (the applicant is told below)
        sd.move(turn, draft, "rejected", comment="objection upheld")
        turn.send_to(sd.applicant_of(draft), Reply((Msg("staff.told_objection_upheld", {"ref": draft.reference}),)))
        from dialogs.staff_inbox import open_case

        return open_case(turn, draft.reference, (Msg("staff.objection.upheld_done", {"ref": draft.reference}),))
    return ask_objection(turn, draft.reference, (Msg("staff.objection.dismissed_done"),))


def on_text(turn: Turn, text: Text) -> Replies:
    """The contact, the phone, the first day, an objection."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st, typed = turn.state(NoticeState), " ".join(text.text.split())
    if st.asking in ("contact", "phone"):
        if not typed or len(typed) > MAX_TEXT:
            return [Reply((Msg("staff.err.text", {"max": MAX_TEXT}),))] + repeat(turn)
        if st.asking == "contact":
            st.contact = typed
            return ask(turn, "phone")
        inline(turn.ctx.tx.staff.set_unit(st.unit, contact_person=st.contact, report_phone=typed, by=sd.actor(turn)))
        return pick_unit(turn, st.unit)
    if st.asking == "start":
        day = sd.read_date(text.text, turn)
        if day is None or day < turn.ctx.today:
            return [Reply((Msg("staff.err.date_future"),))] + repeat(turn)
        st.start = day
        return ask(turn, "confirm")
    if st.asking == "objection_text":
        if not typed or len(typed) > MAX_OBJECTION:
            return [Reply((Msg("staff.err.text", {"max": MAX_OBJECTION}),))] + repeat(turn)
        draft = sd.acting_on(turn, st.case or "", "in_public_notice")
        if not isinstance(draft, Draft):
            return draft
        notice = inline(turn.ctx.tx.cases.notice_of(draft.reference))
        inline(turn.ctx.tx.cases.record(draft.reference, "objection", turn.ctx.today, sd.actor(turn),
                                        details={"text": typed}, notice_id=notice.id if notice else None))
        return ask_objection(turn, draft.reference, (Msg("staff.objection.recorded"),))
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """unit:<n> · hh:<ref> · next · make · again · obj_new · uphold:<id> · dismiss:<id>."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(NoticeState)
    action, _, arg = pick.value.partition(":")
    if action == "unit" and arg.isdigit():
        units = inline(turn.ctx.tx.drafts.units_with("approved"))
        return pick_unit(turn, units[int(arg)]) if int(arg) < len(units) else show_units(turn)
    if st.asking == "households" and action == "hh":
        st.chosen = [r for r in st.chosen if r != arg] if arg in st.chosen else [*st.chosen, arg]
        return ask(turn, "households")
    if st.asking == "households" and action == "next" and st.chosen:
        return ask(turn, "start")
    if st.asking == "confirm" and action == "make":
        return make(turn)
    if st.asking == "confirm" and action == "again":
        return ask(turn, "start")
    if st.asking == "objection" and action == "obj_new":
        st.asking = "objection_text"
        return [turn.ask((Msg("staff.objection.ask", {"ref": st.case, "max": MAX_OBJECTION}),), ())]
    if st.asking == "objection" and action in ("uphold", "dismiss") and arg.isdigit():
        return resolve(turn, int(arg), "upheld" if action == "uphold" else "dismissed")
    return repeat(turn)


def repeat(turn: Turn) -> Replies:
    st = turn.state(NoticeState)
    if st.case and st.asking == "objection":
        return ask_objection(turn, st.case)
    if st.case and st.asking == "objection_text":
        return [turn.ask((Msg("staff.objection.ask", {"ref": st.case, "max": MAX_OBJECTION}),), ())]
    if st.unit and st.asking:
        return ask(turn, st.asking)
    return show_units(turn)


FLOW = Flow(name="notice", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"notice": show_units}, state=NoticeState)
