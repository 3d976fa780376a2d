"""Database.run: steps queued together commit together, each one's failure its own."""
from __future__ import annotations

import asyncio

import pytest

from storage import StorageError


async def languages(db) -> dict[str, str]:
    async def read(tx):
        rows = await tx.sql.fetch_all("SELECT key, language FROM users ORDER BY key")
        return dict(rows)
    return await db.run(read)


async def test_steps_run_at_once_all_commit_in_order(db):
    async def add(i: int):
        async def step(tx):
            user = await tx.users.get_or_create(f"tg:{i}", language="en")
            return user.key
        return await db.run(step)

    keys = await asyncio.gather(*(add(i) for i in range(100)))
    assert keys == [f"tg:{i}" for i in range(100)]
    assert len(await languages(db)) == 100


async def test_read_modify_writes_in_one_batch_lose_no_update(db):
    await db.run(lambda tx: tx.sql.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
    await db.run(lambda tx: tx.sql.execute("INSERT INTO counter VALUES (1, 0)"))

    async def increment(tx):
        (n,) = await tx.sql.fetch_one("SELECT n FROM counter WHERE id = 1")
        await tx.sql.execute("UPDATE counter SET n = ? WHERE id = 1", (n + 1,))

    await asyncio.gather(*(db.run(increment) for _ in range(50)))
    assert await db.run(lambda tx: tx.sql.fetch_one("SELECT n FROM counter")) == (50,)


async def test_a_failing_step_is_undone_alone(db):
    async def good(tx, key):
        await tx.users.get_or_create(key, language="en")

    async def bad(tx):
        await tx.users.get_or_create("tg:2", language="en")
        raise RuntimeError("boom")

    async def duplicate(tx):
        await tx.sql.execute("INSERT INTO users (key, language, created_at) VALUES ('tg:1', 'en', 'x')")

    results = await asyncio.gather(db.run(lambda tx: good(tx, "tg:1")), db.run(bad), db.run(duplicate),
                                   db.run(lambda tx: good(tx, "tg:3")), return_exceptions=True)
    assert results[0] is None and results[3] is None
    assert isinstance(results[1], RuntimeError)
    assert isinstance(results[2], StorageError) and "database error" in str(results[2])
    assert sorted(await languages(db)) == ["tg:1", "tg:3"]


async def test_a_cancelled_caller_still_lets_the_others_through(db):
    async def add(tx, key):
        await tx.users.get_or_create(key, language="en")

    first = asyncio.ensure_future(db.run(lambda tx: add(tx, "tg:1")))
    second = asyncio.ensure_future(db.run(lambda tx: add(tx, "tg:2")))
    second.cancel()
    await first
    with pytest.raises(asyncio.CancelledError):
        await second
    assert "tg:1" in await languages(db)


async def test_run_inside_a_transaction_is_refused_not_deadlocked(db):
    async with db.transaction():
        with pytest.raises(StorageError, match="nested"):
            await db.run(lambda tx: tx.users.get("tg:1"))


async def test_a_closed_database_refuses_steps(db):
    await db.close()
    with pytest.raises(StorageError, match="closed"):
        await db.run(lambda tx: tx.users.get("tg:1"))


async def test_a_step_that_awaits_something_else_is_refused(db):
    async def sleeps(tx):
        await asyncio.sleep(0)

    with pytest.raises(StorageError, match="awaited something other"):
        await db.run(sleeps)
