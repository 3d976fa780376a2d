"""Planning reminders: campaign deadlines and case deadlines, as rows with due times.

Called in the transaction that creates or changes what the reminder is about, so the
reminders always match the records:

- ``await plan_deadline(tx, deadline, policy)``: a campaign deadline's reminders
  (one row per reminder day, addressed to its audience; expanded per person when it
  fires); call it again after a change (moved reminders move, sent ones stay sent);
- ``await plan_case_reminders(tx, kind, subject, recipient, deadline, policy=...)``:
  a case deadline of one person (a returned draft awaiting the applicant, an
  unfinished draft's one nudge: ``days_before=(0,)``, a notice ending, an entry
  deadline, a filed household without its contact card);
- ``await withdraw(tx, subject)``: it no longer applies (the draft was submitted, the
  deadline removed).

Reminders whose moment has passed when planned are not planned. A flow step (running
whole on the database's thread, ``Database.run``) may call these through
:func:`inline`. The payload is a dialog reply (catalog ids and parameters), rendered
in the recipient's language when it is sent.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Coroutine
from typing import Any, TypeVar

from rules.reminder_times import ReminderPolicy, reminder_times
from storage import Deadline, PlannedReminder
from storage.group_commit import finish

from dialogs.types import Choice, Day, Label, Msg, Pick, Reply, reply_to_json

T = TypeVar("T")
CAMPAIGN = "campaign"
# Case deadlines, by kind (also what people can mute), and what each reminder says.
CASE_MESSAGES: dict[str, str] = {
    "draft_returned": "reminder.case.draft_returned",
    "draft_unfinished": "reminder.case.draft_unfinished",
    "notice_end": "reminder.case.notice_end",
    "entry_deadline": "reminder.case.entry_deadline",
    "contact_card": "reminder.case.contact_card",
}
KINDS: tuple[str, ...] = (CAMPAIGN, *CASE_MESSAGES)
# Where a reminder's button leads (a /start payload), by audience or case kind.
OPENS: dict[str, str] = {"drafts": "draft", "clerks": "queue", "reviewers": "queue", "everyone": "deadlines",
                         "draft_returned": "draft", "draft_unfinished": "draft", "notice_end": "queue",
                         "entry_deadline": "queue", "contact_card": "queue"}
BUTTONS: dict[str, str] = {"draft": "reminder.btn.draft", "queue": "reminder.btn.queue",
                           "deadlines": "reminder.btn.deadlines"}


def inline(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never suspends (a repository call inside a step
    run by ``Database.run``); StorageError if it would have to wait."""
    return finish(coroutine)


def when_line(deadline: dt.date, day: dt.date, *, workdays: bool, days_before: int) -> Msg:
    """"today" / "tomorrow" / "N (working) days left", as the reminder day sees it."""
    if days_before == 0 or day >= deadline:
        return Msg("reminder.when.today")
    if workdays:
        return Msg("reminder.when.workdays", {"n": days_before}) if days_before > 1 else Msg("reminder.when.next_workday")
    left = (deadline - day).days
    return Msg("reminder.when.tomorrow") if left == 1 else Msg("reminder.when.days", {"n": left})


def _button(opens: str | None) -> tuple[Choice, ...]:
    return (Choice(Pick("open", opens), Msg(BUTTONS[opens])),) if opens in BUTTONS else ()


def deadline_reply(deadline: Deadline, day: dt.date, days_before: int) -> Reply:
    """What a campaign deadline's reminder says on ``day``."""
    lines = [Msg("reminder.deadline", {"name": Label(deadline.name_zh, deadline.name_en),
                                       "date": Day(deadline.due_date)}),
             when_line(deadline.due_date, day, workdays=deadline.workdays, days_before=days_before)]
    if deadline.action_zh or deadline.action_en:
        action = Label(deadline.action_zh or deadline.action_en or "", deadline.action_en or deadline.action_zh or "")
        lines.append(Msg("reminder.action", {"action": action}))
    if deadline.reference:
        lines.append(Msg("reminder.reference", {"reference": deadline.reference}))
    return Reply(tuple(lines), _button(OPENS.get(deadline.audience)))


async def plan_deadline(tx: Any, deadline: Deadline, policy: ReminderPolicy) -> int:
    """Plans (or re-plans) a campaign deadline's reminders; how many are planned."""
    now = tx.reminders.now()
    planned = [
        PlannedReminder(key=f"{deadline.subject}:{deadline.due_date}:{t.days_before}", subject=deadline.subject,
                        kind=CAMPAIGN, audience=deadline.audience, deadline_date=deadline.due_date,
                        days_before=t.days_before, due_at=t.due_at,
                        payload=reply_to_json(deadline_reply(deadline, t.day, t.days_before)))
        for t in reminder_times(deadline.due_date, policy, workdays=deadline.workdays) if t.due_at > now]
    return await tx.reminders.plan(deadline.subject, planned)


async def send_deadline_now(tx: Any, deadline: Deadline, started_by: str, today: dt.date) -> Any:
    """A reminder of a campaign deadline to its audience, sent at once by ``started_by``,
    who then sees its progress and a final report (bot/reminders.py)."""
    now = tx.reminders.now()
    days = max((deadline.due_date - today).days, 0)
    reply = deadline_reply(deadline, today, days)
    return await tx.reminders.send_now(PlannedReminder(
        key=f"{deadline.subject}:now:{now.isoformat()}", subject=deadline.subject, kind=CAMPAIGN,
        audience=deadline.audience, deadline_date=deadline.due_date, days_before=days, due_at=now,
        payload=reply_to_json(reply)), started_by)


async def plan_case_reminders(tx: Any, kind: str, subject: str, recipient: str, deadline: dt.date, *,
                              policy: ReminderPolicy, days_before: tuple[int, ...] | None = None,
                              workdays: bool = False, params: dict[str, Any] | None = None) -> int:
    """Plans one person's reminders of a case deadline (re-planning moves them); how
    many are planned. ``kind`` is one of :data:`CASE_MESSAGES`; ``subject`` names the
    record ('draft:41', 'notice:7'); ``params`` go into the message besides ``date``."""
    if kind not in CASE_MESSAGES:
        raise ValueError(f"unknown reminder kind {kind!r}")
    if days_before is not None:
        policy = ReminderPolicy(days_before, policy.at, policy.zone)
    now = tx.reminders.now()
    planned = []
    for t in reminder_times(deadline, policy, workdays=workdays):
        if t.due_at <= now:
            continue
        lines = (Msg(CASE_MESSAGES[kind], {"date": Day(deadline), **(params or {})}),
                 when_line(deadline, t.day, workdays=workdays, days_before=t.days_before))
        reply = Reply(lines, _button(OPENS.get(kind)))
        planned.append(PlannedReminder(key=f"{subject}:{kind}:{recipient}:{deadline}:{t.days_before}",
                                       subject=subject, kind=kind, recipient=recipient, deadline_date=deadline,
                                       days_before=t.days_before, due_at=t.due_at, payload=reply_to_json(reply)))
    return await tx.reminders.plan(subject, planned, recipient=recipient)


async def withdraw(tx: Any, subject: str, *, recipient: str | None = None) -> int:
    """The subject's planned reminders (to one recipient, if given) no longer apply."""
    return await tx.reminders.withdraw(subject, recipient=recipient)
