"""Group commit: the steps waiting for the database run together, one COMMIT for all.

:meth:`storage.db.Database.run` queues a step (``step(tx)``, a coroutine awaiting only
the repositories of ``tx``) and waits for its result. One writer task takes every
step queued so far (at most :data:`BATCH`) and runs them on the database's thread in
one write transaction: BEGIN IMMEDIATE, each step inside its own SAVEPOINT (a step
that raises is rolled back alone and gets its exception), one COMMIT. Each caller
gets its result only after that COMMIT (and after the sync to disk its durability
mode owes it: storage/durability.py), so an acknowledged step is as durable as if it
had run alone, but a busy bot pays one COMMIT (one fsync) and one hand-over between
threads per batch instead of per step, and a step queued while a batch runs never
waits for the event loop to come round to it.

If SQLite ends the whole transaction itself (a full disk, an I/O error) or the
COMMIT fails, every step of the batch fails: none of them was applied.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NamedTuple

from storage.durability import writes_record
from storage.errors import StorageError
from storage.repos.base import Row

BATCH = 64  # steps run in one transaction at most


class InlineConn:
    """The portable Conn over the raw sqlite3 connection, for steps run on the database's
    own thread: its coroutines finish without ever suspending."""

    __slots__ = ("_conn", "records")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.records = False  # a statement may have written beyond the conversation (storage/durability.py)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a write; the number of rows it changed."""
        self.records = self.records or writes_record(sql)
        cursor = self._conn.execute(sql, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row, or None."""
        self.records = self.records or writes_record(sql)  # INSERT ... RETURNING
        cursor = self._conn.execute(sql, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return tuple(row) if row is not None else None

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows."""
        self.records = self.records or writes_record(sql)
        cursor = self._conn.execute(sql, params)
        try:
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()


def finish(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Runs a coroutine that never suspends (its awaits are InlineConn's) to its result."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise StorageError("a step run by Database.run awaited something other than the database")


class Outcome(NamedTuple):
    """One step's result, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


def run_batch(raw: sqlite3.Connection, steps: Sequence[Callable[[], Coroutine[Any, Any, Any]]]) -> list[Outcome]:
    """On the database's thread: the steps in one transaction, each in a savepoint; the
    outcome of each. Raises (nothing applied) if the transaction cannot begin, is lost
    or cannot commit."""
    raw.execute("BEGIN IMMEDIATE")
    outcomes: list[Outcome] = []
    try:
        for step in steps:
            if len(steps) > 1:
                raw.execute("SAVEPOINT step")
            try:
                value = finish(step())
            except BaseException as exc:  # this step only: undone, the others go on
                if not raw.in_transaction:
                    raise  # SQLite rolled the whole transaction back: every step is lost
                if len(steps) > 1:
                    raw.execute("ROLLBACK TO step")
                    raw.execute("RELEASE step")
                    outcomes.append(Outcome(error=exc))
                    continue
                raise
            if len(steps) > 1:
                raw.execute("RELEASE step")
            outcomes.append(Outcome(value))
        raw.execute("COMMIT")
    except BaseException:
        try:
            raw.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise
    return outcomes
