"""Retention, run at start and once a day: a reminder a week before idle data goes,
then the purge (storage/retention.py), and the pruning of processed update ids and
sent outbox messages (``Database.prune``).

The reminder is an outbox message (sent by the channel's sender loop, in the person's
language: Telegram's, or the web chat's shown at the person's next visit); people on a
channel without a sender (the terminal) are not told, but their idle data goes all the
same. Logs carry counts only.

It runs in the Telegram bot and in the web chat (each with ``after``: the web chat drops
its own records of purged people, bot/web/retention.py), and once with ``python -m bot
retention`` (:func:`retention_once`, for a deployment with the terminal only, e.g. from
cron): the same run, the web chat's store tidied too if there is one.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import NamedTuple

from storage import Database, DataCipher, channel_of
from storage.retention import Purged, RetentionPolicy, mark_warned, purge, stale

from dialogs.types import Day, Msg, Reply, reply_to_json

from bot.settings import Settings

log = logging.getLogger(__name__)
DAY = 24 * 3600.0
SENT_TO = ("tg", "web")  # channels whose people get the reminder (each has an outbox sender)


class RetentionRun(NamedTuple):
    """What one run did."""

    warned: int
    purged: Purged
    pruned_updates: int
    pruned_outbox: int


async def run_retention(db: Database, policy: RetentionPolicy, *, channels: Collection[str] = SENT_TO) -> RetentionRun:
    """One run: reminders due, the purge, the pruning."""
    now = db.clock()
    warned = 0
    async with db.transaction() as tx:
        for item in await stale(tx, now, policy):
            if item.deleted_on <= now:  # idle past the period already (the bot was down): purged below, untold
                continue
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
    log.warning("retention: %d reminder(s), %d session(s) and %d draft(s) purged, %d account(s) with nothing "
                "left erased, %d update id(s) and %d sent message(s) pruned", warned, purged.sessions, purged.drafts,
                purged.people, pruned.updates, pruned.outbox)
    return RetentionRun(warned, purged, pruned.updates, pruned.outbox)


AfterRun = Callable[[RetentionRun], Awaitable[object]]


async def retention_loop(db: Database, policy: RetentionPolicy, *, wake: Callable[[], None] | None = None,
                         every: float = DAY, after: AfterRun | None = None) -> None:
    """Runs retention now and then every ``every`` seconds until cancelled; ``after``
    each run (a channel's own records of the purged)."""
    while True:
        try:
            done = await run_retention(db, policy)
            if done.warned and wake is not None:
                wake()
            if after is not None:
                await after(done)
        except Exception as exc:  # tried again tomorrow; never stops the bot
            log.error("retention run failed: %s", type(exc).__name__)
        await asyncio.sleep(every)


def start_retention(db: Database, days: int, wake: Callable[[], None] | None = None, *,
                    after: AfterRun | None = None, every: float = DAY) -> asyncio.Task:
    """The daily retention task (bot/telegram_main.py serve(), bot/web/channel.py);
    /privacy says the same period. Cancel it to stop (:func:`stop_retention`)."""
    from dialogs import privacy

    privacy.POLICY = policy = RetentionPolicy(days=days)
    return asyncio.get_running_loop().create_task(retention_loop(db, policy, wake=wake, every=every, after=after))


async def stop_retention(task: asyncio.Task | None) -> None:
    """Cancels the retention task and waits for it (a run in hand is rolled back)."""
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


async def retention_once(settings: Settings, *, announce: Callable[..., object] = print) -> int:
    """``python -m bot retention``: one run over the configured database (and the web
    chat's store next to it, if any); counts only on stdout. Its exit status."""
    from bot.web.retention import tidy_web_store_file

    cipher = DataCipher.from_settings(settings.data_key, settings.key_file)
    db = await Database.open(settings.database, cipher)
    try:
        done = await run_retention(db, RetentionPolicy(days=settings.retention_days))
        web = await tidy_web_store_file(settings.database, db, cipher, keep_days=settings.retention_days)
    finally:
        await db.close()
    announce(f"retention: {done.warned} reminder(s) queued, {done.purged.sessions} session(s) and "
             f"{done.purged.drafts} draft(s) purged, {done.purged.people} account(s) with nothing left erased, "
             f"{done.pruned_updates} update id(s) and "
             f"{done.pruned_outbox} sent message(s) pruned"
             + ("" if web is None else f", web chat records of {web} person(s) dropped"), flush=True)
    return 0
