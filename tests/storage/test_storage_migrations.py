"""Schema migrations: from empty, idempotent reopen, newer schema refused, atomic steps."""
from __future__ import annotations

import sqlite3
import stat

import pytest

from storage import Database, StorageError
from storage.migrations import LATEST, MIGRATIONS, Migration, check_order, migrate, statements

TABLES = {"meta", "users", "user_roles", "dialog_sessions", "processed_updates", "audit_log",
          "outbox", "unreachable_recipients", "update_inbox", "last_replies"}

TABLES |= {"drafts", "consents"}  # migration 4
TABLES |= {"deadlines", "reminders", "reminder_mutes"}  # migration 5
TABLES |= {"units", "staff_units", "invites", "notices", "notice_households", "case_events",
           "filings"}  # migration 6
TABLES |= {"id_hashes", "deletion_requests", "retention_notices"}  # migration 7

def tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows} - {"sqlite_sequence"}


async def test_migrates_an_empty_database(db_path, cipher, clock):
    assert not db_path.parent.exists()
    db = await Database.open(db_path, cipher, clock=clock)
    assert db.schema_version == LATEST
    async with db.transaction() as tx:
        pragmas = {}
        for name in ("user_version", "journal_mode", "foreign_keys", "synchronous", "busy_timeout"):
            async with tx.conn.execute(f"PRAGMA {name}") as cursor:
                pragmas[name] = (await cursor.fetchone())[0]
    await db.close()
    assert pragmas == {
        "user_version": LATEST, "journal_mode": "wal", "foreign_keys": 1,
        "synchronous": 2, "busy_timeout": 5000,  # 2 = FULL
    }
    assert tables(db_path) == TABLES
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


async def test_wal_file_is_owner_only_too(db, db_path):
    async with db.transaction() as tx:
        await tx.updates.mark_processed(1, "tg:1")
    for suffix in ("-wal", "-shm"):
        assert stat.S_IMODE(db_path.with_name(db_path.name + suffix).stat().st_mode) == 0o600


async def test_reopen_is_idempotent_and_keeps_data(db_path, cipher, clock):
    async with await Database.open(db_path, cipher, clock=clock) as db:
        async with db.transaction() as tx:
            await tx.users.get_or_create("tg:1", language="en")
    for _ in range(2):
        async with await Database.open(db_path, cipher, clock=clock) as db:
            assert db.schema_version == LATEST
            async with db.transaction() as tx:
                assert (await tx.users.get("tg:1")).language == "en"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM meta").fetchone() == (1,)


async def test_newer_schema_is_refused(db_path, cipher):
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    with pytest.raises(StorageError, match="newer than this program supports"):
        await Database.open(db_path, cipher)


async def test_a_failing_migration_leaves_the_previous_version(db_path, cipher):
    async with await Database.open(db_path, cipher) as db:
        broken = MIGRATIONS + (
            Migration(LATEST + 1, "half-good", "CREATE TABLE later_table (id INTEGER); SELECT nope();"),
        )
        with pytest.raises(StorageError):
            async with db.transaction() as tx:
                await migrate(tx.conn, broken)
    assert "later_table" not in tables(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (LATEST,)


async def test_a_new_migration_is_applied_on_open(db_path, cipher, monkeypatch):
    async with await Database.open(db_path, cipher):
        pass
    extra = MIGRATIONS + (Migration(LATEST + 1, "later", "CREATE TABLE later_table (id INTEGER);"),)
    monkeypatch.setattr("storage.db.migrate", lambda conn: migrate(conn, extra))
    async with await Database.open(db_path, cipher) as db:
        assert db.schema_version == LATEST + 1
    assert "later_table" in tables(db_path)


def test_versions_are_consecutive():
    check_order()
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    with pytest.raises(StorageError):
        check_order((Migration(1, "a", ""), Migration(3, "b", "")))


def test_statement_splitter_keeps_triggers_and_comments_whole():
    script = """
        -- a comment; with a semicolon and a 'quote
        CREATE TABLE a (x TEXT DEFAULT ';');
        CREATE TRIGGER t AFTER INSERT ON a BEGIN
            UPDATE a SET x = 'y'; DELETE FROM a WHERE x = 'z';
        END;
    """
    parts = statements(script)
    assert len(parts) == 2 and parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")
    with pytest.raises(StorageError):
        statements("CREATE TABLE b (x")


async def test_a_file_that_is_not_a_database_is_refused(db_path, cipher):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="cannot open database"):
        await Database.open(db_path, cipher)


async def test_unwritable_location_is_a_storage_error(tmp_path, cipher):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError, match="cannot create the database file"):
        await Database.open(tmp_path / "file" / "sub" / "bot.sqlite3", cipher)


async def test_in_memory_database_for_quick_tests(cipher):
    async with await Database.open(":memory:", cipher) as db:
        assert db.schema_version == LATEST
        async with db.transaction() as tx:
            assert await tx.updates.mark_processed(1, "console:alice")


async def test_version_1_processed_updates_keep_their_rows_keyed_by_channel(db_path, cipher, clock):
    import aiosqlite

    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        await conn.execute("BEGIN")
        assert await migrate(conn, MIGRATIONS[:1]) == 1
        await conn.executemany(
            "INSERT INTO processed_updates (update_id, user_key, processed_at) VALUES (?, ?, ?)",
            [(7, "tg:1", "2025-03-01T08:00:00.000000+00:00"),
             (8, "console:alice", "2025-03-01T08:00:00.000000+00:00")])
        await conn.execute("COMMIT")
    async with await Database.open(db_path, cipher, clock=clock) as db:
        assert db.schema_version == LATEST
        async with db.transaction() as tx:
            assert not await tx.updates.mark_processed(7, "tg:2")  # still known
            assert await tx.updates.is_processed(8, "console:bob")
            assert await tx.updates.mark_processed(7, "web:x")
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT channel, update_id, user_key FROM processed_updates "
                            "ORDER BY channel, update_id").fetchall()
        indexes = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'processed_updates'")}
    assert rows == [("console", 8, "console:alice"), ("tg", 7, "tg:1"), ("web", 7, "web:x")]
    assert "processed_updates_by_time" in indexes


def test_repositories_use_portable_sql_only():
    """SQLite specifics stay in storage/db.py: the repositories import no SQLite driver and
    their SQL (string literals, docstrings aside) has no SQLite-only syntax."""
    import ast
    from pathlib import Path

    import storage.repos

    for path in Path(storage.repos.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        sql = " ".join(node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                       and isinstance(node.value, str) and id(node) not in docstrings).upper()
        imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, (ast.Import, ast.ImportFrom))
                    for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
        assert not imported & {"aiosqlite", "sqlite3"}, path.name
        for word in ("INSERT OR", "REPLACE INTO", "PRAGMA", "LASTROWID", "AUTOINCREMENT", "GLOB "):
            assert word not in sql, f"{path.name} uses {word}"
