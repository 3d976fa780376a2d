"""The web channel's parts, opened and closed together: the assistant (as every
channel opens it), the web store next to the database, the outbox sender for
'web:' people, the daily retention task (bot/retention.py, then the web store's own
share: bot/web/retention.py), the rate limits and the notices waiting to be shown
(per browser session, in memory)."""
from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

from storage import DataCipher

from bot.outbox import OutboxSender
from bot.retention import DAY, start_retention, stop_retention
from bot.settings import Settings
from bot.web.chat import WebChat
from bot.web.guard import Limits, RateLimit
from bot.web.retention import STORE_FILE, store_path, tidy_web_store
from bot.web.store import WebStore
from bot.wiring import open_assistant

__all__ = ["STORE_FILE", "WebChannel"]


class WebChannel:
    """Everything the routes use; open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, settings: Settings, assistant: Any, store: WebStore, limits: Limits):
        self.settings, self.assistant, self.store, self.limits = settings, assistant, store, limits
        self.chat = WebChat(assistant, store)
        self.steps = RateLimit(limits.step_rate, limits.step_burst)
        self.code_tries = RateLimit(limits.code_rate, limits.code_burst)
        self.code_tries_all = RateLimit(limits.code_global_rate, limits.code_global_burst)
        self.notices: dict[str, str] = {}
        self.sender = OutboxSender(assistant.db, "web", self.chat.deliver)
        assistant.on_outgoing = self.sender.wake  # after a step that queued messages is committed
        self.retention: asyncio.Task | None = None

    @classmethod
    async def open(cls, settings: Settings, *, today: Callable[[], dt.date] | None = None,
                   clock: Callable[[], dt.datetime] | None = None, limits: Limits = Limits(),
                   retention_every: float = DAY) -> WebChannel:
        """Opens the bot's database (through :func:`bot.wiring.open_assistant`) and the web
        store, and starts the outbox sender and the retention task (a run now, then every
        ``retention_every`` seconds). ``clock``: the database's (tests)."""
        assistant = await open_assistant(settings, today=today)
        if clock is not None:
            assistant.db.clock = clock
        try:
            cipher = DataCipher.from_settings(settings.data_key, settings.key_file)
            store = await WebStore.open(store_path(settings.database), cipher,
                                        now=lambda: assistant.db.clock().timestamp())
        except BaseException:
            await assistant.db.close()
            raise
        channel = cls(settings, assistant, store, limits)
        channel.sender.start()

        async def tidy(_run: object) -> int:  # the web store's share, after each run
            return await tidy_web_store(store, assistant.db, keep_days=settings.retention_days)

        channel.retention = start_retention(assistant.db, settings.retention_days, channel.sender.wake,
                                            after=tidy, every=retention_every)
        return channel

    async def close(self) -> None:
        await stop_retention(self.retention)
        await self.sender.stop()
        await self.store.close()
        await self.assistant.db.close()
