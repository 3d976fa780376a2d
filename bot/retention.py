"""Retention, run at start and once a day: a reminder a week before idle data goes,
then the purge (storage/retention.py), and the pruning of processed update ids and
sent outbox messages (``Database.prune``).

The reminder is an outbox message (sent by the channel's sender loop, in the person's
language); people on a channel without a sender (the terminal) are not told, but
their idle data goes all the same. Logs carry counts only.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from typing import NamedTuple

from storage import Database, channel_of
from storage.retention import Purged, RetentionPolicy, mark_warned, purge, stale

from dialogs.types import Day, Msg, Reply, reply_to_json

log = logging.getLogger(__name__)
DAY = 24 * 3600.0


class RetentionRun(NamedTuple):
    """What one run did."""

    warned: int
    purged: Purged
    pruned_updates: int
    pruned_outbox: int


async def run_retention(db: Database, policy: RetentionPolicy, *, channels: Collection[str] = ("tg",)) -> RetentionRun:
    """One run: reminders due, the purge, the pruning."""
    now = db.clock()
    warned = 0
    async with db.transaction() as tx:
        for item in await stale(tx, now, policy):
            if item.reference is None:  # a session: told only if it holds answers
                session = await tx.sessions.load(item.recipient)
                worth = session is not None and any(session.state.get("flows", {}).values())
            else:
                worth = True
            if worth and channel_of(item.recipient) in channels:
                msg = (Msg("privacy.retention_draft", {"ref": item.reference, "day": Day(item.deleted_on.date())})
                       if item.reference else Msg("privacy.retention_session", {"day": Day(item.deleted_on.date())}))
                await tx.outbox.add(item.recipient, reply_to_json(Reply((msg,))))
                warned += 1
            await mark_warned(tx, item, now)
        purged = await purge(tx, now, policy)
    pruned = await db.prune(now)
    log.warning("retention: %d reminder(s), %d session(s) and %d draft(s) purged, %d update id(s) and "
                "%d sent message(s) pruned", warned, purged.sessions, purged.drafts, pruned.updates, pruned.outbox)
    return RetentionRun(warned, purged, pruned.updates, pruned.outbox)


async def retention_loop(db: Database, policy: RetentionPolicy, *, wake: Callable[[], None] | None = None,
                         every: float = DAY) -> None:
    """Runs retention now and then every ``every`` seconds until cancelled."""
    while True:
        try:
            done = await run_retention(db, policy)
            if done.warned and wake is not None:
                wake()
        except Exception as exc:  # tried again tomorrow; never stops the bot
            log.error("retention run failed: %s", type(exc).__name__)
        await asyncio.sleep(every)


def start_retention(db: Database, days: int, wake: Callable[[], None] | None = None) -> asyncio.Task:
    """The daily retention task (bot/telegram_main.py serve()); /privacy says the same period."""
    from dialogs import privacy

    privacy.POLICY = policy = RetentionPolicy(days=days)
    return asyncio.get_running_loop().create_task(retention_loop(db, policy, wake=wake))
