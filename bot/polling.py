"""Long polling that confirms an update to Telegram only once it has been handled.

PTB's Updater confirms the updates it fetched with its very next getUpdates call,
while they are still being handled. A bot killed at that moment (after the answer
was stored, before its reply was sent) would never see the update again, and the
person would wait for a reply that never comes. Here the offset sent to Telegram
is the lowest update still in hand, so Telegram re-delivers it after a crash; the
assistant recognises it by its ``update_id`` and sends the stored replies again
(``dialogs.assistant``). Updates of other people are not held up: each poll takes
the new ones and leaves the ones in hand unconfirmed.
"""
from __future__ import annotations

import asyncio
import contextlib

from telegram import Update
from telegram.ext import Application, ExtBot

# While updates are in hand, Telegram answers every poll at once with all of them again:
# the bot asks again when one is handled (at most POLL_PAUSE later), after a gap of
# GAP_PER_UPDATE per update that came back (at most POLL_GAP), so that a busy bot does
# not spend its time reading the same updates over and over.
POLL_PAUSE = 0.5
POLL_GAP = 0.1
GAP_PER_UPDATE = 0.002


class UpdateLedger:
    """The updates fetched from Telegram and not yet handled."""

    def __init__(self) -> None:
        self.in_hand: set[int] = set()
        self.last_fetched = 0
        self.handled_count = 0
        self._handled = asyncio.Event()

    def offset(self) -> int | None:
        """The getUpdates offset that confirms every handled update and nothing else."""
        if self.in_hand:
            return min(self.in_hand)
        return self.last_fetched + 1 if self.last_fetched else None

    def fetched(self, updates: tuple[Update, ...]) -> tuple[Update, ...]:
        """The updates not seen before (now in hand); those in hand come back until confirmed."""
        fresh = tuple(u for u in updates if u.update_id > self.last_fetched)
        for u in fresh:
            self.in_hand.add(u.update_id)
        if fresh:
            self.last_fetched = fresh[-1].update_id
        return fresh

    def handled(self, update_id: int) -> None:
        """An update is done with (replied to, or failed and apologised for)."""
        self.in_hand.discard(update_id)
        self.handled_count += 1
        self._handled.set()

    async def wait_handled(self, since: int, timeout: float) -> None:
        """Waits until an update is handled after ``since`` (a handled_count), at most ``timeout``."""
        if self.handled_count != since:
            return
        self._handled.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._handled.wait(), timeout)


class AckingBot(ExtBot):
    """An ExtBot whose getUpdates confirms only handled updates (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with self._unfrozen():  # PTB freezes its objects after __init__
            self.ledger = UpdateLedger()

    async def get_updates(self, offset=None, limit=None, timeout=None, allowed_updates=None, **kwargs):
        """New updates only; ``offset`` is ignored in favour of the ledger's. (The Updater's
        last call when it stops, with no timeout, drops what it gets: those stay unconfirmed.)"""
        while True:
            since = self.ledger.handled_count
            updates = await super().get_updates(offset=self.ledger.offset(), limit=limit, timeout=timeout,
                                                allowed_updates=allowed_updates, **kwargs)
            fresh = self.ledger.fetched(updates)
            if fresh or not updates or not timeout:
                return fresh
            # only updates in hand came back: ask again once one of them is handled
            gap = min(POLL_GAP, GAP_PER_UPDATE * len(updates))
            await asyncio.sleep(gap)
            await self.ledger.wait_handled(since, POLL_PAUSE - gap)

    async def confirm_handled(self, allowed_updates=None) -> None:
        """Tells Telegram which updates are handled (at stop, after the last one is)."""
        offset = self.ledger.offset()
        if offset is not None:
            await super().get_updates(offset=offset, limit=1, timeout=0, allowed_updates=allowed_updates)


class AckingApplication(Application):
    """An Application that tells its bot's ledger when an update is handled."""

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            if isinstance(update, Update) and isinstance(self.bot, AckingBot):
                self.bot.ledger.handled(update.update_id)
