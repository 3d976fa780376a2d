"""transaction(): commit, rollback, one writer at a time, no interleaving."""
from __future__ import annotations

import asyncio

import pytest

from storage import StorageError


async def count_users(db) -> int:
    async with db.transaction() as tx:
        async with tx.conn.execute("SELECT count(*) FROM users") as cursor:
            return (await cursor.fetchone())[0]


async def test_commit_on_normal_exit(db):
    async with db.transaction() as tx:
        await tx.users.get_or_create("tg:1", language="zh_CN")
    assert await count_users(db) == 1


async def test_rollback_on_exception(db):
    with pytest.raises(RuntimeError, match="boom"):
        async with db.transaction() as tx:
            await tx.users.get_or_create("tg:1", language="zh_CN")
            await tx.users.grant_role("tg:1", "admin")
            raise RuntimeError("boom")
    assert await count_users(db) == 0
    async with db.transaction() as tx:
        assert await tx.users.list_with_role("admin") == []


async def test_sqlite_errors_become_storage_errors_and_roll_back(db):
    with pytest.raises(StorageError, match="database error"):
        async with db.transaction() as tx:
            await tx.users.get_or_create("tg:1", language="en")
            await tx.conn.execute("INSERT INTO users (key, language, created_at) VALUES ('tg:1', 'en', 'x')")
    assert await count_users(db) == 0


async def test_cancelled_transaction_rolls_back_and_frees_the_lock(db):
    entered = asyncio.Event()

    async def slow():
        async with db.transaction() as tx:
            await tx.users.get_or_create("tg:1", language="en")
            entered.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(slow())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await count_users(db) == 0


async def test_nested_transaction_is_refused_not_deadlocked(db):
    async with db.transaction():
        with pytest.raises(StorageError, match="nested"):
            async with db.transaction():
                pass


async def test_closed_database_refuses_transactions(db):
    await db.close()
    await db.close()  # idempotent
    with pytest.raises(StorageError, match="closed"):
        async with db.transaction():
            pass


async def test_fifty_read_modify_writes_lose_no_update(db):
    async with db.transaction() as tx:
        await tx.conn.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        await tx.conn.execute("INSERT INTO counter VALUES (1, 0)")

    async def increment():
        async with db.transaction() as tx:
            async with tx.conn.execute("SELECT n FROM counter WHERE id = 1") as cursor:
                (n,) = await cursor.fetchone()
            await asyncio.sleep(0)  # let every other coroutine try to get in
            await tx.conn.execute("UPDATE counter SET n = ? WHERE id = 1", (n + 1,))

    await asyncio.gather(*(increment() for _ in range(50)))
    async with db.transaction() as tx:
        async with tx.conn.execute("SELECT n FROM counter") as cursor:
            assert (await cursor.fetchone())[0] == 50


async def test_transactions_never_interleave(db):
    async with db.transaction() as tx:
        await tx.conn.execute("CREATE TABLE trace (seq INTEGER PRIMARY KEY, worker INTEGER)")
    events: list[tuple[str, int]] = []

    async def worker(i: int):
        async with db.transaction() as tx:
            events.append(("begin", i))
            for _ in range(3):
                await tx.conn.execute("INSERT INTO trace (worker) VALUES (?)", (i,))
                await asyncio.sleep(0)
            events.append(("end", i))

    await asyncio.gather(*(worker(i) for i in range(20)))
    assert len(events) == 40
    for begin, end in zip(events[::2], events[1::2]):
        assert begin[0] == "begin" and end == ("end", begin[1])
    async with db.transaction() as tx:
        async with tx.conn.execute("SELECT worker FROM trace ORDER BY seq") as cursor:
            workers = [row[0] for row in await cursor.fetchall()]
    assert workers == [w for _, w in events[::2] for _ in range(3)]
