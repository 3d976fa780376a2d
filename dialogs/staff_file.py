"""/file: filing (建档, 6号 三(一)4), entry into 全国工会帮扶工作管理系统 within 30 working
days of the notice (6号 三(一)5), and the contact card (7号 附件1).

A household in notice is filed once its notice has ended with no open objection:
in_public_notice → filed, a filing record with its statistics codes, and the entry
deadline shown (the edition's working days after the notice's last day) with
reminders to the reviewer of the entry and of the contact card. Before filing, the
case's records are checked (rules/filing_checks.py: the visit's recommended category,
the unit's opinion, the collective decision and its date, the notice's working days,
a 困难类别 of 6号 二 that agrees with the visit's); while a problem remains nothing is
filed and the reviewer is told each one. A 困难类别 other than the visit's is filed
only with the reviewer's reason. Marking it entered
(with the date) moves filed → entered; making the card (DOCX and PDF, both copies)
records the day it was made. Each withdraws its reminders.

```mermaid
stateDiagram-v2
    [*] --> lists: /file (ready to file · notice over but a filing problem · to enter)
    lists --> case: open (the case, /inbox)
    lists --> problems: a household with a filing problem (each problem in words)
    case --> filed: file (notice ended, no open objection, no filing problem; entry deadline shown, reminders)
    case --> problems: file (rules/filing_checks.py: each problem in words; nothing filed)
    problems --> case: open the case
    problems --> reason: only the category differs from the visit's: file with a reason
    reason --> filed: typed reason (kept in the status change's audit comment)
    case --> entered_on: entered
    entered_on --> case: typed date (→ entered)
    case --> card: contact card (DOCX, PDF; card made)
```
"""
from __future__ import annotations

from documents.notice import notice_period
from rules.filing_checks import (DecisionRecord, FilingProblem, NoticeRecord, VisitRecord, filing_problems,
                                 only_overridable)
from rules.form_checks import enumeration
from storage import Filing

from dialogs import staff_desk as sd
from dialogs.drafts import Draft
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline, plan_case_reminders, withdraw
from dialogs.types import Choice, Day, Label, Msg, Pick, Reply, Text

SHOWN_AT_MOST = 10
MAX_REASON = 200
PROBLEMS = {  # rules/filing_checks.py code -> its sentence
    "visit_category_missing": "staff.file.problem.visit_category_missing",
    "unit_opinion_missing": "staff.file.problem.unit_opinion_missing",
    "decision_missing": "staff.file.problem.decision_missing",
    "decision_date_missing": "staff.file.problem.decision_date_missing",
    "notice_dates_missing": "staff.file.problem.notice_dates_missing",
    "notice_length": "staff.file.problem.notice_length",
    "category_missing": "staff.file.problem.category_missing",
    "category_not_fileable": "staff.file.problem.category_not_fileable",
    "category_differs": "staff.file.problem.category_differs",
}


class FileState(FlowState):
    """The case whose entry date is asked."""

    key = "file"
    case: str | None = None
    asking: str | None = None  # entered | offer (file with a reason?) | reason


def show_lists(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """/file: households ready to file (notice over, no open objection, no filing
    problem), those whose notice is over but a filing check fails (marked, with their
    number of problems), and those filed but not entered."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    turn.open(FLOW.name)
    turn.reset(FileState)
    tx = turn.ctx.tx
    ended = [(d, problems_of(turn, d)) for s in inline(tx.drafts.list_by_status("in_public_notice"))
             if (d := sd.load_case(turn, s.reference)) is not None and _ready(turn, d) is None]
    ready = [d for d, problems in ended if not problems]
    blocked = [(d, problems) for d, problems in ended if problems]
    due = inline(tx.cases.entry_due())
    lines = [*before, Msg("staff.file.ready", {"count": len(ready)})]
    choices = [sd.open_button(d) for d in ready[:SHOWN_AT_MOST]]
    if blocked:  # the notice is over but a filing check fails: pressing one says why
        lines.append(Msg("staff.file.blocked", {"count": len(blocked)}))
        choices += [Choice(Pick("staff", f"why:{d.reference}"),
                           Msg("staff.btn.blocked", {"ref": d.reference, "name": d.form.name or "—",
                                                     "count": len(problems)}))
                    for d, problems in blocked[:SHOWN_AT_MOST]]
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


def problems_of(turn: Turn, draft: Draft, override: str | None = None) -> list[FilingProblem]:
    """What the case's records lack for filing (rules/filing_checks.py)."""
    tx = turn.ctx.tx
    visits = inline(tx.cases.events(draft.reference, "visit"))
    decisions = inline(tx.cases.events(draft.reference, "decision"))
    notice = inline(tx.cases.notice_of(draft.reference))
    visit = VisitRecord(visits[-1].code) if visits else None
    decision = (DecisionRecord(decisions[-1].details.get("opinion"), draft.form.approved is True,
                               decisions[-1].on_date) if decisions else None)
    period = NoticeRecord(notice.start, notice.end) if notice else None
    return filing_problems(draft.form, visit, decision, period, turn.ctx.edition, override=override)


def _problem_line(turn: Turn, problem: FilingProblem) -> Msg:
    """One problem in words: dates as days, categories by their names."""
    options = enumeration("hardship_category", turn.ctx.edition).options
    params = {}
    for key, value in problem.params.items():
        if key in ("category", "suggested"):
            params[key] = Label.of(options[value]) if value in options else value
        elif key in ("start", "end", "expected"):
            params[key] = Day(value)
        else:
            params[key] = value
    return Msg(PROBLEMS[problem.code], params)


def refuse_filing(turn: Turn, draft: Draft, problems: list[FilingProblem]) -> Replies:
    """Nothing filed: each problem, then the case (or, if only a reason is missing, the offer to give one)."""
    lines = (Msg("staff.file.problems", {"ref": draft.reference, "count": len(problems)}),
             *(_problem_line(turn, p) for p in problems))
    if not only_overridable(problems):
        from dialogs.staff_inbox import open_case

        return [Reply(lines)] + open_case(turn, draft.reference)
    turn.open(FLOW.name)
    st = turn.reset(FileState)
    st.case, st.asking = draft.reference, "offer"
    return [turn.ask((*lines, Msg("staff.file.override_offer")), _offer_choices(draft.reference))]


def _offer_choices(reference: str) -> list[Choice]:
    return [Choice(Pick("staff", f"override:{reference}"), Msg("staff.btn.file_with_reason")),
            Choice(Pick("staff", f"open:{reference}"), Msg("staff.btn.back_to_case", {"ref": reference}))]


def file_case(turn: Turn, reference: str, override: str | None = None) -> Replies:
    """in_public_notice → filed, with the entry deadline and its reminders (nothing while a problem remains)."""
    draft = sd.acting_on(turn, reference, "in_public_notice")
    if not isinstance(draft, Draft):
        return draft
    why = _ready(turn, draft)
    from dialogs.staff_inbox import open_case

    if why is not None:
        notice = inline(turn.ctx.tx.cases.notice_of(reference))
        return [Reply((Msg(why, {"date": Day(notice.end) if notice else "—"}),))] + open_case(turn, reference)
    problems = problems_of(turn, draft, override)
    if problems:
        return refuse_filing(turn, draft, problems)
    tx, form = turn.ctx.tx, draft.form
    notice = inline(tx.cases.notice_of(reference))
    deadline = notice_period(notice.start, turn.ctx.edition).entry_deadline
    inline(tx.cases.file(Filing(reference=reference, unit=draft.unit, filed_on=turn.ctx.today,
                                entry_deadline=deadline, category=draft.category, primary_cause=form.primary_cause,
                                key_group=form.key_group, measure=form.measure, plan=form.plan,
                                filed_by=sd.actor(turn))))
    sd.move(turn, draft, "filed", comment=f"filed; category override: {override}" if override else "filed")
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
    if st.asking == "reason" and st.case:
        reason = " ".join(text.text.split())
        if not reason or len(reason) > MAX_REASON:
            return [Reply((Msg("staff.err.text", {"max": MAX_REASON}),))] + repeat(turn)
        reference = st.case
        turn.reset(FileState)
        return file_case(turn, reference, override=reason)
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
    """open:<ref> (the case, in /inbox) · why:<ref> (why it cannot be filed) · override:<ref> (file with a reason)."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    action, _, arg = pick.value.partition(":")
    st = turn.state(FileState)
    if action == "override" and st.asking == "offer" and arg == st.case:
        st.asking = "reason"
        return repeat(turn)
    if action == "why":
        return why_not(turn, arg)
    if action == "open":
        from dialogs.staff_inbox import open_case

        return open_case(turn, arg)
    return repeat(turn)


def why_not(turn: Turn, reference: str) -> Replies:
    """A household the list marks as not fileable: each filing problem (and, where only a
    reason is missing, the offer to give one); the case if nothing is wrong any more."""
    draft = sd.acting_on(turn, reference, "in_public_notice")
    if not isinstance(draft, Draft):
        return draft
    problems = problems_of(turn, draft) if _ready(turn, draft) is None else []
    if problems:
        return refuse_filing(turn, draft, problems)
    from dialogs.staff_inbox import open_case

    return open_case(turn, reference)


def repeat(turn: Turn) -> Replies:
    st = turn.state(FileState)
    if st.asking == "reason" and st.case:
        return [turn.ask((Msg("staff.file.ask_reason", {"ref": st.case, "max": MAX_REASON}),), ())]
    if st.asking == "offer" and st.case:
        return [turn.ask((Msg("staff.file.override_offer"),), _offer_choices(st.case))]
    if st.asking == "entered" and st.case:
        return [turn.ask((Msg("staff.file.ask_entered", {"ref": st.case}),), (), expects="date")]
    return show_lists(turn)


FLOW = Flow(name="file", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"file": show_lists}, state=FileState)
