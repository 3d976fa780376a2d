"""The outbox sender: one loop per channel delivering messages queued for other people.

A dialog step queues messages with ``tx.outbox.add(recipient_key, payload)`` in its
own transaction (storage/repos/outbox.py); after the commit the channel calls
``sender.wake()``. The sender knows nothing of Telegram: it is given
``deliver(recipient_key, payload)``, which sends one message and

- returns once it is sent (only then is the row marked sent: at-least-once, so a
  message committed but not sent before a crash goes out after the restart);
- raises :class:`Unreachable` if the person cannot be reached (blocked the bot):
  they are marked unreachable and none of their messages is tried again;
- raises :class:`Rejected` if the channel refuses this message for good: it is
  marked failed and their next message goes;
- raises :class:`RetryLater` when the channel asks to slow down (Telegram: 429 with
  ``retry_after``): every send waits that long, then the same message is tried again;
- raises anything else for a passing failure: retried with exponential backoff.

Limits: every send first takes a slot from the :class:`SendLimiter` -- at most
``rate`` messages a second overall and one per ``chat_interval`` seconds to the same
person (settings BOT_BROADCAST_RATE, BOT_CHAT_RATE) -- so a broadcast of reminders
stays inside Telegram's limits instead of meeting them.

Order: one task per recipient delivers that person's queue oldest first and stops
at the first failure, so a later message never overtakes an earlier one. People
are served concurrently (at most ``concurrency`` at once). The loop sleeps until
woken, until the next retry is due, or ``idle_poll`` seconds (rows written by other
processes), never busy-waits, prunes old rows once a day, and stops cleanly.

Logs carry outbox ids, counts and exception type names only, never a payload or key.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from storage import Database, OutboxMessage
from storage.db import KEEP
from storage.times import Clock

from bot.send_limiter import SendLimiter

log = logging.getLogger(__name__)

Deliver = Callable[[str, dict[str, Any]], Awaitable[None]]
MIN_PAUSE = 0.05  # seconds: the shortest sleep when something looked due but was not fetched


class Unreachable(Exception):
    """The recipient cannot be reached on this channel (Telegram: 403, bot blocked)."""


class Rejected(Exception):
    """The channel refuses this message for good (e.g. it cannot be rendered or sent)."""


class RetryLater(Exception):
    """The channel asks every send to wait ``seconds`` (Telegram: 429 retry_after)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = max(float(seconds), 0.0)


def render_payload(payload: dict[str, Any], lang: str) -> str:
    """A payload's plain text in ``lang``; the one place that knows the payload codec
    (today a dialog reply as produced by ``dialogs.types.reply_to_json``)."""
    from dialogs.render import render
    from dialogs.types import reply_from_json

    return render(reply_from_json(payload), lang).text


class OutboxSender:
    """Delivers the ``channel``'s due outbox messages with ``deliver`` until stopped."""

    def __init__(
        self,
        db: Database,
        channel: str,
        deliver: Deliver,
        *,
        clock: Clock | None = None,
        concurrency: int = 16,
        per_recipient: int = 20,
        base_delay: float = 2.0,
        max_delay: float = 3600.0,
        max_attempts: int = 20,
        idle_poll: float = 30.0,
        prune_every: timedelta = timedelta(days=1),
        keep: timedelta = KEEP,
        limiter: SendLimiter | None = None,
        pace: bool = True,
        max_slowdowns: int = 10,
    ) -> None:
        self.db, self.channel, self._deliver = db, channel, deliver
        self._clock = clock or db.clock  # the database's clock: due times come from it
        self.concurrency, self.per_recipient = concurrency, per_recipient
        self.retry = {"base": base_delay, "cap": max_delay, "max_attempts": max_attempts}
        self.idle_poll, self.prune_every, self.keep = idle_poll, prune_every, keep
        # None: no spacing (tests, web); pace=False: deliver takes the slot itself, right before it
        # sends (after reading the recipient's language, so a busy database cannot bunch sends up)
        self.limiter, self.pace, self.max_slowdowns = limiter, pace, max_slowdowns
        self.counts = {"sent": 0, "retried": 0, "unreachable": 0, "failed": 0, "slowed": 0}
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._inflight: dict[str, asyncio.Task] = {}
        self._task: asyncio.Task | None = None
        self._last_prune: datetime | None = None

    def wake(self) -> None:
        """Look for due messages now (call after committing a step that queued some)."""
        self._wakeup.set()

    def start(self) -> None:
        """Runs the loop as a task of the running event loop."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name=f"outbox-{self.channel}")

    @property
    def running(self) -> bool:
        """True while the loop task runs."""
        return self._task is not None and not self._task.done()

    async def stop(self, timeout: float = 3.0) -> None:
        """Stops fetching, lets deliveries in hand finish for ``timeout`` s, then cancels
        them (a cancelled message stays pending and goes out after the restart). Idempotent."""
        self._stopping = True
        self.wake()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._finish_inflight(timeout)

    async def run(self) -> None:
        """The loop: fetch what is due, hand each recipient's queue to a task, sleep."""
        self._last_prune = self._clock()
        try:
            while not self._stopping:
                self._wakeup.clear()
                pause = await self._step()
                if self._stopping:
                    break
                if pause > 0:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), pause)
        finally:
            self._stopping = True

    async def _step(self) -> float:
        """One round; how long to sleep before the next one unless woken."""
        free = self.concurrency - len(self._inflight)
        try:
            async with self.db.transaction() as tx:
                batch = await tx.outbox.due(self.channel, recipients=free, per_recipient=self.per_recipient,
                                            exclude=tuple(self._inflight)) if free > 0 else []
                for recipient, messages in _by_recipient(batch).items():
                    self._spawn(recipient, messages)
                next_at = None
                if len(self._inflight) < self.concurrency:
                    next_at = await tx.outbox.next_due(self.channel, exclude=tuple(self._inflight))
            await self._maybe_prune()
        except Exception as exc:  # the database is busy or gone: try again later
            log.error("outbox %s: cannot read the queue: %s", self.channel, type(exc).__name__)
            return min(self.idle_poll, 5.0)
        if next_at is None:
            return self.idle_poll
        wait = (next_at - self._clock()).total_seconds()
        return min(max(wait, 0.0 if batch else MIN_PAUSE), self.idle_poll)

    def _spawn(self, recipient: str, messages: list[OutboxMessage]) -> None:
        task = asyncio.create_task(self._deliver_queue(messages))
        self._inflight[recipient] = task

        def done(finished: asyncio.Task, recipient: str = recipient) -> None:
            if self._inflight.get(recipient) is finished:
                del self._inflight[recipient]
            self.wake()  # the recipient may have more, or a slot is free

        task.add_done_callback(done)

    async def _deliver_queue(self, messages: list[OutboxMessage]) -> None:
        """One recipient's messages in order; stops at the first that is not delivered."""
        for message in messages:
            if self._stopping:
                return
            if not await self._deliver_one(message):
                return

    async def _send(self, message: OutboxMessage) -> None:
        """One send within the limits; a :class:`RetryLater` pauses every send and the
        same message is tried again (at most ``max_slowdowns`` times, then it is a
        passing failure)."""
        for _ in range(self.max_slowdowns):
            if self.limiter is not None and self.pace:
                await self.limiter.acquire(message.recipient)
            try:
                return await self._deliver(message.recipient, message.payload)
            except RetryLater as exc:
                self.counts["slowed"] += 1
                if self.limiter is not None:
                    self.limiter.pause(exc.seconds)
                else:
                    await asyncio.sleep(exc.seconds)
                log.info("outbox %s: asked to wait %.1f s", self.channel, exc.seconds)
        raise RetryLater(0)

    async def _deliver_one(self, message: OutboxMessage) -> bool:
        """Delivers and records one message; True if the queue may go on to the next."""
        try:
            await self._send(message)
        except asyncio.CancelledError:
            raise
        except Unreachable:
            stopped = await self._record(lambda tx: tx.outbox.mark_unreachable(message.id, error="Unreachable"))
            self.counts["unreachable"] += 1
            log.warning("outbox %s: message %d: recipient unreachable, %s message(s) stopped",
                        self.channel, message.id, stopped)
            return False
        except Rejected as exc:
            error = type(exc.__cause__ or exc).__name__
            await self._record(lambda tx: tx.outbox.mark_failed(message.id, error=error))
            self.counts["failed"] += 1
            log.warning("outbox %s: message %d refused (%s), given up", self.channel, message.id, error)
            return True
        except Exception as exc:  # a passing failure: back off and retry, in order
            error = type(exc).__name__
            after = await self._record(lambda tx: tx.outbox.mark_retry(message.id, error=error, **self.retry))
            if after is not None and after.state == "failed":
                self.counts["failed"] += 1
                log.warning("outbox %s: message %d failed %d times (%s), given up",
                            self.channel, message.id, after.attempts, error)
                return True
            self.counts["retried"] += 1
            log.info("outbox %s: message %d not delivered (%s), retried later", self.channel, message.id, error)
            return False
        if await self._record(lambda tx: tx.outbox.mark_sent(message.id)) is None:
            return False  # not recorded: it will be sent again (at-least-once), keep the order
        self.counts["sent"] += 1
        return True

    async def _record(self, change: Callable[[Any], Awaitable[Any]]) -> Any:
        """Runs ``change(tx)`` in its own transaction; None (logged) if that fails."""
        try:
            async with self.db.transaction() as tx:
                return await change(tx)
        except Exception as exc:
            log.error("outbox %s: cannot record a delivery: %s", self.channel, type(exc).__name__)
            return None

    async def _maybe_prune(self) -> None:
        now = self._clock()
        if self._last_prune is not None and now - self._last_prune < self.prune_every:
            return
        self._last_prune = now
        pruned = await self.db.prune(now, keep=self.keep)
        log.info("pruned %d processed update(s) and %d sent message(s)", pruned.updates, pruned.outbox)

    async def _finish_inflight(self, timeout: float) -> None:
        tasks = list(self._inflight.values())
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if pending:
            log.warning("outbox %s: %d delivery(ies) cut short at stop; they stay queued",
                        self.channel, len(pending))


def _by_recipient(batch: list[OutboxMessage]) -> dict[str, list[OutboxMessage]]:
    """The batch as each recipient's messages, in queue order."""
    grouped: dict[str, list[OutboxMessage]] = {}
    for message in batch:
        grouped.setdefault(message.recipient, []).append(message)
    return grouped
