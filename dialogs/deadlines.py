"""/deadlines: reviewers and admins add, list, change and remove campaign deadlines.

Every command and press checks the role on the server (``reviewer`` or ``admin``),
not the buttons shown. Adding or changing a deadline plans its reminders in the same
transaction (dialogs/reminder_plan.py); removing it withdraws them. The records are
read and written through the step's transaction (``turn.ctx.tx``, run whole on the
database's thread, so :func:`inline` calls never wait). Each change is an audit row.

```mermaid
stateDiagram-v2
    [*] --> list: /deadlines (reviewer, admin)
    list --> name: add
    name --> date: typed name
    date --> audience: typed date (today or later)
    audience --> list: picked: saved, reminders planned
    list --> view: pick a deadline
    view --> date: change date
    view --> name: change name
    view --> audience: change audience
    view --> view: remind now (its progress is shown as it goes)
    view --> remove: remove
    remove --> list: yes: removed, reminders withdrawn
    list --> list: load the 2016 example campaign
```
"""
from __future__ import annotations

import datetime as dt

from rules.campaign import AUDIENCES, load_campaign
from rules.dates import parse_date
from rules.edition import EditionError
from rules.parse import ParseError
from storage import Deadline

from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline, plan_deadline, send_deadline_now, withdraw
from dialogs.types import Choice, Day, Label, Msg, Pick, Reply, Text

MANAGERS = frozenset({"reviewer", "admin"})
LOCAL = "local"  # the campaign of deadlines added here
EXAMPLE = "jiangxi-2016"
MAX_NAME = 60
AUDIENCE_LABELS = {"drafts": "deadlines.audience.drafts", "clerks": "deadlines.audience.clerks",
                   "reviewers": "deadlines.audience.reviewers", "everyone": "deadlines.audience.everyone"}


class DeadlinesState(FlowState):
    """What the manager is doing: which deadline, which question, the new one's answers."""

    key = "deadlines"
    editing: int | None = None
    asking: str | None = None  # name | date | audience | remove
    name: str | None = None
    date: dt.date | None = None


def allowed(turn: Turn) -> bool:
    """Reviewers and admins manage deadlines."""
    return bool(turn.ctx.roles & MANAGERS) and turn.ctx.tx is not None


def denied(turn: Turn) -> Replies:
    turn.open("menu")
    return [Reply((Msg("deadlines.denied"),))]


def _label(d: Deadline) -> Label:
    return Label(d.name_zh, d.name_en)


def _line(d: Deadline) -> Msg:
    return Msg("deadlines.item", {"date": Day(d.due_date), "name": _label(d),
                                  "audience": Msg(AUDIENCE_LABELS[d.audience])})


def show_list(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """/deadlines: every deadline from today on, to pick one, add one, or load the example."""
    if not allowed(turn):
        return denied(turn)
    turn.open(FLOW.name)
    st = turn.reset(DeadlinesState)
    deadlines = inline(turn.ctx.tx.deadlines.list(since=turn.ctx.today))
    lines = [*before, Msg("deadlines.list_title", {"count": len(deadlines)}) if deadlines else Msg("deadlines.none")]
    lines += [_line(d) for d in deadlines]
    choices = [Choice(Pick("deadline", f"view:{d.id}"), _label(d)) for d in deadlines]
    choices.append(Choice(Pick("deadline", "add"), Msg("deadlines.btn.add")))
    choices.append(Choice(Pick("deadline", "example"), Msg("deadlines.btn.example")))
    return [turn.ask(tuple(lines), choices)]


def _view(turn: Turn, d: Deadline) -> Replies:
    """One deadline with what can be done to it."""
    st = turn.state(DeadlinesState)
    st.editing, st.asking = d.id, None
    planned = sum(r.state == "planned" for r in inline(turn.ctx.tx.reminders.of_subject(d.subject)))
    lines = [_line(d), Msg("deadlines.planned", {"count": planned})]
    if d.reference:
        lines.append(Msg("reminder.reference", {"reference": d.reference}))
    choices = [Choice(Pick("deadline", v), Msg(m)) for v, m in (
        ("date", "deadlines.btn.date"), ("name", "deadlines.btn.name"), ("audience", "deadlines.btn.audience"),
        ("now", "deadlines.btn.now"), ("remove", "deadlines.btn.remove"), ("list", "deadlines.btn.list"))]
    return [turn.ask(tuple(lines), choices)]


def _ask(turn: Turn, what: str) -> Replies:
    """Asks for the name, the date or the audience (of the new deadline or the one edited)."""
    turn.state(DeadlinesState).asking = what
    if what == "audience":
        return [turn.ask((Msg("deadlines.ask_audience"),),
                         [Choice(Pick("deadline", f"aud:{a}"), Msg(AUDIENCE_LABELS[a])) for a in AUDIENCES])]
    ask = {"name": "deadlines.ask_name", "date": "deadlines.ask_date"}[what]
    return [turn.ask((Msg(ask, {"max": MAX_NAME}),), (), expects="date" if what == "date" else None)]


def _editing(turn: Turn) -> Deadline | None:
    st = turn.state(DeadlinesState)
    return inline(turn.ctx.tx.deadlines.get(st.editing)) if st.editing is not None else None


def _save(turn: Turn, d: Deadline, action: str, before: str | None) -> Replies:
    """Plans the reminders of a new or changed deadline, writes the audit row, lists."""
    tx = turn.ctx.tx
    planned = inline(plan_deadline(tx, d, turn.ctx.reminders))
    inline(tx.audit.add(turn.ctx.person or "?", action, d.subject, before=before,
                        after=f"{d.due_date} {d.audience}", at=tx.reminders.now()))
    done = Msg("deadlines.saved", {"name": _label(d), "date": Day(d.due_date), "count": planned})
    return show_list(turn, (done,))


def on_text(turn: Turn, text: Text) -> Replies:
    """A typed name or date."""
    if not allowed(turn):
        return denied(turn)
    st, tx = turn.state(DeadlinesState), turn.ctx.tx
    if st.asking == "name":
        name = " ".join(text.text.split())
        if not name or len(name) > MAX_NAME:
            return [Reply((Msg("deadlines.err.name", {"max": MAX_NAME}),))] + _ask(turn, "name")
        d = _editing(turn)
        if d is None:
            st.name = name
            return _ask(turn, "date")
        return _save(turn, inline(tx.deadlines.change(d.id, name_zh=name, name_en=name)), "deadline.renamed", None)
    if st.asking == "date":
        try:
            day = parse_date(text.text, today=dt.date(turn.ctx.today.year + 10, 12, 31))
        except ParseError:
            return [Reply((Msg("deadlines.err.date"),))] + _ask(turn, "date")
        if day < turn.ctx.today:
            return [Reply((Msg("deadlines.err.past"),))] + _ask(turn, "date")
        d = _editing(turn)
        if d is None:
            st.date = day
            return _ask(turn, "audience")
        before = str(d.due_date)
        return _save(turn, inline(tx.deadlines.change(d.id, due_date=day)), "deadline.moved", before)
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """add · example · view:<id> · date · name · audience · aud:<who> · remove · yes · list."""
    if not allowed(turn):
        return denied(turn)
    st, tx = turn.state(DeadlinesState), turn.ctx.tx
    action, _, arg = pick.value.partition(":")
    if pick.kind != "deadline":
        return repeat(turn)
    if action == "list":
        return show_list(turn)
    if action == "add":
        st.editing, st.name, st.date = None, None, None
        return _ask(turn, "name")
    if action == "example":
        return load_example(turn)
    if action == "view":
        d = inline(tx.deadlines.get(int(arg))) if arg.isdigit() else None
        return _view(turn, d) if d else show_list(turn, (Msg("deadlines.gone"),))
    if action == "aud" and arg in AUDIENCES:
        d = _editing(turn)
        if d is None and st.name and st.date:
            code = f"{st.date}-{len(inline(tx.deadlines.list())) + 1}"
            new = inline(tx.deadlines.add(campaign=LOCAL, code=code, name_zh=st.name, name_en=st.name,
                                          due_date=st.date, audience=arg, created_by=turn.ctx.person or "?"))
            return _save(turn, new, "deadline.added", None)
        if d is not None:
            return _save(turn, inline(tx.deadlines.change(d.id, audience=arg)), "deadline.audience", d.audience)
        return show_list(turn)
    d = _editing(turn)
    if d is None:
        return show_list(turn, (Msg("deadlines.gone"),))
    if action in ("date", "name", "audience"):
        return _ask(turn, action)
    if action == "now":
        inline(send_deadline_now(tx, d, turn.ctx.person or "?", turn.ctx.today))
        inline(tx.audit.add(turn.ctx.person or "?", "deadline.sent_now", d.subject, at=tx.reminders.now()))
        return [Reply((Msg("deadlines.sending", {"name": _label(d)}),))] + _view(turn, d)
    if action == "remove":
        st.asking = "remove"
        return [turn.ask((Msg("deadlines.confirm_remove", {"name": _label(d), "date": Day(d.due_date)}),),
                         (Choice(Pick("deadline", "yes"), Msg("deadlines.btn.yes_remove")),
                          Choice(Pick("deadline", "list"), Msg("deadlines.btn.keep"))))]
    if action == "yes" and st.asking == "remove":
        inline(withdraw(tx, d.subject))
        inline(tx.deadlines.remove(d.id))
        inline(tx.audit.add(turn.ctx.person or "?", "deadline.removed", d.subject, before=str(d.due_date),
                            at=tx.reminders.now()))
        return show_list(turn, (Msg("deadlines.removed", {"name": _label(d)}),))
    return repeat(turn)


def load_example(turn: Turn) -> Replies:
    """Adds the 2016 example campaign's deadlines that are not there yet, and plans them."""
    if not allowed(turn):
        return denied(turn)
    try:
        added = inline(load_campaign_into(turn.ctx.tx, EXAMPLE, turn.ctx.reminders, turn.ctx.person or "?"))
    except EditionError:
        added = 0
    return show_list(turn, (Msg("deadlines.loaded", {"count": added}),))


async def load_campaign_into(tx, name: str, policy, actor: str) -> int:
    """Adds a shipped campaign's deadlines (those not added before) and plans their
    reminders; how many were added. Also used at start (BOT_EXAMPLE_CAMPAIGN)."""
    campaign = load_campaign(name)
    added = 0
    for code, item in campaign.deadlines.items():
        d = await tx.deadlines.add(
            campaign=campaign.campaign, code=code, name_zh=item.name.zh_CN, name_en=item.name.en,
            due_date=item.date, audience=item.audience, created_by=actor, reference=item.reference,
            action_zh=item.action.zh_CN if item.action else None, action_en=item.action.en if item.action else None,
            workdays=item.workdays)
        if d is not None:
            added += 1
            await plan_deadline(tx, d, policy)
    return added


def repeat(turn: Turn) -> Replies:
    """The open question again (the list if none)."""
    if not allowed(turn):
        return denied(turn)
    st = turn.state(DeadlinesState)
    if st.asking in ("name", "date", "audience"):
        return _ask(turn, st.asking)
    d = _editing(turn)
    return _view(turn, d) if d else show_list(turn)


FLOW = Flow(name="deadlines", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"deadlines": show_list}, state=DeadlinesState)
