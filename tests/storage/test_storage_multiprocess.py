"""Two processes on one database file: the second writer waits, it does not fail."""
from __future__ import annotations

import asyncio
import sys
import time

import pytest

from storage import Database, StorageError

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO processed_updates (channel, update_id, user_key, processed_at) "
             "VALUES ('tg', 999, 'tg:9', '2025-01-01T00:00:00.000000+00:00')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""

WRITE_VIA_DATABASE = """
import asyncio, sys, time
from storage import Database, DataCipher

async def main():
    cipher = DataCipher(bytes.fromhex(sys.argv[2]))
    print("ready", flush=True)
    started = time.monotonic()
    db = await Database.open(sys.argv[1], cipher, busy_timeout=10)
    async with db.transaction() as tx:
        fresh = await tx.updates.mark_processed(777, "tg:7")
    await db.close()
    print(f"{time.monotonic() - started:.3f} {fresh}", flush=True)

asyncio.run(main())
"""


async def spawn(script: str, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_we_wait_for_another_process_holding_the_write_lock(db, db_path):
    proc = await spawn(HOLD_LOCK, str(db_path), "0.8")
    assert (await proc.stdout.readline()).strip() == b"locked"
    started = time.monotonic()
    async with db.transaction() as tx:
        waited = time.monotonic() - started
        assert await tx.updates.is_processed(999, "tg:9")  # we see its committed write
        assert await tx.updates.mark_processed(1000, "tg:1")
    assert await proc.wait() == 0
    assert waited >= 0.4


async def test_another_process_waits_for_our_transaction(db, db_path, cipher):
    async with db.transaction() as tx:
        await tx.updates.mark_processed(1, "tg:1")
        proc = await spawn(WRITE_VIA_DATABASE, str(db_path), bytes(range(32)).hex())
        assert (await asyncio.wait_for(proc.stdout.readline(), 10)).strip() == b"ready"
        await asyncio.sleep(0.6)  # hold the write lock while it tries
    out, err = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0, err.decode()
    elapsed, fresh = out.split()
    assert float(elapsed) >= 0.3 and fresh == b"True"
    async with db.transaction() as tx:
        assert await tx.updates.is_processed(777, "tg:7")


async def test_busy_timeout_expiry_is_a_clear_storage_error(db_path, cipher):
    async with await Database.open(db_path, cipher, busy_timeout=0.1) as db:
        proc = await spawn(HOLD_LOCK, str(db_path), "0.6")
        assert (await proc.stdout.readline()).strip() == b"locked"
        with pytest.raises(StorageError, match="database is busy"):
            async with db.transaction():
                pass
        assert await proc.wait() == 0
        async with db.transaction() as tx:  # usable again once the lock is gone
            assert await tx.updates.is_processed(999, "tg:9")
