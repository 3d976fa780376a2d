"""The web channel's parts, opened and closed together: the assistant (as every
channel opens it), the web store next to the database, the outbox sender for
'web:' people, the rate limits and the notices waiting to be shown (per browser
session, in memory)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from storage import DataCipher

from bot.outbox import OutboxSender
from bot.settings import Settings
from bot.web.chat import WebChat
from bot.web.guard import Limits, RateLimit
from bot.web.store import WebStore
from bot.wiring import open_assistant

STORE_FILE = "web-chat.sqlite3"


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

    @classmethod
    async def open(cls, settings: Settings, *, today: Callable[[], dt.date] | None = None,
                   limits: Limits = Limits()) -> WebChannel:
        """Opens the bot's database (through :func:`bot.wiring.open_assistant`) and the web store."""
        assistant = await open_assistant(settings, today=today)
        try:
            cipher = DataCipher.from_settings(settings.data_key, settings.key_file)
            store = await WebStore.open(settings.database.parent / STORE_FILE, cipher)
        except BaseException:
            await assistant.db.close()
            raise
        channel = cls(settings, assistant, store, limits)
        channel.sender.start()
        return channel

    async def close(self) -> None:
        await self.sender.stop()
        await self.store.close()
        await self.assistant.db.close()
