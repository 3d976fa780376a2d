"""UpdateRepo: Telegram update ids already applied, so a redelivery is skipped."""
from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.models import check_user_key
from storage.repos.base import fetch_one, run
from storage.times import Clock, to_db


class UpdateRepo:
    """Marks update ids processed (in the same transaction as their effects)."""

    def __init__(self, conn: aiosqlite.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    async def mark_processed(self, update_id: int, user_key: str) -> bool:
        """Record update_id; False if it was already processed (skip it then)."""
        check_user_key(user_key)
        return bool(
            await run(
                self._conn,
                "INSERT OR IGNORE INTO processed_updates (update_id, user_key, processed_at) "
                "VALUES (?, ?, ?)",
                (int(update_id), user_key, to_db(self._clock())),
            )
        )

    async def is_processed(self, update_id: int) -> bool:
        """True if update_id was recorded."""
        row = await fetch_one(
            self._conn, "SELECT 1 FROM processed_updates WHERE update_id = ?", (int(update_id),)
        )
        return row is not None

    async def prune(self, older_than: datetime) -> int:
        """Forget updates processed before older_than; how many were removed."""
        return await run(
            self._conn,
            "DELETE FROM processed_updates WHERE processed_at < ?",
            (to_db(older_than),),
        )
