"""Key rotation: every stored piece of personal data re-encrypted under a new data key.

Run with the bot stopped (``python -m storage rotate-key``). The rotation is resumable:

1. It records that it has begun in ``meta`` (``key_rotation``: a token of the new key),
   after which :class:`storage.Database` refuses to open the file until it is done (a
   bot started half-way would read rows it cannot decrypt, and write rows under the old key).
2. Each encrypted column (:data:`COLUMNS`) is walked in rowid order, in batches of one
   transaction each: a value that already decrypts under the new key is left alone,
   any other is decrypted under the old key and encrypted under the new (same aad).
   A process killed half-way loses at most its open batch; run again, it skips what is done.
3. The keyed hashes of ID numbers are recomputed under the new key (their key is
   derived from the data key), then ``key_check`` is rewritten for the new key and
   the marker removed, in one transaction.

The web chat's store (a file of its own) is rotated the same way when given.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storage.crypto import DataCipher
from storage.errors import StorageError
from storage.repos.privacy import ids_of

KEY_CHECK = b"hardship-filing-assistant key check"
KEY_CHECK_AAD = b"meta:key_check"
MARKER = "key_rotation"
Progress = Callable[[str, int, int], None]  # (table, done, total)


class AlreadyRotated(StorageError):
    """The database is already under the new key (a finished rotation run again)."""


@dataclass(frozen=True)
class Column:
    """One encrypted column: where it is and how its aad is made from the row."""

    table: str
    column: str
    aad_columns: tuple[str, ...]
    aad: Callable[..., bytes]


COLUMNS: tuple[Column, ...] = (
    Column("dialog_sessions", "state", ("user_key",), lambda k: b"session:" + k.encode()),
    Column("last_replies", "replies", ("user_key",), lambda k: b"replies:" + k.encode()),
    Column("update_inbox", "payload", ("channel", "update_id"), lambda c, u: f"inbox:{c}:{int(u)}".encode()),
    Column("drafts", "content", ("reference",), lambda r: b"draft:" + r.encode()),
    Column("audit_log", "comment", ("subject",), lambda s: b"audit:" + s.encode()),
    Column("outbox", "payload", ("recipient",), lambda r: b"outbox:" + r.encode()),
    Column("reminders", "payload", ("key",), lambda k: b"reminder:" + k.encode()),
    Column("case_events", "content", ("id",), lambda i: f"case:{i}".encode()),
    Column("deletion_requests", "reason", ("id",), lambda i: f"deletion:{int(i)}".encode()),
)
WEB_COLUMNS: tuple[Column, ...] = (
    Column("web_people", "chat", ("person",), lambda p: b"web:chat:" + p.encode()),
    Column("web_files", "data", ("person",), lambda p: b"web:file:" + p.encode()),
)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _readable(cipher: DataCipher, token: bytes, aad: bytes) -> bytes | None:
    try:
        return cipher.decrypt(token, aad=aad)
    except StorageError:
        return None


def rotate_column(conn: sqlite3.Connection, col: Column, old: DataCipher, new: DataCipher, *,
                  batch: int = 200, pause: float = 0.0, progress: Progress | None = None) -> int:
    """Re-encrypts one column in batches (one transaction each); how many values changed.
    StorageError if a value decrypts under neither key."""
    total = conn.execute(f"SELECT COUNT(*) FROM {col.table} WHERE {col.column} IS NOT NULL").fetchone()[0]
    select = (f"SELECT rowid, {col.column}, {', '.join(col.aad_columns)} FROM {col.table} "
              f"WHERE rowid > ? AND {col.column} IS NOT NULL ORDER BY rowid LIMIT ?")
    last, done, changed = -(1 << 62), 0, 0
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = conn.execute(select, (last, int(batch))).fetchall()
            for rowid, token, *parts in rows:
                aad = col.aad(*parts)
                if _readable(new, token, aad) is not None:
                    continue
                plain = _readable(old, token, aad)
                if plain is None:
                    raise StorageError(f"a value in {col.table}.{col.column} decrypts under neither key")
                conn.execute(f"UPDATE {col.table} SET {col.column} = ? WHERE rowid = ?",
                             (new.encrypt(plain, aad=aad), rowid))
                changed += 1
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if not rows:
            return changed
        last, done = rows[-1][0], done + len(rows)
        if progress is not None:
            progress(col.table, min(done, total), total)
        if pause:
            time.sleep(pause)


def begin(conn: sqlite3.Connection, old: DataCipher, new: DataCipher) -> bool:
    """Checks both keys and records the rotation; False if it was already under way."""
    row = conn.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
    if row is None:
        raise StorageError("not a database of this program (no key check): start the bot once first")
    marker = conn.execute("SELECT value FROM meta WHERE name = ?", (MARKER,)).fetchone()
    if marker is not None:
        if _readable(new, marker[0], KEY_CHECK_AAD) != KEY_CHECK:
            raise StorageError("a rotation to another new key is unfinished: give that key to finish it")
        if _readable(old, row[0], KEY_CHECK_AAD) != KEY_CHECK:
            raise StorageError("the current key is not this database's (BOT_DATA_KEY or the key file)")
        return False
    if _readable(old, row[0], KEY_CHECK_AAD) != KEY_CHECK:
        if _readable(new, row[0], KEY_CHECK_AAD) == KEY_CHECK:
            raise AlreadyRotated("the database is already encrypted under the new key")
        raise StorageError("the current key is not this database's (BOT_DATA_KEY or the key file)")
    conn.execute("INSERT INTO meta (name, value) VALUES (?, ?)",
                 (MARKER, new.encrypt(KEY_CHECK, aad=KEY_CHECK_AAD)))
    return True


def finish(conn: sqlite3.Connection, new: DataCipher) -> int:
    """Recomputes the ID hashes under the new key, switches key_check, removes the marker."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        hashed = 0
        if "id_hashes" in _tables(conn):
            conn.execute("DELETE FROM id_hashes")
            for reference, token in conn.execute("SELECT reference, content FROM drafts").fetchall():
                content = json.loads(new.decrypt(token, aad=b"draft:" + reference.encode()).decode("utf-8"))
                for number, role in set(ids_of(content)):
                    conn.execute("INSERT INTO id_hashes (reference, id_hash, role) VALUES (?, ?, ?) "
                                 "ON CONFLICT DO NOTHING", (reference, new.id_hash(number), role))
                    hashed += 1
        conn.execute("UPDATE meta SET value = ? WHERE name = 'key_check'",
                     (new.encrypt(KEY_CHECK, aad=KEY_CHECK_AAD),))
        conn.execute("DELETE FROM meta WHERE name = ?", (MARKER,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return hashed


def rotate_database(path: Path, old: DataCipher, new: DataCipher, *, batch: int = 200, pause: float = 0.0,
                    progress: Progress | None = None, web_store: Path | None = None) -> dict[str, int]:
    """The whole rotation of the bot's database (and the web chat's store, if given);
    values changed per table. Resumable: see the module docstring."""
    if not Path(path).is_file():
        raise StorageError(f"no database at {path}")
    changed: dict[str, int] = {}
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA secure_delete = ON")  # old tokens do not linger in freed pages
        conn.execute("BEGIN IMMEDIATE")
        try:
            begin(conn, old, new)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        present = _tables(conn)
        if web_store is not None and Path(web_store).is_file():
            changed.update(_rotate_web(Path(web_store), old, new, batch, pause, progress))
        for col in COLUMNS:
            if col.table in present:
                changed[col.table] = rotate_column(conn, col, old, new, batch=batch, pause=pause, progress=progress)
        changed["id_hashes"] = finish(conn, new)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # old tokens leave the WAL file too
    finally:
        conn.close()
    return changed


def _rotate_web(path: Path, old: DataCipher, new: DataCipher, batch: int, pause: float,
                progress: Progress | None) -> dict[str, int]:
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    try:
        present = _tables(conn)
        return {col.table: rotate_column(conn, col, old, new, batch=batch, pause=pause, progress=progress)
                for col in WEB_COLUMNS if col.table in present}
    finally:
        conn.close()
