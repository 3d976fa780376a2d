"""When a commit is fsynced: every commit, none, or those that write a record.

WAL with ``synchronous=NORMAL`` keeps every commit across a crash of the *process* (the
bot killed, an exception): the commit is in the WAL file and the OS has it. Only an OS
crash or a power loss can take back the last commits not yet synced to the disk.
``synchronous=FULL`` syncs the WAL at every commit, and so makes every answer wait for
the disk: on the shared build machine a sync took 30-670 ms now and then, and those
waits were the whole tail of the reply latency (docs/benchmarks.md, fourth round).

The modes (``Database.open(synchronous=...)``; ``BOT_DATABASE_SYNC`` in lower case):

- ``FULL``: every commit synced before its callers hear of it (SQLite's FULL).
- ``RECORDS`` (the bot's default): a commit that writes only the conversation itself
  (:data:`CONVERSATION_TABLES`: a screening answer, the dialog's place, the update
  inbox, the replies kept for resending, a consent given: :data:`CONVERSATION`) is not
  synced; one that writes anything else (a draft, a submission, a staff decision, a
  home visit, a consent refused or withdrawn, the audit log, a reminder, a message for
  someone else, an erasure) is synced before any of its callers is answered. A power
  loss can then cost a person their last answer or two (asked again: the conversation
  resumes where the disk has it), never a record staff or the person were told is kept.
- ``NORMAL``: no commit synced (SQLite's NORMAL; the checkpoints still sync).

The sync is an ``fsync`` of the WAL file (opened once, read-only, for the life of the
database), on a thread of its own: it makes every commit so far durable, a consistent
prefix of them, as SQLite's own sync would, and the database's thread goes on with the
next batches meanwhile. Only the callers of the batch that wrote the record wait for it
(storage/db.py). A power loss can never keep a later commit and lose an earlier one: the
WAL is replayed in order up to its first incomplete frame.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import time
from collections.abc import Callable

from storage.errors import StorageError

log = logging.getLogger(__name__)

MODES = ("RECORDS", "FULL", "NORMAL")  # Database.open(synchronous=...); BOT_DATABASE_SYNC in lower case
# what a commit writing only these tables may lose to a power loss (not to a crash)
CONVERSATION_TABLES = frozenset({"dialog_sessions", "last_replies", "update_inbox", "processed_updates",
                                 "processed_updates_by_channel", "users", "unreachable_recipients"})
_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "END", "EXPLAIN")
_WRITES = re.compile(r"\b(?:INSERT|REPLACE|UPDATE|DELETE)\b", re.IGNORECASE)
_TARGET = re.compile(r"^\s*(?:INSERT|REPLACE|UPDATE|DELETE)\b(?:\s+OR\s+\w+)?(?:\s+INTO|\s+FROM)?\s+[\"`]?(\w+)",
                     re.IGNORECASE)


def pragma(mode: str) -> str:
    """The connection's own ``synchronous`` setting for a mode."""
    if mode not in MODES:
        raise ValueError(f"synchronous must be one of {MODES}, not {mode!r}")
    return "FULL" if mode == "FULL" else "NORMAL"


# marks a write elsewhere that is as safe to lose to a power loss as the conversation: a
# consent given and its audit entry (lost with every later answer, it is asked again;
# a refusal or a withdrawal is a promise, and is synced)
CONVERSATION = "/* conversation */ "


@functools.lru_cache(maxsize=1024)
def writes_record(sql: str) -> bool:
    """Whether a statement may write something beyond the conversation (a statement this
    cannot read, a CTE or a schema change, counts as one)."""
    if sql.startswith(CONVERSATION):
        return False
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    if head in _READS or (head == "WITH" and not _WRITES.search(sql)):
        return False
    target = _TARGET.match(sql)
    return target is None or target.group(1).lower() not in CONVERSATION_TABLES


class WalSync:
    """Mode RECORDS: the WAL file, opened once read-only, fsynced on a worker thread after
    a commit that wrote a record (see the module docstring)."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(f"{path}-wal", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._waiting: set[asyncio.Task] = set()  # batches whose callers wait for a sync
        self.done = 0  # syncs made (for the tests and benchmarks)

    async def sync(self) -> None:
        """Every commit so far on the disk; StorageError if the disk refuses."""
        try:
            await asyncio.to_thread(os.fsync, self._fd)
        except OSError as exc:
            raise StorageError(f"cannot sync the database to disk: {exc.strerror}") from exc
        self.done += 1

    def then(self, answer: Callable[[StorageError | None], None]) -> None:
        """Syncs in the background, then ``answer(None)``, or ``answer(error)`` if the sync
        failed: the caller goes on with the next batches meanwhile."""
        async def sync_then_answer() -> None:
            try:
                await self.sync()
            except StorageError as exc:
                answer(exc)
                return
            answer(None)
        task = asyncio.create_task(sync_then_answer(), name="database-sync")
        self._waiting.add(task)
        task.add_done_callback(self._waiting.discard)

    async def close(self) -> None:
        """After the syncs under way."""
        if self._waiting:
            await asyncio.gather(*self._waiting, return_exceptions=True)
        os.close(self._fd)


class Checkpointer:
    """WAL checkpoints off the commit path (modes RECORDS and NORMAL).

    SQLite checkpoints in the connection that commits, once the WAL holds 1000 pages:
    with NORMAL that checkpoint (copying the pages into the database file, two fsyncs)
    is the one slow commit, and every step queued behind it waited (a 520 ms COMMIT in
    the bench). Here a second connection, on a thread of its own, runs a PASSIVE
    checkpoint (it never blocks the writer) at most every ``every`` seconds after
    commits; the writer's own automatic checkpoint stays as a backstop at
    :data:`BACKSTOP` pages, for a WAL the background ones cannot keep short.
    """

    BACKSTOP = 10_000  # pages (40 MB of 4 KB pages)

    def __init__(self, path: str, every: float = 1.0) -> None:
        import sqlite3

        self.path, self.every = path, every
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._running: asyncio.Task | None = None
        self._last = time.monotonic()  # the first one ``every`` seconds after the start
        self.done = 0  # checkpoints run (for the tests and benchmarks)

    def _checkpoint(self) -> None:
        self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    async def _run(self) -> None:
        try:
            await asyncio.to_thread(self._checkpoint)
            self.done += 1
        except Exception as exc:  # the backstop checkpoints instead; nothing is lost
            log.warning("background checkpoint failed: %s", type(exc).__name__)

    def after_commit(self) -> None:
        """A commit happened: start a checkpoint if none runs and the last is old enough."""
        now = time.monotonic()
        if (self._running is None or self._running.done()) and now - self._last >= self.every:
            self._last = now
            self._running = asyncio.create_task(self._run(), name="database-checkpoint")

    async def close(self) -> None:
        if self._running is not None:
            await asyncio.gather(self._running, return_exceptions=True)
        self._conn.close()
