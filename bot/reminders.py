"""The reminder scheduler: one timer for the next due reminder row, in every channel process.

Reminders are rows (storage/repos/reminders.py) planned by the dialogs
(dialogs/reminder_plan.py). The scheduler sleeps until the earliest planned row is
due -- or until :meth:`ReminderScheduler.wake` (a step planned or withdrew some), or
``idle_poll`` seconds (rows another process planned) -- then fires every due row:

- a reminder to one person becomes an outbox message in the transaction that marks
  the row sent, so it is queued exactly once even if the process is killed (the
  outbox then delivers it at least once, in order, within the send limits);
- a reminder to an audience (clerks, reviewers, everyone, applicants with unfinished
  drafts) is expanded into one row per person, each fired the same way, in batches;
- a person who muted the kind gets a ``muted`` row and no message;
- a row fired more than ``late_after`` after its time (the bot was down) says so.

On start everything that fell due while the process was down fires at once.
Logs carry counts and ids only.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from dialogs.types import Day, Msg, Reply, reply_from_json, reply_to_json
from storage import Database, Reminder

log = logging.getLogger(__name__)

AudienceOf = Callable[[Any], Awaitable[list[str]]]  # tx -> the people of an audience (overrides storage's)


def late_payload(payload: dict[str, Any], due_at: datetime, zone: Any) -> dict[str, Any]:
    """The payload with a first line saying when it was due."""
    reply = reply_from_json(payload)
    late = Msg("reminder.late", {"date": Day(due_at.astimezone(zone).date())})
    return reply_to_json(Reply((late, *reply.lines), reply.choices))


class ReminderScheduler:
    """Fires due reminder rows into the outbox; ``on_queued`` wakes the outbox sender."""

    def __init__(self, db: Database, *, zone: Any, channels: Sequence[str] = ("tg",),
                 on_queued: Callable[[], None] | None = None, audiences: Mapping[str, AudienceOf] | None = None,
                 batch: int = 500, late_after: timedelta = timedelta(minutes=10), idle_poll: float = 600.0,
                 on_broadcast: Callable[[Reminder], None] | None = None) -> None:
        self.db, self.zone, self.channels, self.on_queued = db, zone, tuple(channels), on_queued
        self.audiences: dict[str, AudienceOf] = dict(audiences or {})
        self.batch, self.late_after, self.idle_poll = batch, late_after, idle_poll
        self.on_broadcast = on_broadcast  # a reminder someone sent now is queued: show them its progress
        self.counts = {"fired": 0, "queued": 0, "muted": 0, "late": 0}
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    def wake(self) -> None:
        """Look at the rows again now (call after committing a step that planned some)."""
        self._wakeup.set()

    def start(self) -> None:
        """Runs the timer as a task of the running loop."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name="reminders")

    async def stop(self) -> None:
        """Stops the timer (a batch being fired finishes first: it is one transaction)."""
        self._stopping = True
        self.wake()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        """Fire what is due, sleep until the next due row (or a wake), again."""
        while not self._stopping:
            self._wakeup.clear()
            try:
                await self.fire_due()
                wait = await self.next_wait()
            except Exception as exc:  # the database is busy or gone: try again later
                log.error("reminders: cannot fire: %s", type(exc).__name__)
                wait = min(self.idle_poll, 5.0)
            if self._stopping:
                break
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), wait)

    async def next_wait(self) -> float:
        """Seconds until the next planned row is due (at most ``idle_poll``)."""
        async with self.db.transaction() as tx:
            next_at = await tx.reminders.next_due()
        if next_at is None:
            return self.idle_poll
        return min(max((next_at - self.db.clock()).total_seconds(), 0.0), self.idle_poll)

    async def fire_due(self) -> int:
        """Fires every row due now; how many messages were queued."""
        queued = 0
        while not self._stopping:
            async with self.db.transaction() as tx:
                due = await tx.reminders.due(self.db.clock(), limit=self.batch)
            if not due:
                break
            for reminder in due:
                queued += await (self._fire_audience(reminder) if reminder.recipient is None
                                 else self._fire_personal(reminder))
        if queued and self.on_queued is not None:
            self.on_queued()
        return queued

    def _late(self, reminder: Reminder) -> bool:
        return self.db.clock() - reminder.due_at > self.late_after

    def _payload(self, reminder: Reminder, late: bool) -> dict[str, Any]:
        return late_payload(reminder.payload, reminder.due_at, self.zone) if late else reminder.payload

    async def _fire_personal(self, reminder: Reminder) -> int:
        """One person's reminder: queued (or muted) and marked, in one transaction."""
        late = self._late(reminder)
        async with self.db.transaction() as tx:
            if reminder.kind in await tx.reminders.muted(reminder.recipient):
                await tx.reminders.mark_fired(reminder.id, state="muted", late=late)
                self.counts["muted"] += 1
                return 0
            outbox_id = await tx.outbox.add(reminder.recipient, self._payload(reminder, late))
            if not await tx.reminders.mark_fired(reminder.id, late=late, outbox_id=outbox_id):
                raise RuntimeError("reminder fired twice")  # rolls the outbox row back
        self._count(late, 1)
        return 1

    async def _fire_audience(self, reminder: Reminder) -> int:
        """An audience's reminder: one row and one message per person, ``batch`` people
        per transaction (a person already fired is skipped), then the row is marked."""
        late = self._late(reminder)
        payload = self._payload(reminder, late)
        async with self.db.transaction() as tx:
            people = await self._audience(tx, reminder.audience)
            muted = await tx.reminders.muted_by(reminder.kind)
        queued = 0
        for start in range(0, len(people), self.batch):
            async with self.db.transaction() as tx:
                done = await tx.reminders.fired_to(reminder.id)  # before a crash
                for person in people[start:start + self.batch]:
                    if person in done:
                        continue
                    if person in muted:
                        await tx.reminders.add_fired(reminder, person, state="muted", late=late, outbox_id=None)
                        self.counts["muted"] += 1
                        continue
                    outbox_id = await tx.outbox.add(person, payload)
                    await tx.reminders.add_fired(reminder, person, state="sent", late=late, outbox_id=outbox_id)
                    queued += 1
        async with self.db.transaction() as tx:
            await tx.reminders.mark_fired(reminder.id, late=late)
        self._count(late, queued)
        log.info("reminders: %s fired to %d of %d people", reminder.subject, queued, len(people))
        if reminder.started_by and self.on_broadcast is not None:
            self.on_broadcast(reminder)
        return queued

    async def _audience(self, tx: Any, audience: str | None) -> list[str]:
        if audience in self.audiences:
            people = await self.audiences[audience](tx)
            return [p for p in people if p.split(":", 1)[0] in self.channels]
        return await tx.reminders.audience(audience or "", channels=self.channels)

    def _count(self, late: bool, queued: int) -> None:
        self.counts["fired"] += 1
        self.counts["queued"] += queued
        self.counts["late"] += int(late)


Say = Callable[[Msg, Any], Awaitable[Any]]  # (message, handle or None) -> handle: sends, then edits


async def report_progress(db: Database, reminder: Reminder, say: Say, *, every: float = 2.0) -> dict[str, int]:
    """Shows whoever sent ``reminder`` now how it goes: one message with the counts,
    edited as they change (at most every ``every`` s), ending with the final report
    (sent, unreachable, failed). The final counts."""
    handle, shown = None, None
    while True:
        async with db.transaction() as tx:
            counts = await tx.reminders.progress(reminder.id)
        done = counts["pending"] == 0
        msg = Msg("reminder.report" if done else "reminder.progress", {**counts, "total": sum(counts.values())})
        if msg != shown:
            handle, shown = await say(msg, handle), msg
        if done:
            return counts
        await asyncio.sleep(every)
