"""Database: one aiosqlite connection in WAL mode, migrated at open, one writer at a time.

Durability: journal_mode=WAL with synchronous=FULL by default: every commit is
fsynced, so what was acknowledged survives an OS crash or a power loss, not only a
crash of the process (which WAL+NORMAL already survives). The bot opens it with
synchronous="RECORDS": a commit of the conversation alone is not fsynced, one that
writes a record is, before its callers are answered (storage/durability.py).

Every unit of work runs in `async with db.transaction() as tx:` — an asyncio.Lock
serialises transactions in this process and BEGIN IMMEDIATE takes SQLite's write
lock, so other processes wait (busy_timeout) instead of interleaving. A hot path runs
its whole transaction as one step on the database's thread instead
(`await db.run(step)`, `step(tx)` awaiting only tx's repositories), committed together
with the steps queued at the same moment (group commit, storage/group_commit.py): one
hand-over between threads and one COMMIT (one fsync) per batch, each step in its own
savepoint, each caller answered after the COMMIT.

This is the one SQLite module: PRAGMAs, WAL, BEGIN IMMEDIATE, the file's mode and
:class:`SqliteConn`, the adapter that gives the repositories the portable
:class:`storage.repos.base.Conn` they are written against.
"""
from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import aiosqlite

from storage.crypto import DataCipher
from storage.durability import Checkpointer, WalSync, pragma, writes_record
from storage.errors import StorageError
from storage.group_commit import BATCH, InlineConn, Outcome, run_batch
from storage.migrations import migrate, refuse_newer, user_version
from storage.repos import AuditRepo, InboxRepo, OutboxRepo, SessionRepo, UpdateRepo, UserRepo
from storage.repos.drafts import ConsentRepo, DraftRepo
from storage.repos.base import Row
from storage.repos.deadlines import DeadlineRepo
from storage.repos.reminders import ReminderRepo
from storage.repos.privacy import PrivacyRepo
from storage.repos.cases import CaseRepo
from storage.repos.staff import StaffRepo
from storage.times import Clock, utc_now

T = TypeVar("T")
_KEY_CHECK = b"hardship-filing-assistant key check"
_KEY_CHECK_AAD = b"meta:key_check"


KEEP = timedelta(days=7)  # processed update ids and sent outbox rows are kept this long


class SqliteConn:
    """The portable :class:`storage.repos.base.Conn` over one aiosqlite connection."""

    __slots__ = ("_conn", "records")

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self.records = False  # a statement may have written beyond the conversation (storage/durability.py)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a write; the number of rows it changed."""
        self.records = self.records or writes_record(sql)
        async with self._conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row, or None."""
        self.records = self.records or writes_record(sql)  # INSERT ... RETURNING
        async with self._conn.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return tuple(row) if row is not None else None

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows."""
        self.records = self.records or writes_record(sql)
        async with self._conn.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return [tuple(row) for row in rows]


class Pruned(NamedTuple):
    """What :meth:`Database.prune` removed."""

    updates: int
    outbox: int


class Tx:
    """One open write transaction: the repositories bound to it, ``sql`` (the portable
    connection they use) and ``conn`` (the raw SQLite connection, for migrations and
    tests only)."""

    __slots__ = ("conn", "sql", "users", "sessions", "updates", "audit", "outbox", "drafts", "consents", "inbox", "deadlines", "reminders", "staff", "cases", "privacy")

    def __init__(self, conn: aiosqlite.Connection, cipher: DataCipher, clock: Clock, sql: Any = None) -> None:
        self.conn = conn
        self.sql = sql = sql or SqliteConn(conn)
        self.users = UserRepo(sql, clock)
        self.sessions = SessionRepo(sql, cipher, clock)
        self.updates = UpdateRepo(sql, clock)
        self.audit = AuditRepo(sql, cipher)
        self.outbox = OutboxRepo(sql, cipher, clock)
        self.drafts = DraftRepo(sql, cipher, clock)
        self.consents = ConsentRepo(sql, clock)
        self.inbox = InboxRepo(sql, cipher, clock)
        self.deadlines = DeadlineRepo(sql, clock)
        self.reminders = ReminderRepo(sql, cipher, clock)
        self.privacy = PrivacyRepo(sql, cipher, clock)
        self.staff = StaffRepo(sql, clock)
        self.cases = CaseRepo(sql, cipher, clock)


class Database:
    """The bot's SQLite database; open with `await Database.open(path, cipher)`."""

    def __init__(
        self, conn: aiosqlite.Connection, cipher: DataCipher, clock: Clock, busy_timeout: float
    ) -> None:
        self._conn = conn
        self._cipher = cipher
        self.clock = clock
        self._busy_timeout = busy_timeout
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None
        self._closed = False
        self._queued: list[tuple[Callable[[Tx], Coroutine[Any, Any, Any]], asyncio.Future]] = []
        self._committer: asyncio.Task | None = None
        self.schema_version = 0
        self._wal: WalSync | None = None  # synchronous="RECORDS": fsyncs the WAL after a record
        self._checkpointer: Checkpointer | None = None  # modes RECORDS and NORMAL

    @classmethod
    async def open(
        cls,
        path: str | Path,
        cipher: DataCipher,
        *,
        clock: Clock = utc_now,
        busy_timeout: float = 5.0,
        synchronous: str = "FULL",
        checkpoint_every: float = 1.0,
    ) -> Database:
        """Open (creating it and its directory if needed) and migrate to the latest schema."""
        level = pragma(synchronous)  # ValueError for an unknown mode
        memory = str(path) == ":memory:"
        if not memory:
            _create_owner_only(Path(path))
        try:
            conn = await aiosqlite.connect(str(path), isolation_level=None, timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {path}: {exc}") from None
        db = cls(conn, cipher, clock, busy_timeout)
        try:
            await db._configure(level, memory)
            async with db.transaction() as tx:
                db.schema_version = await migrate(tx.conn)
                await _check_key(tx.conn, cipher)
            if synchronous == "RECORDS" and not memory:
                db._wal = WalSync(str(path))
                await db._wal.sync()  # the migrations wrote through tx.conn, which is not watched
            if synchronous != "FULL" and not memory:  # checkpoints off the commit path
                await conn.execute(f"PRAGMA wal_autocheckpoint = {Checkpointer.BACKSTOP}")
                db._checkpointer = Checkpointer(str(path), checkpoint_every)
        except BaseException:
            db._closed = True
            await conn.close()
            if db._wal is not None:
                await db._wal.close()
            if db._checkpointer is not None:
                await db._checkpointer.close()
            raise
        return db

    @property
    def sync_records(self) -> bool:
        """Whether a commit that writes a record waits for the disk while the others do
        not (synchronous="RECORDS"; with FULL every commit does, with NORMAL none)."""
        return self._wal is not None

    @property
    def syncs(self) -> int:
        """How many times the WAL was fsynced after a record (for the tests and benchmarks)."""
        return self._wal.done if self._wal is not None else 0

    async def _configure(self, synchronous: str, memory: bool) -> None:
        conn = self._conn
        try:
            await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed, not left in free pages
            async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                mode = (await cursor.fetchone())[0]
            await conn.execute(f"PRAGMA synchronous = {synchronous}")
            refuse_newer(await user_version(conn))
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database: {exc}") from None
        if mode.lower() != ("memory" if memory else "wal"):
            raise StorageError(f"cannot switch the database to WAL mode (got {mode!r})")

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[None]:
        """The one writer of this process: the lock, held by the calling task (a nested
        transaction in the same task would wait for itself, so it is refused)."""
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            raise StorageError("nested transaction: this task already holds one")
        async with self._lock:
            if self._closed:
                raise StorageError("database is closed")
            self._owner = task
            try:
                yield
            finally:
                self._owner = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A write transaction: COMMIT on normal exit, ROLLBACK on any exception."""
        async with self._writer():
            await self._begin()
            tx = Tx(self._conn, self._cipher, self.clock)
            try:
                yield tx
            except BaseException as exc:
                await self._rollback()
                if isinstance(exc, sqlite3.Error):
                    raise StorageError(f"database error: {exc}") from exc
                raise
            await self._commit()
            if self._checkpointer is not None:
                self._checkpointer.after_commit()
            if self._wal is not None and tx.sql.records:
                await self._wal.sync()

    async def run(self, step: Callable[[Tx], Coroutine[Any, Any, T]]) -> T:
        """``await step(tx)`` as a write transaction run whole on the database's thread,
        committed together with the other steps waiting at the same moment (group commit,
        storage/group_commit.py): one hand-over between threads and one COMMIT per batch.
        ``step`` may await only the repositories of ``tx`` (anything else is refused); its
        result comes back after the COMMIT; if it raises, only its own changes are undone.
        ``tx.conn`` is the raw sqlite3 connection here."""
        return await self.submit(step)

    def submit(self, step: Callable[[Tx], Coroutine[Any, Any, T]]) -> asyncio.Future[T]:
        """Queues ``step`` at once (steps run in the order queued) and returns the future of
        its result, set after the COMMIT; :meth:`run` awaits it. Call from the event loop."""
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            raise StorageError("nested transaction: this task already holds one")
        if self._closed:
            raise StorageError("database is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append((step, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_queued(), name="database-group-commit")
        return future

    async def _commit_queued(self) -> None:
        """The group committer: runs what is queued, batch after batch, until none is left."""
        while self._queued:
            try:
                async with self._writer():
                    batch = [(step, future) for step, future in self._queued[:BATCH] if not future.done()]
                    del self._queued[:BATCH]
                    if not batch:
                        continue
                    try:
                        outcomes, record = await self._conn._execute(self._run_here, [step for step, _ in batch])
                    except BaseException as exc:  # nothing of the batch was applied
                        outcomes, record = [Outcome(error=exc)] * len(batch), False
                    if self._checkpointer is not None:
                        self._checkpointer.after_commit()
            except StorageError as exc:  # closed
                batch, outcomes, record = self._queued[:], [Outcome(error=exc)] * len(self._queued), False
                self._queued.clear()
            if record and self._wal is not None:  # its callers wait for the disk, the next batches do not
                self._wal.then(lambda error, batch=batch, outcomes=outcomes: self._answer(batch, outcomes, error))
            else:
                self._answer(batch, outcomes)

    def _answer(self, batch: list, outcomes: list[Outcome], sync_error: StorageError | None = None) -> None:
        """Each caller of the batch gets its step's outcome (with ``sync_error``, the steps
        that succeeded get that error instead: they stand, committed, but are not synced)."""
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if sync_error is not None and outcome.error is None:
                outcome = Outcome(error=sync_error)
            if future.done():
                continue
            if outcome.error is None:
                future.set_result(outcome.value)
            else:
                future.set_exception(self._as_storage_error(outcome.error))

    def _as_storage_error(self, exc: BaseException) -> BaseException:
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
            error = StorageError("database is busy: another process held the write lock longer "
                                 f"than busy_timeout ({self._busy_timeout:g} s)")
        elif isinstance(exc, sqlite3.Error):
            error = StorageError(f"database error: {exc}")
        else:
            return exc
        error.__cause__ = exc
        return error

    def _run_here(self, steps: list[Callable[[Tx], Coroutine[Any, Any, Any]]]) -> tuple[list[Outcome], bool]:
        """On the database's thread: the steps in one transaction (storage/group_commit.py);
        their outcomes, and whether they wrote a record the disk must have before their
        callers are answered (synchronous="RECORDS", storage/durability.py)."""
        raw = self._conn._conn
        sql = InlineConn(raw)
        changes = raw.total_changes
        outcomes = run_batch(raw, [lambda step=step: step(Tx(raw, self._cipher, self.clock, sql)) for step in steps])
        return outcomes, self._wal is not None and sql.records and raw.total_changes != changes

    async def _begin(self) -> None:
        try:
            await self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StorageError(
                    "database is busy: another process held the write lock longer than "
                    f"busy_timeout ({self._busy_timeout:g} s)"
                ) from exc
            raise StorageError(f"cannot begin a transaction: {exc}") from exc

    async def _commit(self) -> None:
        try:
            await self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            await self._rollback()
            raise StorageError(f"cannot commit: {exc}") from exc

    async def _rollback(self) -> None:
        try:
            await self._conn.execute("ROLLBACK")
        except (sqlite3.Error, ValueError):
            pass  # no transaction left to roll back (SQLite already did, or closed)

    async def prune(self, now: datetime, *, keep: timedelta = KEEP) -> Pruned:
        """Forget processed update ids and sent outbox messages older than keep (at
        start and once a day: bot/outbox.py)."""
        async with self.transaction() as tx:
            return Pruned(await tx.updates.prune(now - keep), await tx.outbox.prune_sent(now - keep))

    async def close(self) -> None:
        """Wait for the running transaction, then close (idempotent)."""
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            await self._conn.close()
            if self._wal is not None:
                await self._wal.close()
                self._wal = None
            if self._checkpointer is not None:
                await self._checkpointer.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def _create_owner_only(path: Path) -> None:
    """Create the directory and an empty 0600 file (SQLite gives -wal/-shm the same mode)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError as exc:
        raise StorageError(f"cannot create the database file: {exc.strerror}") from None


async def _check_key(conn: aiosqlite.Connection, cipher: DataCipher) -> None:
    """Fail at open, not at the first session load, if the data key is not this database's."""
    async with conn.execute("SELECT value FROM meta WHERE name = 'key_check'") as cursor:
        row = await cursor.fetchone()
    async with conn.execute("SELECT 1 FROM meta WHERE name = 'key_rotation'") as cursor:
        if await cursor.fetchone() is not None:  # storage/rotation.py
            raise StorageError("a data key rotation is unfinished: run `python -m storage rotate-key` again")
    if row is None:
        await conn.execute(
            "INSERT INTO meta (name, value) VALUES ('key_check', ?)",
            (cipher.encrypt(_KEY_CHECK, aad=_KEY_CHECK_AAD),),
        )
        return
    try:
        ok = cipher.decrypt(row[0], aad=_KEY_CHECK_AAD) == _KEY_CHECK
    except StorageError:
        ok = False
    if not ok:
        raise StorageError(
            "this database was encrypted with a different data key: "
            "check BOT_DATA_KEY (or the key file)"
        )
