"""/inbox: the staff queue, one case seen whole, and the review's first actions
(6号 三(一)2): start the review, return the draft to the applicant with a comment and
the fields to reopen, reject it with a reason. The home visit, the decision, the
notice and the filing are their own flows, opened from a case's buttons.

Reviewers see every unit; a clerk sees the queue of their own unit and opens its
drafts to read them (no action). Every press is checked again on the server
(dialogs/staff_desk.py): the role, the case, and that its status is still the one
the button was offered for.

```mermaid
stateDiagram-v2
    [*] --> queue: /inbox (reviewer, clerk) · /start queue
    queue --> list: a status (oldest first) · overdue (working days)
    list --> case: open
    queue --> case: open
    case --> case: start review (submitted → under_review)
    case --> comment: return
    comment --> fields: typed comment
    fields --> fields: a section · toggle a field
    fields --> queue: send back (→ returned; the applicant told, reminded; resubmission comes back here)
    case --> reason: reject
    reason --> queue: typed reason (→ rejected; the applicant told)
    case --> visit: home visit (staff_visit)
    case --> decision: decision (staff_decision)
    case --> file: notice, filing, clean-up (staff_notice, staff_file, staff_cleanup)
```
"""
from __future__ import annotations

from pydantic import Field

from rules.workdays import add_workdays

from dialogs import form_fields as ff
from dialogs.access import read_in_step
from dialogs import staff_desk as sd
from dialogs.drafts import Draft
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.form_status import STATUS
from dialogs.reminder_plan import inline, plan_case_reminders
from dialogs.types import Choice, Day, Msg, Pick, Reply, Text

QUEUE = ("submitted", "under_review", "home_visited", "approved", "in_public_notice", "returned", "filed")
SHOWN_AT_MOST = 10
MAX_TEXT = 500
REOPENABLE = [(s, paths) for s, paths in ff.SECTIONS if paths]


class InboxState(FlowState):
    """The case open, and what is being typed or picked for it."""

    key = "inbox"
    case: str | None = None
    asking: str | None = None  # comment | fields | reason
    comment: str | None = None
    section: str | None = None
    fields: list[str] = Field(default_factory=list)


def show_queue(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """/inbox: how many drafts wait in each status, and the overdue ones."""
    if not sd.is_staff(turn):
        return sd.refused(turn, "role")
    turn.open(FLOW.name)
    turn.reset(InboxState)
    unit = sd.clerk_unit(turn)
    if sd.CLERK in turn.ctx.roles and not sd.is_reviewer(turn) and unit is None:
        return sd.refused(turn, "unit")
    counts = inline(turn.ctx.tx.drafts.count_by_status(unit=unit))
    lines = [*before, Msg("staff.queue_title", {"count": sum(counts.get(s, 0) for s in QUEUE)})]
    choices = []
    for status in QUEUE:
        if counts.get(status):
            lines.append(Msg("staff.queue_line", {"status": Msg(STATUS[status]), "count": counts[status]}))
            choices.append(Choice(Pick("staff", f"list:{status}"), Msg(STATUS[status])))
    choices.append(Choice(Pick("staff", "overdue"), Msg("staff.btn.overdue")))
    return [turn.ask(tuple(lines), choices)]


def _queue_of(turn: Turn, status: str) -> list[Draft]:
    stored = inline(turn.ctx.tx.drafts.list_by_status(status, unit=sd.clerk_unit(turn)))
    return [d for s in stored if (d := sd.load_case(turn, s.reference)) is not None]


def show_list(turn: Turn, status: str) -> Replies:
    """The drafts in one status, oldest first."""
    drafts = _queue_of(turn, status)
    lines = [Msg("staff.list_title", {"status": Msg(STATUS[status]), "count": len(drafts)})]
    lines += [sd.case_line(turn, d) for d in drafts[:SHOWN_AT_MOST]]
    choices = [sd.open_button(d) for d in drafts[:SHOWN_AT_MOST]]
    return [turn.ask(tuple(lines), [*choices, Choice(Pick("staff", "queue"), Msg("staff.btn.queue"))])]


def show_overdue(turn: Turn) -> Replies:
    """Submitted or in-review drafts waiting longer than the edition's working days."""
    limit = int(turn.ctx.edition.param("review_overdue_working_days"))
    drafts = [d for s in ("submitted", "under_review") for d in _queue_of(turn, s) if sd.waiting_days(turn, d) > limit]
    drafts.sort(key=lambda d: -sd.waiting_days(turn, d))
    lines = [Msg("staff.overdue_title", {"count": len(drafts), "days": limit})]
    lines += [sd.case_line(turn, d) for d in drafts[:SHOWN_AT_MOST]]
    choices = [sd.open_button(d) for d in drafts[:SHOWN_AT_MOST]]
    return [turn.ask(tuple(lines), [*choices, Choice(Pick("staff", "queue"), Msg("staff.btn.queue"))])]


ACTIONS = {  # status -> the actions a reviewer is offered on it
    "submitted": ("start", "return"),
    "under_review": ("visit", "return", "reject"),
    "home_visited": ("decide", "reject"),
    "approved": ("notice",),
    "in_public_notice": ("objection", "file"),
    "filed": ("entered", "card", "help", "close"),
    "entered": ("card", "help", "close"),
}
ACTION_LABELS = {"start": "staff.btn.start", "return": "staff.btn.return", "reject": "staff.btn.reject",
                 "visit": "staff.btn.visit", "decide": "staff.btn.decide", "notice": "staff.btn.notice",
                 "objection": "staff.btn.objection", "file": "staff.btn.file", "entered": "staff.btn.entered",
                 "card": "staff.btn.card", "help": "staff.btn.help", "close": "staff.btn.close"}


def open_case(turn: Turn, reference: str, before: tuple[Msg, ...] = ()) -> Replies:
    """One case whole (protected), with the actions its status allows (reviewers)."""
    if not sd.is_staff(turn):
        return sd.refused(turn, "role")
    draft = sd.load_case(turn, reference)
    unit = sd.clerk_unit(turn)
    if draft is None or not read_in_step(turn, draft, units=[unit] if unit else [], view="record"):
        return sd.refused(turn, "gone") + show_queue(turn)  # a staff read is an audit row (dialogs/access.py)
    turn.open(FLOW.name)
    st = turn.reset(InboxState)
    st.case = reference
    replies = ([Reply(before)] if before else []) + sd.case_view(turn, draft)
    actions = ACTIONS.get(draft.status, ()) if sd.is_reviewer(turn) else ()
    choices = [Choice(Pick("staff", f"{a}:{reference}"), Msg(ACTION_LABELS[a])) for a in actions]
    choices.append(Choice(Pick("staff", "queue"), Msg("staff.btn.queue")))
    return replies + [turn.ask((Msg("staff.case_actions", {"ref": reference}),), choices)]


def start_review(turn: Turn, reference: str) -> Replies:
    """submitted → under_review."""
    draft = sd.acting_on(turn, reference, "submitted")
    if not isinstance(draft, Draft):
        return draft
    sd.move(turn, draft, "under_review")
    return open_case(turn, reference, (Msg("staff.review_started", {"ref": reference}),))


def ask_comment(turn: Turn, reference: str, what: str) -> Replies:
    """Asks for the comment of a return (or the reason of a rejection)."""
    needed = ("submitted", "under_review") if what == "comment" else ("under_review", "home_visited")
    draft = sd.acting_on(turn, reference, *needed)
    if not isinstance(draft, Draft):
        return draft
    st = turn.state(InboxState)
    st.case, st.asking, st.fields, st.comment = reference, what, [], None
    ask = "staff.ask_return_comment" if what == "comment" else "staff.ask_reject_reason"
    return [turn.ask((Msg(ask, {"ref": reference, "max": MAX_TEXT}),), ())]


def ask_fields(turn: Turn) -> Replies:
    """The sections, then a section's fields to toggle; then send back."""
    st = turn.state(InboxState)
    st.asking = "fields"
    lines = [Msg("staff.ask_fields", {"ref": st.case})]
    if st.fields:
        lines.append(Msg("staff.fields_chosen", {"fields": tuple(ff.label(p) for p in st.fields)}))
    if st.section is None:
        choices = [Choice(Pick("staff", f"section:{s}"), Msg(ff.SECTION_TITLES[s])) for s, _ in REOPENABLE]
    else:
        paths = dict(REOPENABLE)[st.section]
        choices = [Choice(Pick("staff", f"field:{p}"), Msg("staff.btn.field_on" if p in st.fields
                                                          else "staff.btn.field_off", {"field": ff.label(p)}))
                   for p in paths]
        choices.append(Choice(Pick("staff", "sections"), Msg("staff.btn.sections")))
    if st.fields:
        choices.append(Choice(Pick("staff", "send_back"), Msg("staff.btn.send_back")))
    return [turn.ask(tuple(lines), choices)]


def send_back(turn: Turn) -> Replies:
    """→ returned: the comment and the fields go to the applicant, who is reminded."""
    st = turn.state(InboxState)
    draft = sd.acting_on(turn, st.case or "", "submitted", "under_review")
    if not isinstance(draft, Draft):
        return draft
    draft.content.reopen_fields, draft.content.comment = list(st.fields), st.comment
    draft.content.reviewer = sd.actor(turn)
    sd.move(turn, draft, "returned", comment=st.comment)
    applicant = sd.applicant_of(draft)
    fields = tuple(ff.label(p) for p in st.fields)
    deadline, _ = add_workdays(turn.ctx.today, int(turn.ctx.edition.param("correction_working_days")),
                               count_start=False)
    turn.send_to(applicant, Reply((Msg("staff.told_returned", {"ref": draft.reference, "comment": st.comment or "",
                                                               "fields": fields, "date": Day(deadline)}),),
                                  (Choice(Pick("open", "draft"), Msg("reminder.btn.draft")),)))
    inline(plan_case_reminders(turn.ctx.tx, "draft_returned", f"draft:{draft.reference}", applicant, deadline,
                               policy=turn.ctx.reminders, workdays=True, params={"ref": draft.reference}))
    return show_queue(turn, (Msg("staff.returned", {"ref": draft.reference, "fields": fields}),))


def reject(turn: Turn, reason: str) -> Replies:
    """→ rejected, with the reason the applicant sees."""
    st = turn.state(InboxState)
    draft = sd.acting_on(turn, st.case or "", "under_review", "home_visited", "in_public_notice")
    if not isinstance(draft, Draft):
        return draft
    draft.content.comment = reason
    sd.move(turn, draft, "rejected", comment=reason)
    turn.send_to(sd.applicant_of(draft), Reply((Msg("staff.told_rejected", {"ref": draft.reference,
                                                                             "reason": reason}),)))
    return show_queue(turn, (Msg("staff.rejected", {"ref": draft.reference}),))


def on_text(turn: Turn, text: Text) -> Replies:
    """The comment of a return or the reason of a rejection."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st, typed = turn.state(InboxState), " ".join(text.text.split())
    if st.asking in ("comment", "reason"):
        if not typed or len(typed) > MAX_TEXT:
            return [Reply((Msg("staff.err.text", {"max": MAX_TEXT}),))] + repeat(turn)
        if st.asking == "reason":
            return reject(turn, typed)
        st.comment = typed
        return ask_fields(turn)
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """queue · list:<status> · overdue · open:<ref> · an action:<ref> · section/field/send_back."""
    from dialogs import staff_cleanup, staff_decision, staff_file, staff_notice, staff_visit

    if not sd.is_staff(turn):
        return sd.refused(turn, "role")
    action, _, arg = pick.value.partition(":")
    st = turn.state(InboxState)
    if pick.kind != "staff" or action == "queue":
        return show_queue(turn)
    if action == "list" and arg in QUEUE:
        return show_list(turn, arg)
    if action == "overdue":
        return show_overdue(turn)
    if action == "open":
        return open_case(turn, arg)
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    handlers = {"start": start_review, "return": lambda t, r: ask_comment(t, r, "comment"),
                "reject": lambda t, r: ask_comment(t, r, "reason"), "visit": staff_visit.start,
                "decide": staff_decision.start, "notice": staff_notice.start_for,
                "objection": staff_notice.ask_objection, "file": staff_file.file_case,
                "entered": staff_file.ask_entered, "card": staff_file.card, "help": staff_cleanup.ask_help,
                "close": staff_cleanup.ask_close}
    if action in handlers:
        return handlers[action](turn, arg)
    if st.asking == "fields":
        if action == "section" and arg in dict(REOPENABLE):
            st.section = arg
        elif action == "sections":
            st.section = None
        elif action == "field" and st.section and arg in dict(REOPENABLE)[st.section]:
            st.fields = [f for f in st.fields if f != arg] if arg in st.fields else [*st.fields, arg]
        elif action == "send_back" and st.fields:
            return send_back(turn)
        return ask_fields(turn)
    return repeat(turn)


def repeat(turn: Turn) -> Replies:
    """The open question again (the queue if none)."""
    st = turn.state(InboxState)
    if st.asking == "fields" and st.case:
        return ask_fields(turn)
    if st.asking in ("comment", "reason") and st.case:
        return ask_comment(turn, st.case, st.asking)
    if st.case:
        return open_case(turn, st.case)
    return show_queue(turn)


FLOW = Flow(name="inbox", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"inbox": show_queue, "queue": show_queue}, state=InboxState)
