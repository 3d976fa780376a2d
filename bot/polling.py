"""Updates kept in the database's inbox before Telegram is told they arrived.

PTB's Updater confirms the updates it fetched with its very next getUpdates call,
while they may still be in hand. Here each update is written to the update inbox
(``tx.inbox``, encrypted) before Telegram is told it arrived: :class:`InboxBot` queues
the write of every batch it fetches (one transaction) before handing the batch on, and
waits for it before the next poll (the one that confirms it); the batch's own dialog
steps are queued after that write, so they commit with it or after it (group commit,
storage/group_commit.py) and a person's answer never waits for its own write first.
:class:`InboxQueue` writes an update that comes another way (a webhook: before
Telegram gets its 200). The channel deletes an update from the
inbox once its replies are sent (``Inbox.done``); at the next start the ones left
(a crash, a kill) are handled again first (``Inbox.replay``), the assistant
recognising those it already applied by their ``update_id``. Every poll therefore
confirms everything fetched: no update is downloaded twice.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

from storage import Database

log = logging.getLogger(__name__)
CHANNEL = "tg"
RECENT = 10_000  # update ids remembered to drop a second copy (a replay Telegram also re-sends)


class Inbox:
    """The Telegram channel's view of the update inbox."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._recent: OrderedDict[int, None] = OrderedDict()
        self.kept: set[int] = set()  # fetched and kept by the bot, on their way to the queue
        self.keeping: tuple[list[Update], asyncio.Future] | None = None  # the last batch, being written

    def first_time(self, update_id: int) -> bool:
        """False for an update already taken in by this process (a second copy)."""
        if update_id in self._recent:
            return False
        self._recent[update_id] = None
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return True

    async def keep(self, updates: list[Update]) -> None:
        """Writes updates to the inbox in one transaction."""
        future = self.keep_soon(updates)
        if future is not None:
            await future

    def keep_soon(self, updates: list[Update], raw: dict[int, dict] | None = None) -> asyncio.Future | None:
        """Queues the write of ``updates`` (ahead of any step queued later); its future.
        ``raw``: the JSON Telegram sent for them, by update id, kept as it came (PTB's
        ``to_dict`` rebuilt it from the parsed objects, a tenth of a send's CPU)."""
        raw = raw or {}
        rows = [(u.update_id, raw.get(u.update_id) or u.to_dict()) for u in updates]

        async def write(tx):
            for update_id, payload in rows:
                await tx.inbox.receive(CHANNEL, update_id, payload)
        return self.db.submit(write) if rows else None

    async def written(self) -> None:
        """Waits until the last batch fetched is in the inbox (written again if that failed:
        raising, nothing more is fetched, so nothing unwritten is confirmed)."""
        if self.keeping is None:
            return
        updates, future = self.keeping
        try:
            await future
        except Exception as exc:
            log.warning("updates not kept in the inbox (%s): trying again", type(exc).__name__)
            await self.keep(updates)
        self.keeping = None

    async def done(self, update_id: int, user_key: str | None = None) -> None:
        """The update is handled and its replies sent: forget it (and count the replies sent)."""
        async def finish(tx):
            if user_key is not None:
                await tx.inbox.reply_sent(user_key, update_id, all_of_them=True)
            await tx.inbox.handled(CHANNEL, update_id)
        await self.db.run(finish)

    async def replay(self, bot, queue: asyncio.Queue) -> int:
        """Puts the updates left in the inbox (oldest first) in the queue; how many."""
        pending = await self.db.run(lambda tx: tx.inbox.pending(CHANNEL))
        for _, payload in pending:
            update = Update.de_json(payload, bot)
            self.first_time(update.update_id)
            await asyncio.Queue.put(queue, update)
        if pending:
            log.warning("handling %d update(s) left from the last run", len(pending))
        return len(pending)


class InboxBot(ExtBot):
    """An ExtBot whose getUpdates queues the write of what it fetched to the inbox and
    waits for it before the next poll confirms it."""

    inbox: Inbox | None = None
    _fetched: list | None = None  # the JSON of the last getUpdates, as Telegram sent it

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and self.inbox is not None:
            with self._unfrozen():
                self._fetched = result if isinstance(result, list) else None
        return result

    async def post_json(self, endpoint: str, params: dict[str, Any]) -> Any:
        """A Bot API call with plain JSON both ways, through the rate limiter like every
        call: what ``do_api_request`` does, without its warning for a method PTB has
        (bot.telegram_app sends messages so, building no PTB objects it would not read)."""
        return await self._post(endpoint, dict(params))

    def attach(self, inbox: Inbox) -> None:
        with self._unfrozen():  # PTB freezes its objects after __init__
            self.inbox = inbox

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        if self.inbox is None:
            return await super().get_updates(*args, **kwargs)
        await self.inbox.written()  # this poll confirms the last batch: it must be in the inbox
        updates = await super().get_updates(*args, **kwargs)
        fresh = tuple(u for u in updates if self.inbox.first_time(u.update_id))
        raw = {item.get("update_id"): item for item in self._fetched or () if isinstance(item, dict)}
        future = self.inbox.keep_soon(list(fresh), raw)
        if future is not None:
            self.inbox.keeping = (list(fresh), future)
        self.inbox.kept.update(u.update_id for u in fresh)
        return fresh


class InboxQueue(asyncio.Queue):
    """The application's update queue; an update not yet in the inbox (a webhook's)
    is written there before it is queued."""

    inbox: Inbox | None = None

    async def put(self, item: object) -> None:
        inbox = self.inbox
        if isinstance(item, Update) and inbox is not None:
            if item.update_id in inbox.kept:
                inbox.kept.discard(item.update_id)
            elif inbox.first_time(item.update_id):
                await inbox.keep([item])
            else:
                return  # a second copy of an update in hand
        await super().put(item)
