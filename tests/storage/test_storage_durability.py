"""synchronous="RECORDS": a commit of the conversation alone does not wait for the disk;
one that writes a record (the audit log, a consent, a draft...) is synced before its
callers hear of it. Checked on the real file: the sync marker and the connection's
level, and (where strace can watch the process) the fsync calls themselves."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storage import Database
from storage.durability import writes_record

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("sql, record", [
    ("SELECT key FROM users WHERE key = ?", False),
    ("  UPDATE dialog_sessions SET state = ? WHERE user_key = ?", False),
    ("INSERT INTO update_inbox (channel, update_id) VALUES (?, ?) ON CONFLICT DO NOTHING", False),
    ("DELETE FROM last_replies WHERE user_key = ?", False),
    ("insert into users (key) values (?)", False),
    ("SAVEPOINT step", False),
    ("WITH heads AS (SELECT 1) SELECT * FROM heads", False),
    ("INSERT INTO audit_log (at, actor) VALUES (?, ?) RETURNING id", True),
    ("UPDATE drafts SET status = ? WHERE reference = ?", True),
    ("DELETE FROM consents WHERE subject = ?", True),
    ("INSERT OR REPLACE INTO reminders VALUES (?)", True),
    ("WITH x AS (SELECT 1) DELETE FROM outbox WHERE id IN x", True),
    ("CREATE TABLE t (x)", True),
])
def test_what_counts_as_a_record(sql, record):
    assert writes_record(sql) is record


async def synced_at(db: Database) -> bytes | None:
    async with db.transaction() as tx:
        row = await tx.sql.fetch_one("SELECT value FROM meta WHERE name = 'synced_at'")
    return row[0] if row else None


async def level(db: Database) -> int:
    async with db.transaction() as tx:
        async with tx.conn.execute("PRAGMA synchronous") as cursor:
            return (await cursor.fetchone())[0]


async def test_records_mode_syncs_after_a_record_only(db_path, cipher, clock):
    db = await Database.open(db_path, cipher, clock=clock, synchronous="RECORDS")
    try:
        assert await level(db) == 1  # NORMAL between syncs
        opened = await synced_at(db)  # the migrations at open are synced
        assert opened is not None
        clock.advance(minutes=1)
        await db.run(lambda tx: tx.users.get_or_create("tg:1", language="zh_CN"))  # the conversation only
        assert await synced_at(db) == opened
        clock.advance(minutes=1)

        async def consent(tx):
            await tx.users.get_or_create("tg:2", language="zh_CN")
            await tx.audit.add("tg:2", "consent_given", "tg:2", after="form:1", at=clock())
        await db.run(consent)  # a record: synced before run() returns
        assert await synced_at(db) == clock().isoformat().encode()
        assert await level(db) == 1
        clock.advance(minutes=1)
        async with db.transaction() as tx:  # the other path, a staff command's transaction
            await tx.audit.add("tg:admin", "role_granted", "tg:3", at=clock())
        assert await synced_at(db) == clock().isoformat().encode()
    finally:
        await db.close()


async def test_full_mode_syncs_every_commit_itself(db_path, cipher, clock):
    db = await Database.open(db_path, cipher, clock=clock)  # FULL, the default
    try:
        assert await level(db) == 2
        await db.run(lambda tx: tx.audit.add("tg:2", "consent_given", "tg:2", at=clock()))
        assert await synced_at(db) is None  # no extra transaction: SQLite syncs each commit
    finally:
        await db.close()


async def test_unknown_mode_is_refused(db_path, cipher):
    with pytest.raises(ValueError, match="synchronous must be one of"):
        await Database.open(db_path, cipher, synchronous="SOMETIMES")


WATCHED = textwrap.dedent("""
    import asyncio, datetime, os, sys
    from storage import Database, DataCipher

    def mark(text):
        os.write(2, f"@@{text}\\n".encode())

    async def main():
        db = await Database.open(sys.argv[1], DataCipher(bytes(range(32))), synchronous="RECORDS")
        mark("conversation")
        for i in range(5):
            await db.run(lambda tx, i=i: tx.users.get_or_create(f"tg:{i}", language="zh_CN"))
        mark("record")
        await db.run(lambda tx: tx.audit.add("tg:1", "consent_given", "tg:1",
                                            at=datetime.datetime.now(datetime.timezone.utc)))
        mark("end")
        await db.close()

    asyncio.run(main())
""")


@pytest.mark.slow
def test_only_records_wait_for_the_disk(tmp_path):
    """The fsync calls themselves, seen by strace: none for five conversation commits,
    at least one for the commit that writes to the audit log."""
    strace = shutil.which("strace")
    if strace is None or subprocess.run([strace, "-o", "/dev/null", "true"], capture_output=True).returncode:
        pytest.skip("strace cannot watch a process here")
    script = tmp_path / "watched.py"
    script.write_text(WATCHED)
    log = tmp_path / "strace.txt"
    subprocess.run([strace, "-f", "-e", "trace=fsync,fdatasync,write", "-o", str(log), sys.executable, str(script),
                    str(tmp_path / "db.sqlite3")], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=60)
    phase, syncs = None, {"conversation": 0, "record": 0}
    for line in log.read_text().splitlines():
        if '"@@' in line:
            phase = line.split('"@@', 1)[1].split("\\n", 1)[0]
        elif phase in syncs and ("fsync(" in line or "fdatasync(" in line) and "= 0" in line:
            syncs[phase] += 1
    assert syncs["conversation"] == 0
    assert syncs["record"] >= 1
