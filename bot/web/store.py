"""The web channel's own small store: a SQLite file next to the bot's database
(``web-chat.sqlite3``), so the web chat resumes after a server restart.

What it keeps, and how:

* ``web_sessions``: a browser's session, by the SHA-256 of its cookie (a copy of
  the file gives no usable cookie), pointing at a person and holding its CSRF token;
* ``web_people``: a person (the ``web:<id>`` user key) with the conversation shown
  on the page (the last messages and the open question's buttons), encrypted with
  the bot's data key like the dialog sessions (it quotes answers and ID numbers),
  and the hash of their current continue code;
* ``web_files``: documents the dialogs produced for a person (their form, /mydata),
  encrypted and bound to them, downloadable from the chat;
* ``web_steps``: each form a person sent, by its client message id, numbered; the
  number is the step's ``update_id`` (offset by :data:`WEB_UPDATE_BASE`, far above
  Telegram's update ids, which share the bot's processed-updates table), so a
  double tap or a resubmitted form is applied once.

Nothing here is dialog state: the answers live in the bot's database. When the person
is erased there (/forget: :meth:`WebStore.forget`) or their idle conversation purged
(:mod:`bot.web.retention`: :meth:`WebStore.drop`; only the page's copy and documents,
:meth:`WebStore.drop_conversation`, while a record of theirs is kept), their rows here go too, and a
document offered for download is kept no longer than the retention period
(:meth:`WebStore.expire_files`); deleted rows are zeroed in the file (``secure_delete``).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from storage import DataCipher

WEB_UPDATE_BASE = 1 << 40  # Telegram's update ids stay far below this
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U
CODE_LENGTH = 8
CODE_LIFETIME = 14 * 24 * 3600  # seconds a continue code stays valid

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    sid_hash   TEXT PRIMARY KEY,
    person     TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS web_people (
    person    TEXT PRIMARY KEY,
    chat      BLOB,
    code_hash TEXT UNIQUE,
    code_at   REAL
);
-- documents the dialogs produced for a person (their form, their data), encrypted
CREATE TABLE IF NOT EXISTS web_files (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person     TEXT NOT NULL,
    name       TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at REAL
);
CREATE TABLE IF NOT EXISTS web_steps (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    person TEXT NOT NULL,
    cid    TEXT NOT NULL,
    done   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (person, cid)
);
"""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(raw: str) -> str:
    """A typed continue code without spaces or dashes, upper case."""
    return "".join(c for c in raw.upper() if c not in " -\t")


def show_code(code: str) -> str:
    """ABCD-EFGH: easier to read out and copy."""
    return f"{code[:4]}-{code[4:]}"


@dataclass
class WebSession:
    """A browser's session: the person it talks as and its CSRF token."""

    sid_hash: str
    person: str
    csrf: str


@dataclass
class Chat:
    """What the page shows: recent messages and the open question."""

    history: list[dict[str, str]] = field(default_factory=list)  # {"who": "me"|"bot", "text": ...}
    open: dict[str, Any] | None = None  # {"seq", "expects", "buttons": [[label, nav, command], ...]}

    def to_json(self) -> dict[str, Any]:
        return {"history": self.history, "open": self.open}


class WebStore:
    """Sessions, shown conversations, steps and continue codes; open with :meth:`open`."""

    def __init__(self, conn: aiosqlite.Connection, cipher: DataCipher, now: Callable[[], float] = time.time):
        self._conn = conn
        self._cipher = cipher
        self._now = now  # epoch seconds (the channel passes the database's clock)

    @classmethod
    async def open(cls, path: Path, cipher: DataCipher, *, now: Callable[[], float] = time.time) -> WebStore:
        """Opens (creating it owner-only) the store file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn = await aiosqlite.connect(str(path), isolation_level=None, timeout=10)
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")  # the answers themselves are in the bot's database
        await conn.execute("PRAGMA secure_delete = ON")  # a forgotten person's rows do not linger in free pages
        await conn.executescript(SCHEMA)
        async with conn.execute("SELECT name FROM pragma_table_info('web_files')") as cur:
            if "created_at" not in {row[0] for row in await cur.fetchall()}:  # a store made before files aged
                await conn.execute("ALTER TABLE web_files ADD COLUMN created_at REAL")
                await conn.execute("UPDATE web_files SET created_at = ?", (now(),))
        return cls(conn, cipher, now)

    async def close(self) -> None:
        await self._conn.close()

    async def _one(self, sql: str, args: tuple = ()) -> Any:
        async with self._conn.execute(sql, args) as cur:
            return await cur.fetchone()

    # ---- sessions ----
    async def session(self, sid: str | None) -> WebSession | None:
        """The session of a cookie value, or None."""
        if not sid or len(sid) > 100:
            return None
        row = await self._one("SELECT sid_hash, person, csrf FROM web_sessions WHERE sid_hash = ?", (_hash(sid),))
        return WebSession(*row) if row else None

    async def new_session(self) -> tuple[str, WebSession]:
        """A new cookie value and its session, for a new person."""
        sid, person = secrets.token_urlsafe(32), secrets.token_hex(16)
        s = WebSession(_hash(sid), person, secrets.token_urlsafe(24))
        await self._conn.execute("INSERT INTO web_sessions VALUES (?, ?, ?, ?)",
                                 (s.sid_hash, s.person, s.csrf, self._now()))
        return sid, s

    async def attach(self, s: WebSession, person: str) -> None:
        """Points the session at another person (resumed with a continue code)."""
        await self._conn.execute("UPDATE web_sessions SET person = ? WHERE sid_hash = ?", (person, s.sid_hash))
        s.person = person

    async def has_session(self, person: str) -> bool:
        """Whether some browser still talks as ``person`` (not after /forget)."""
        return await self._one("SELECT 1 FROM web_sessions WHERE person = ? LIMIT 1", (person,)) is not None

    # ---- erasing ----
    async def forget(self, person: str) -> int:
        """Erases ``person`` here after /forget: their conversation, documents, steps and
        continue code; each browser that talked as them goes on as a new person of its
        own (its cookie still works, nothing links it to the forgotten one). Rows removed."""
        async with self._transaction():
            async with self._conn.execute("SELECT sid_hash FROM web_sessions WHERE person = ?", (person,)) as cur:
                browsers = [row[0] for row in await cur.fetchall()]
            for sid_hash in browsers:
                await self._conn.execute("UPDATE web_sessions SET person = ? WHERE sid_hash = ?",
                                         (secrets.token_hex(16), sid_hash))
            removed = await self._delete(person, ("web_files", "web_steps", "web_people"))
        await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no old page of theirs left in the WAL
        return removed

    async def drop(self, people: list[str]) -> int:
        """Removes everything kept here about ``people`` (their conversation was purged),
        their browser sessions too (a browser coming back starts afresh). Rows removed."""
        removed = 0
        for person in people:
            async with self._transaction():
                removed += await self._delete(person, ("web_files", "web_steps", "web_people", "web_sessions"))
        return removed

    async def drop_conversation(self, people: list[str]) -> int:
        """Removes the conversation shown and the documents of ``people`` (their idle
        conversation was purged, but a record of theirs is kept): their browser sessions
        and continue code stay, so they come back as themselves. Rows changed."""
        changed = 0
        for person in people:
            async with self._transaction():
                changed += await self._delete(person, ("web_files",))
                cursor = await self._conn.execute("UPDATE web_people SET chat = NULL WHERE person = ? "
                                                  "AND chat IS NOT NULL", (person,))
                changed += max(cursor.rowcount, 0)
        return changed

    async def expire_files(self, made_before: float) -> int:
        """Removes the documents made before ``made_before`` (epoch seconds): a copy
        outlives neither the retention period nor the draft it was made from. How many."""
        cursor = await self._conn.execute("DELETE FROM web_files WHERE created_at < ?", (made_before,))
        return max(cursor.rowcount, 0)

    async def _delete(self, person: str, tables: tuple[str, ...]) -> int:
        removed = 0
        for table in tables:
            cursor = await self._conn.execute(f"DELETE FROM {table} WHERE person = ?", (person,))
            removed += max(cursor.rowcount, 0)
        return removed

    @contextlib.asynccontextmanager
    async def _transaction(self):
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await self._conn.execute("ROLLBACK")
            raise
        await self._conn.execute("COMMIT")

    async def people(self, *, settled_before: float) -> list[str]:
        """Everyone with a row here, but those whose browser session was made after
        ``settled_before`` (epoch seconds: their first step may still be running)."""
        async with self._conn.execute(
                "SELECT person FROM (SELECT person FROM web_people UNION SELECT person FROM web_files "
                "UNION SELECT person FROM web_steps UNION SELECT person FROM web_sessions) "
                "WHERE person NOT IN (SELECT person FROM web_sessions WHERE created_at >= ?) ORDER BY person",
                (settled_before,)) as cur:
            return [row[0] for row in await cur.fetchall()]

    # ---- the conversation shown ----
    async def chat(self, person: str) -> Chat:
        row = await self._one("SELECT chat FROM web_people WHERE person = ?", (person,))
        if not row or row[0] is None:
            return Chat()
        data = self._cipher.decrypt_json(row[0], aad=b"web:chat:" + person.encode())
        return Chat(data["history"], data["open"])

    async def save_chat(self, person: str, chat: Chat) -> None:
        token = self._cipher.encrypt_json(chat.to_json(), aad=b"web:chat:" + person.encode())
        await self._conn.execute("INSERT INTO web_people (person, chat) VALUES (?, ?) "
                                 "ON CONFLICT (person) DO UPDATE SET chat = excluded.chat", (person, token))

    # ---- documents to download ----
    async def save_file(self, person: str, name: str, data: bytes) -> int:
        """Keeps a document for ``person`` (encrypted, bound to them); its id."""
        token = self._cipher.encrypt(data, aad=b"web:file:" + person.encode())
        cursor = await self._conn.execute("INSERT INTO web_files (person, name, data, created_at) "
                                          "VALUES (?, ?, ?, ?)", (person, name, token, self._now()))
        return int(cursor.lastrowid)

    async def file(self, person: str, file_id: int) -> tuple[str, bytes] | None:
        """``person``'s document ``file_id`` (None for anyone else's, or none)."""
        row = await self._one("SELECT name, data FROM web_files WHERE id = ? AND person = ?", (file_id, person))
        if row is None:
            return None
        return row[0], self._cipher.decrypt(row[1], aad=b"web:file:" + person.encode())

    # ---- steps (exactly once) ----
    async def step(self, person: str, cid: str | None) -> tuple[int, int, bool]:
        """(step id, update_id, already done) for the form ``cid`` of ``person``; a
        step without a client id (first visit, deep link) is always new."""
        cid = cid or "srv-" + secrets.token_hex(12)
        await self._conn.execute("INSERT OR IGNORE INTO web_steps (person, cid) VALUES (?, ?)", (person, cid))
        step_id, done = await self._one("SELECT id, done FROM web_steps WHERE person = ? AND cid = ?", (person, cid))
        return step_id, WEB_UPDATE_BASE + step_id, bool(done)

    async def step_done(self, step_id: int) -> None:
        await self._conn.execute("UPDATE web_steps SET done = 1 WHERE id = ?", (step_id,))

    # ---- continue codes ----
    async def issue_code(self, person: str) -> str:
        """A new continue code for ``person`` (the previous one stops working)."""
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                await self._conn.execute(
                    "INSERT INTO web_people (person, code_hash, code_at) VALUES (?, ?, ?) ON CONFLICT (person) "
                    "DO UPDATE SET code_hash = excluded.code_hash, code_at = excluded.code_at",
                    (person, _hash(code), self._now()))
                return code
            except aiosqlite.IntegrityError:  # the same code as someone else's: draw again
                continue

    async def person_of_code(self, raw: str) -> str | None:
        """The person a (typed) continue code belongs to, if it is valid."""
        code = normalise_code(raw)
        if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
            return None
        row = await self._one("SELECT person, code_at FROM web_people WHERE code_hash = ?", (_hash(code),))
        if not row or self._now() - row[1] > CODE_LIFETIME:
            return None
        return row[0]
