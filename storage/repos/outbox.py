"""OutboxRepo: messages to other people, queued in the step's transaction, sent later.

A step that tells someone else something (a reviewer of a submission, an applicant
of a return, a reminder) calls ``await tx.outbox.add(recipient_key, payload)`` in
its own transaction; a sender loop per channel (bot/outbox.py) fetches what is due,
delivers it outside any transaction and marks it sent afterwards (at-least-once).

Order: each recipient's messages go out in id order; a later message is never
handed out while an earlier one of the same recipient is still pending (waiting
for a retry included). Failed and unreachable messages no longer hold the queue.

States: ``pending`` -> ``sent``; ``pending`` -> ``failed`` (rejected, or too many
attempts); ``pending`` -> ``unreachable`` (the person blocked the bot: all their
pending messages stop, and new ones are stored as unreachable, until
:meth:`OutboxRepo.mark_reachable` when they write again).
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from storage.crypto import DataCipher
from storage.errors import StorageError
from storage.models import OutboxMessage, channel_of, check_user_key
from storage.repos.base import Conn, Row, fetch_all, fetch_one, placeholders, run
from storage.times import Clock, from_db, to_db

_COLUMNS = (
    "id, recipient, channel, payload, created_at, attempts, next_attempt_at, sent_at, "
    "state, last_error"
)


def payload_aad(recipient: str) -> bytes:
    """Binds a payload token to its recipient, so it cannot be moved to someone else."""
    return b"outbox:" + recipient.encode("utf-8")


def backoff(attempts: int, base: float, cap: float) -> timedelta:
    """The wait after the ``attempts``-th failed try: base, 2*base, 4*base ... at most cap."""
    exponent = min(max(attempts - 1, 0), 60)
    return timedelta(seconds=min(base * 2.0**exponent, cap))


class OutboxRepo:
    """The durable queue of messages to people other than the one being answered."""

    def __init__(self, conn: Conn, cipher: DataCipher, clock: Clock) -> None:
        self._conn = conn
        self._cipher = cipher
        self._clock = clock

    async def add(self, recipient_key: str, payload: dict[str, Any]) -> int:
        """Queue payload (plain JSON, e.g. a dialog reply) for recipient_key; its id.

        Due at once; stored as ``unreachable`` if the recipient is marked so."""
        channel = channel_of(recipient_key)
        if not isinstance(payload, dict):
            raise TypeError("outbox payload must be a dict")
        token = self._cipher.encrypt_json(payload, aad=payload_aad(recipient_key))
        now = to_db(self._clock())
        state = "unreachable" if await self.is_unreachable(recipient_key) else "pending"
        row = await fetch_one(
            self._conn,
            "INSERT INTO outbox (recipient, channel, payload, created_at, attempts, "
            "next_attempt_at, state) VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id",
            (recipient_key, channel, token, now, now, state),
        )
        assert row is not None
        return int(row[0])

    async def get(self, message_id: int) -> OutboxMessage | None:
        """One message by id, or None."""
        row = await fetch_one(
            self._conn, f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (int(message_id),)
        )
        return self._message(row) if row else None

    async def list_for(self, recipient_key: str) -> list[OutboxMessage]:
        """Every stored message to recipient_key, oldest first."""
        check_user_key(recipient_key)
        rows = await fetch_all(
            self._conn,
            f"SELECT {_COLUMNS} FROM outbox WHERE recipient = ? ORDER BY id",
            (recipient_key,),
        )
        return [self._message(row) for row in rows]

    async def due(
        self,
        channel: str,
        *,
        recipients: int = 50,
        per_recipient: int = 20,
        exclude: Collection[str] = (),
    ) -> list[OutboxMessage]:
        """What a channel's sender may deliver now, grouped by recipient in queue order.

        At most ``recipients`` people whose oldest pending message is due (earliest
        due first), and for each at most ``per_recipient`` of their pending messages,
        oldest first. People in ``exclude`` (being delivered to) are left out."""
        skip = f"AND h.recipient NOT IN ({placeholders(len(exclude))})" if exclude else ""
        rows = await fetch_all(
            self._conn,
            f"""
            WITH heads AS (
                SELECT recipient, MIN(id) AS head_id FROM outbox
                WHERE channel = ? AND state = 'pending' GROUP BY recipient
            ), chosen AS (
                SELECT h.recipient FROM heads h JOIN outbox o ON o.id = h.head_id
                WHERE o.next_attempt_at <= ? {skip}
                ORDER BY o.next_attempt_at, h.head_id LIMIT ?
            ), queued AS (
                SELECT o.id, ROW_NUMBER() OVER (PARTITION BY o.recipient ORDER BY o.id) AS pos
                FROM outbox o JOIN chosen c ON c.recipient = o.recipient
                WHERE o.state = 'pending'
            )
            SELECT {_COLUMNS} FROM outbox WHERE id IN (SELECT id FROM queued WHERE pos <= ?)
            ORDER BY recipient, id
            """,
            (channel, to_db(self._clock()), *exclude, int(recipients), int(per_recipient)),
        )
        return await self._readable(rows)

    async def _readable(self, rows: list[Row]) -> list[OutboxMessage]:
        """The rows as messages; one that cannot be decrypted (tampered with, moved) is
        marked failed instead of stalling the channel, and its recipient waits a round."""
        messages, broken = [], set()
        for row in rows:
            if row[1] in broken:
                continue
            try:
                messages.append(self._message(row))
            except StorageError:
                broken.add(row[1])
                await run(
                    self._conn,
                    "UPDATE outbox SET state = 'failed', last_error = 'undecryptable' WHERE id = ?",
                    (row[0],),
                )
        return [m for m in messages if m.recipient not in broken]

    async def next_due(self, channel: str, *, exclude: Collection[str] = ()) -> datetime | None:
        """When the channel's earliest pending queue head is due (None if nothing is pending)."""
        skip = f"AND recipient NOT IN ({placeholders(len(exclude))})" if exclude else ""
        row = await fetch_one(
            self._conn,
            f"""
            SELECT MIN(o.next_attempt_at) FROM outbox o JOIN (
                SELECT MIN(id) AS head_id FROM outbox
                WHERE channel = ? AND state = 'pending' {skip} GROUP BY recipient
            ) h ON o.id = h.head_id
            """,
            (channel, *exclude),
        )
        return from_db(row[0]) if row and row[0] is not None else None

    async def mark_sent(self, message_id: int) -> bool:
        """The message was delivered; False if it was not pending any more."""
        return bool(
            await run(
                self._conn,
                "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE id = ? AND state = 'pending'",
                (to_db(self._clock()), int(message_id)),
            )
        )

    async def mark_retry(
        self,
        message_id: int,
        *,
        error: str | None = None,
        base: float = 2.0,
        cap: float = 3600.0,
        max_attempts: int = 20,
    ) -> OutboxMessage | None:
        """A delivery failed: attempts+1 and next_attempt_at after an exponential
        backoff, or ``failed`` once max_attempts are used. ``error`` is a type name,
        never a message. The message as it is now (None if it was not pending)."""
        message = await self.get(message_id)
        if message is None or message.state != "pending":
            return None
        attempts = message.attempts + 1
        now = self._clock()
        state = "failed" if attempts >= max_attempts else "pending"
        await run(
            self._conn,
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, state = ?, last_error = ? "
            "WHERE id = ?",
            (attempts, to_db(now + backoff(attempts, base, cap)), state, error, int(message_id)),
        )
        return await self.get(message_id)

    async def mark_failed(self, message_id: int, *, error: str | None = None) -> bool:
        """Give the message up (the channel refused it for good); the queue moves on."""
        return bool(
            await run(
                self._conn,
                "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? "
                "WHERE id = ? AND state = 'pending'",
                (error, int(message_id)),
            )
        )

    async def mark_unreachable(self, message_id: int, *, error: str | None = None) -> int:
        """The message's recipient cannot be reached (blocked the bot): they are marked
        unreachable and none of their pending messages is tried again. How many
        messages stopped (0 if the message is unknown)."""
        message = await self.get(message_id)
        if message is None:
            return 0
        await run(
            self._conn,
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error, int(message_id)),
        )
        return await self.set_unreachable(message.recipient)

    async def set_unreachable(self, recipient_key: str) -> int:
        """Mark recipient_key unreachable and stop their pending messages; how many."""
        check_user_key(recipient_key)
        await run(
            self._conn,
            "INSERT INTO unreachable_recipients (user_key, since) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            (recipient_key, to_db(self._clock())),
        )
        return await run(
            self._conn,
            "UPDATE outbox SET state = 'unreachable' WHERE recipient = ? AND state = 'pending'",
            (recipient_key,),
        )

    async def is_unreachable(self, recipient_key: str) -> bool:
        """True if recipient_key is marked unreachable."""
        check_user_key(recipient_key)
        row = await fetch_one(
            self._conn, "SELECT 1 FROM unreachable_recipients WHERE user_key = ?", (recipient_key,)
        )
        return row is not None

    async def mark_reachable(self, recipient_key: str) -> int:
        """The person wrote again (so unblocked the bot): clear the mark and queue their
        stopped messages again, in their order, due now. How many were queued again."""
        check_user_key(recipient_key)
        if not await run(
            self._conn, "DELETE FROM unreachable_recipients WHERE user_key = ?", (recipient_key,)
        ):
            return 0
        return await run(
            self._conn,
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, "
            "last_error = NULL WHERE recipient = ? AND state = 'unreachable'",
            (to_db(self._clock()), recipient_key),
        )

    async def counts(self, channel: str | None = None) -> dict[str, int]:
        """How many messages are in each state (of one channel, or all)."""
        where, params = ("WHERE channel = ?", (channel,)) if channel else ("", ())
        rows = await fetch_all(
            self._conn, f"SELECT state, COUNT(*) FROM outbox {where} GROUP BY state", params
        )
        return {state: int(count) for state, count in rows}

    async def prune_sent(self, older_than: datetime) -> int:
        """Delete messages sent before older_than; how many were removed."""
        return await run(
            self._conn,
            "DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?",
            (to_db(older_than),),
        )

    def _message(self, row: Row) -> OutboxMessage:
        (message_id, recipient, channel, token, created_at, attempts, next_at, sent_at,
         state, last_error) = row
        return OutboxMessage(
            id=message_id, recipient=recipient, channel=channel,
            payload=self._cipher.decrypt_json(token, aad=payload_aad(recipient)),
            created_at=from_db(created_at), attempts=attempts, next_attempt_at=from_db(next_at),
            sent_at=from_db(sent_at) if sent_at else None, state=state, last_error=last_error,
        )
