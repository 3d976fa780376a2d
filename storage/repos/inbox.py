"""InboxRepo: raw updates kept from their arrival until handled, and each person's
last replies with how many of them went out.

The update inbox makes confirming an update to Telegram safe at once: the update is
written here first (encrypted: it holds what the person typed), handled from memory,
and deleted once its replies are sent; a bot killed in between finds it here at the
next start (:meth:`InboxRepo.pending`) and handles it again. Applying it twice is
prevented elsewhere (``tx.updates.mark_processed``); sending a reply twice is prevented
here: the step stores its replies (:meth:`InboxRepo.keep_replies`), the channel counts
each one sent (:meth:`InboxRepo.reply_sent`), and a second handling gets only the
replies not yet sent (:meth:`InboxRepo.unsent_replies`).
"""
from __future__ import annotations

from typing import Any

from storage.crypto import DataCipher
from storage.models import check_user_key
from storage.repos.base import Conn, fetch_all, fetch_one, run
from storage.times import Clock, to_db


def inbox_aad(channel: str, update_id: int) -> bytes:
    """Binds a stored update to its channel and id."""
    return f"inbox:{channel}:{int(update_id)}".encode()


def replies_aad(user_key: str) -> bytes:
    """Binds stored replies to their person."""
    return b"replies:" + user_key.encode("utf-8")


class InboxRepo:
    """The update inbox and the last replies (see the module docstring)."""

    def __init__(self, conn: Conn, cipher: DataCipher, clock: Clock) -> None:
        self._conn = conn
        self._cipher = cipher
        self._clock = clock

    async def receive(self, channel: str, update_id: int, payload: dict[str, Any]) -> bool:
        """Keep a raw update until it is handled; False if it is already kept."""
        token = self._cipher.encrypt_json(payload, aad=inbox_aad(channel, update_id))
        return bool(await run(
            self._conn,
            "INSERT INTO update_inbox (channel, update_id, payload, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (channel, int(update_id), token, to_db(self._clock()))))

    async def pending(self, channel: str) -> list[tuple[int, dict[str, Any]]]:
        """The channel's updates not yet handled, oldest first, as (update_id, payload)."""
        rows = await fetch_all(
            self._conn, "SELECT update_id, payload FROM update_inbox WHERE channel = ? ORDER BY update_id",
            (channel,))
        return [(uid, self._cipher.decrypt_json(token, aad=inbox_aad(channel, uid))) for uid, token in rows]

    async def handled(self, channel: str, update_id: int) -> bool:
        """Forget a handled update; False if it was not kept."""
        return bool(await run(self._conn, "DELETE FROM update_inbox WHERE channel = ? AND update_id = ?",
                              (channel, int(update_id))))

    async def count(self, channel: str) -> int:
        """How many of the channel's updates wait to be handled."""
        row = await fetch_one(self._conn, "SELECT COUNT(*) FROM update_inbox WHERE channel = ?", (channel,))
        return int(row[0]) if row else 0

    async def keep_replies(self, user_key: str, update_id: int | None, replies: list[dict[str, Any]]) -> None:
        """Store the replies of ``user_key``'s update (none sent yet), replacing the last ones."""
        check_user_key(user_key)
        if update_id is None:
            await run(self._conn, "DELETE FROM last_replies WHERE user_key = ?", (user_key,))
            return
        token = self._cipher.encrypt_json(replies, aad=replies_aad(user_key))
        await run(
            self._conn,
            "INSERT INTO last_replies (user_key, update_id, replies, total, sent) VALUES (?, ?, ?, ?, 0) "
            "ON CONFLICT (user_key) DO UPDATE SET update_id = excluded.update_id, "
            "replies = excluded.replies, total = excluded.total, sent = 0",
            (user_key, int(update_id), token, len(replies)))

    async def unsent_replies(self, user_key: str, update_id: int) -> list[dict[str, Any]] | None:
        """The replies of ``update_id`` not sent yet (None: not the person's last update)."""
        row = await fetch_one(
            self._conn, "SELECT replies, sent, total FROM last_replies WHERE user_key = ? AND update_id = ?",
            (user_key, int(update_id)))
        if row is None:
            return None
        token, sent, total = row
        if sent >= total:
            return []
        return self._cipher.decrypt_json(token, aad=replies_aad(user_key))[sent:]

    async def reply_sent(self, user_key: str, update_id: int, *, all_of_them: bool = False, count: int = 1) -> bool:
        """Count ``count`` more replies of ``update_id`` as sent (several replies joined in one
        message), or every one; False if they were replaced."""
        sent = "total" if all_of_them else "CASE WHEN sent + ? < total THEN sent + ? ELSE total END"
        params = (user_key, int(update_id)) if all_of_them else (int(count), int(count), user_key, int(update_id))
        return bool(await run(
            self._conn, f"UPDATE last_replies SET sent = {sent} WHERE user_key = ? AND update_id = ?", params))
