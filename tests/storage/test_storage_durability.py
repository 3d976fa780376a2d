"""synchronous="RECORDS": a commit of the conversation alone does not wait for the disk;
one that writes a record (the audit log, a consent, a draft...) is synced before its
callers hear of it. Checked on the real file: the connection's level, the syncs made,
and (where strace can watch the process) the fsync calls themselves."""
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
    ("/* conversation */ INSERT INTO consents (subject) VALUES (?)", False),
    ("INSERT INTO consents (subject) VALUES (?)", True),
])
def test_what_counts_as_a_record(sql, record):
    assert writes_record(sql) is record


async def level(db: Database) -> int:
    async with db.transaction() as tx:
        async with tx.conn.execute("PRAGMA synchronous") as cursor:
            return (await cursor.fetchone())[0]


async def test_records_mode_syncs_after_a_record_only(db_path, cipher, clock):
    db = await Database.open(db_path, cipher, clock=clock, synchronous="RECORDS")
    try:
        assert db.sync_records and await level(db) == 1  # NORMAL: SQLite syncs no commit itself
        assert db.syncs == 1  # the migrations at open
        await db.run(lambda tx: tx.users.get_or_create("tg:1", language="zh_CN"))  # the conversation only
        await db.run(lambda tx: tx.sessions.load("tg:1"))  # a read
        assert db.syncs == 1

        async def consent(tx, given):
            await tx.users.get_or_create("tg:2", language="zh_CN")
            await tx.consents.record("tg:2", "form", "1", given, "tg:2")
            await tx.audit.add("tg:2", "consent_given" if given else "consent_refused", "tg:2", after="form:1",
                               at=clock(), conversation=given)
        await db.run(lambda tx: consent(tx, True))  # asked again if lost: the conversation
        assert db.syncs == 1
        await db.run(lambda tx: consent(tx, False))  # a refusal is a record: synced before run() returns
        assert db.syncs == 2
        async with db.transaction() as tx:  # the other path, a staff command's transaction
            await tx.audit.add("tg:admin", "role_granted", "tg:3", at=clock())
        assert db.syncs == 3
        async with db.transaction() as tx:  # a record table written, nothing changed
            await tx.sql.execute("DELETE FROM audit_log WHERE actor = 'nobody'")
        await db.run(lambda tx: tx.sql.execute("DELETE FROM audit_log WHERE actor = 'nobody'"))
        assert db.syncs == 4  # the transaction() path syncs on the statement alone, a batch on a change
    finally:
        await db.close()


async def test_full_mode_syncs_every_commit_itself(db_path, cipher, clock):
    db = await Database.open(db_path, cipher, clock=clock)  # FULL, the default
    try:
        assert not db.sync_records and await level(db) == 2
        await db.run(lambda tx: tx.audit.add("tg:2", "consent_given", "tg:2", at=clock()))
        assert db.syncs == 0  # no fsync of its own: SQLite syncs each commit
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
        db = await Database.open(sys.argv[1], DataCipher(bytes(range(32))), synchronous="RECORDS",
                                 checkpoint_every=3600)  # no background checkpoint in the way
        try:
            mark("conversation")
            for i in range(5):
                await db.run(lambda tx, i=i: tx.users.get_or_create(f"tg:{i}", language="zh_CN"))
            mark("record")
            await db.run(lambda tx: tx.audit.add("tg:1", "role_granted", "tg:1",
                                                at=datetime.datetime.now(datetime.timezone.utc)))
            mark("end")
        finally:
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


async def test_a_failed_sync_fails_the_record_but_the_commit_stands(db_path, cipher, clock, monkeypatch):
    """The disk refusing the fsync (the one edge faked here): the callers of the batch that
    wrote the record get the error, what they wrote stays committed, the next steps go on."""
    import errno

    import storage.durability as durability
    from storage import StorageError

    db = await Database.open(db_path, cipher, clock=clock, synchronous="RECORDS")
    try:
        def refuse(fd):
            raise OSError(errno.EIO, "Input/output error")
        monkeypatch.setattr(durability.os, "fsync", refuse)
        with pytest.raises(StorageError, match="cannot sync the database to disk: Input/output error"):
            await db.run(lambda tx: tx.audit.add("tg:admin", "role_granted", "tg:3", at=clock()))
        monkeypatch.undo()
        await db.run(lambda tx: tx.users.get_or_create("tg:4", language="zh_CN"))  # the conversation goes on
        async with db.transaction() as tx:
            assert [e.action for e in await tx.audit.list_for("tg:3")] == ["role_granted"]
    finally:
        await db.close()
