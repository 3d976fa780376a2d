"""OutboxRepo: queue order per recipient, backoff, unreachable people, prune, and
payloads encrypted at rest (the raw file never holds a planted name)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from storage import Database, OutboxMessage, StorageError
from storage.repos.outbox import backoff

NAME = "欧阳秀兰"


def reply(text: str) -> dict:
    return {"text": text, "choices": [], "seq": None}  # any JSON object: storage does not read it


async def queue(db, *items: tuple[str, str]) -> list[int]:
    async with db.transaction() as tx:
        return [await tx.outbox.add(key, reply(text)) for key, text in items]


async def due(db, channel: str = "tg", **kwargs) -> list[OutboxMessage]:
    async with db.transaction() as tx:
        return await tx.outbox.due(channel, **kwargs)


def texts(messages: list[OutboxMessage]) -> list[tuple[str, str]]:
    return [(m.recipient, m.payload["text"]) for m in messages]


async def test_add_and_read_back(db, clock):
    [first] = await queue(db, ("tg:1", "hello"))
    async with db.transaction() as tx:
        message = await tx.outbox.get(first)
        assert await tx.outbox.get(first + 100) is None
    assert message.recipient == "tg:1" and message.channel == "tg" and message.state == "pending"
    assert message.payload == reply("hello") and message.attempts == 0
    assert message.created_at == message.next_attempt_at == clock() and message.sent_at is None


@pytest.mark.parametrize("key, payload, error", [
    ("12345", {}, ValueError), ("tg:1", ["not", "a", "dict"], TypeError),
    ("tg:1", {"when": object()}, TypeError),
])
async def test_add_validates(db, key, payload, error):
    with pytest.raises(error):
        async with db.transaction() as tx:
            await tx.outbox.add(key, payload)


async def test_due_is_per_channel_and_in_order_per_recipient(db):
    await queue(db, ("tg:1", "a1"), ("tg:2", "b1"), ("web:x", "w1"), ("tg:1", "a2"), ("tg:2", "b2"),
                ("tg:1", "a3"))
    assert texts(await due(db)) == [("tg:1", "a1"), ("tg:1", "a2"), ("tg:1", "a3"),
                                    ("tg:2", "b1"), ("tg:2", "b2")]
    assert texts(await due(db, "web")) == [("web:x", "w1")]
    assert texts(await due(db, per_recipient=2, recipients=1)) == [("tg:1", "a1"), ("tg:1", "a2")]
    assert texts(await due(db, exclude={"tg:1"})) == [("tg:2", "b1"), ("tg:2", "b2")]
    assert await due(db, exclude={"tg:1", "tg:2"}) == []
    assert await due(db, "console") == []


async def test_a_later_message_never_overtakes_an_earlier_one_waiting_for_a_retry(db, clock):
    a1, a2, b1 = await queue(db, ("tg:1", "a1"), ("tg:1", "a2"), ("tg:2", "b1"))
    async with db.transaction() as tx:
        retried = await tx.outbox.mark_retry(a1, error="TimedOut", base=10, cap=60)
        assert await tx.outbox.mark_sent(b1)
        assert await tx.outbox.next_due("tg") == clock() + timedelta(seconds=10)
    assert retried.attempts == 1 and retried.state == "pending" and retried.last_error == "TimedOut"
    assert await due(db) == []  # a2 is due, but a1 comes first and is not
    clock.advance(seconds=10)
    assert texts(await due(db)) == [("tg:1", "a1"), ("tg:1", "a2")]
    async with db.transaction() as tx:
        assert await tx.outbox.mark_sent(a1)
        assert not await tx.outbox.mark_sent(a1)  # once
        sent = await tx.outbox.get(a1)
    assert sent.state == "sent" and sent.sent_at == clock() and sent.attempts == 2
    assert sent.last_error is None
    assert [m.id for m in await due(db)] == [a2]


def test_backoff_doubles_up_to_the_cap():
    assert [backoff(n, 2, 60).total_seconds() for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    assert backoff(10_000, 2, 3600) == timedelta(hours=1)


async def test_retries_back_off_exponentially_then_fail(db, clock):
    [m], [n] = await queue(db, ("tg:1", "x")), await queue(db, ("tg:1", "y"))
    waits = []
    for _ in range(4):
        async with db.transaction() as tx:
            retried = await tx.outbox.mark_retry(m, base=2, cap=10, max_attempts=5)
        waits.append((retried.next_attempt_at - clock()).total_seconds())
        clock.advance(seconds=waits[-1])
    assert waits == [2, 4, 8, 10]
    async with db.transaction() as tx:
        failed = await tx.outbox.mark_retry(m, base=2, cap=10, max_attempts=5)
        assert await tx.outbox.mark_retry(m) is None  # not pending any more
    assert failed.state == "failed" and failed.attempts == 5
    assert [x.id for x in await due(db)] == [n]  # a failed message no longer holds the queue
    async with db.transaction() as tx:
        assert await tx.outbox.mark_failed(n, error="BadRequest")
        assert (await tx.outbox.counts("tg")) == {"failed": 2}


async def test_unreachable_stops_every_pending_message_of_that_person(db, clock):
    a1, a2, b1 = await queue(db, ("tg:1", "a1"), ("tg:1", "a2"), ("tg:2", "b1"))
    async with db.transaction() as tx:
        assert await tx.outbox.mark_unreachable(a1, error="Forbidden") == 2
        assert await tx.outbox.is_unreachable("tg:1") and not await tx.outbox.is_unreachable("tg:2")
        later = await tx.outbox.add("tg:1", reply("a3"))  # queued while blocked: kept, not tried
        assert await tx.outbox.next_due("tg") == clock()
    assert texts(await due(db)) == [("tg:2", "b1")]
    async with db.transaction() as tx:
        states = [(m.id, m.state) for m in await tx.outbox.list_for("tg:1")]
        assert (await tx.outbox.get(a1)).last_error == "Forbidden"
    assert states == [(a1, "unreachable"), (a2, "unreachable"), (later, "unreachable")]

    clock.advance(hours=1)  # they write to the bot again: their messages go out, in order
    async with db.transaction() as tx:
        assert await tx.outbox.mark_reachable("tg:1") == 3
        assert await tx.outbox.mark_reachable("tg:1") == 0
    assert texts(await due(db, exclude={"tg:2"})) == [("tg:1", "a1"), ("tg:1", "a2"), ("tg:1", "a3")]


async def test_prune_removes_only_old_sent_messages(db, clock):
    old_sent, old_pending = await queue(db, ("tg:1", "a"), ("tg:2", "b"))
    async with db.transaction() as tx:
        await tx.outbox.mark_sent(old_sent)
        await tx.updates.mark_processed(1, "tg:1")
    clock.advance(days=8)
    [new_sent] = await queue(db, ("tg:1", "c"))
    async with db.transaction() as tx:
        await tx.outbox.mark_sent(new_sent)
        await tx.updates.mark_processed(2, "tg:1")
    assert await db.prune(clock()) == (1, 1)
    assert await db.prune(clock()) == (0, 0)
    async with db.transaction() as tx:
        assert await tx.outbox.get(old_sent) is None
        assert (await tx.outbox.get(old_pending)).state == "pending"  # never pruned unsent
        assert (await tx.outbox.get(new_sent)).state == "sent"
        assert not await tx.updates.is_processed(1, "tg:1") and await tx.updates.is_processed(2, "tg:1")


async def test_ids_keep_growing_after_a_prune(db, clock):
    first, second = await queue(db, ("tg:1", "a"), ("tg:1", "b"))
    async with db.transaction() as tx:
        await tx.outbox.mark_sent(first)
        await tx.outbox.mark_sent(second)
    clock.advance(days=8)
    await db.prune(clock())
    [third] = await queue(db, ("tg:1", "c"))
    assert third > second


def raw_bytes(db_path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(db_path.parent.glob(db_path.name + "*")))


async def test_payload_is_encrypted_and_bound_to_its_recipient(db_path, cipher, clock):
    db = await Database.open(db_path, cipher, clock=clock)
    [m] = await queue(db, ("tg:77", f"{NAME}的申请已提交"))
    while_open = raw_bytes(db_path)
    async with db.transaction() as tx:
        await tx.conn.execute("UPDATE outbox SET recipient = 'tg:78' WHERE id = ?", (m,))
        with pytest.raises(StorageError):
            await tx.outbox.get(m)  # a payload moved to someone else does not decrypt
        await tx.conn.execute("UPDATE outbox SET recipient = 'tg:77' WHERE id = ?", (m,))
        assert NAME in (await tx.outbox.get(m)).payload["text"]
    await db.close()
    for needle in (NAME.encode("utf-8"), NAME.encode("unicode_escape"), NAME.encode("utf-16-le")):
        assert needle not in while_open and needle not in raw_bytes(db_path)
    assert b"tg:77" in raw_bytes(db_path)  # the recipient is in clear, as designed


async def test_a_row_that_does_not_decrypt_is_given_up_not_stalling_the_channel(db):
    a1, a2, b1 = await queue(db, ("tg:1", "a1"), ("tg:1", "a2"), ("tg:2", "b1"))
    async with db.transaction() as tx:  # a token moved from another recipient's row
        await tx.conn.execute("UPDATE outbox SET payload = (SELECT payload FROM outbox WHERE id = ?) "
                              "WHERE id = ?", (b1, a1))
    assert texts(await due(db)) == [("tg:2", "b1")]
    assert texts(await due(db)) == [("tg:1", "a2"), ("tg:2", "b1")]
    async with db.transaction() as tx:
        broken = (await tx.conn.execute_fetchall("SELECT state, last_error FROM outbox WHERE id = ?", (a1,)))
    assert [tuple(r) for r in broken] == [("failed", "undecryptable")]
