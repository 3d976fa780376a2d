"""UpdateRepo: the update ids each channel already applied, so a redelivery is skipped.

Update ids are counted per channel (Telegram's and the web chat's both start at 1),
so the key is (channel, update_id), the channel being the user key's prefix.
"""
from __future__ import annotations

from datetime import datetime

from storage.models import channel_of
from storage.repos.base import Conn, fetch_one, run
from storage.times import Clock, to_db


class UpdateRepo:
    """Marks update ids processed (in the same transaction as their effects)."""

    def __init__(self, conn: Conn, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    async def mark_processed(self, update_id: int, user_key: str) -> bool:
        """Record update_id of user_key's channel; False if it was already processed
        (skip it then)."""
        return bool(
            await run(
                self._conn,
                "INSERT INTO processed_updates (channel, update_id, user_key, processed_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (channel_of(user_key), int(update_id), user_key, to_db(self._clock())),
            )
        )

    async def is_processed(self, update_id: int, user_key: str) -> bool:
        """True if update_id was recorded for user_key's channel."""
        row = await fetch_one(
            self._conn,
            "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?",
            (channel_of(user_key), int(update_id)),
        )
        return row is not None

    async def prune(self, older_than: datetime) -> int:
        """Forget updates processed before older_than; how many were removed."""
        return await run(
            self._conn,
            "DELETE FROM processed_updates WHERE processed_at < ?",
            (to_db(older_than),),
        )
