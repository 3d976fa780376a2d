"""Opening what both channels share: the data key, the database, the assistant."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dialogs.assistant import Assistant
from storage import Database, DataCipher, user_key

from bot.settings import Settings


def clock_for(settings: Settings) -> Callable[[], dt.date]:
    """Today's date in the configured time zone (the one place that reads the clock)."""
    return lambda: dt.datetime.now(settings.timezone).date()


async def open_assistant(settings: Settings, *, today: Callable[[], dt.date] | None = None) -> Assistant:
    """Opens the database (migrating it) and returns the assistant over it."""
    cipher = DataCipher.from_settings(settings.data_key, settings.key_file)
    db = await Database.open(settings.database, cipher, synchronous=settings.database_sync)
    admins = frozenset(user_key("tg", i) for i in settings.admin_ids)
    return Assistant(db, today=today or clock_for(settings), edition=settings.edition,
                     default_language=settings.default_locale, admin_keys=admins)
