"""The connection a repository talks to (:class:`Conn`) and small query helpers.

Repositories see only this narrow, portable surface, so a second backend
(PostgreSQL behind a pool, see architecture.md "Scale") only has to provide these
three methods. The SQL the repositories write is portable too:

- ``?`` placeholders (a backend that wants ``$1`` or ``%s`` rewrites them);
- ``INSERT ... ON CONFLICT DO NOTHING`` (never ``INSERT OR IGNORE``),
  ``INSERT ... RETURNING id`` (never ``lastrowid``), window functions and CTEs;
- times as the fixed-width ISO UTC text of :mod:`storage.times` (sorts as text),
  encrypted data as bytes (BLOB / bytea).

SQLite specifics (PRAGMAs, WAL, BEGIN IMMEDIATE, the adapter) live in storage/db.py.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Row = tuple[Any, ...]


class Conn(Protocol):
    """What a repository may do inside its transaction."""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a write; the number of rows it changed."""

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query (or of an ``INSERT ... RETURNING``), or None."""

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows of a query."""


async def fetch_one(conn: Conn, sql: str, params: Sequence[Any] = ()) -> Row | None:
    """The first row of a query, or None."""
    return await conn.fetch_one(sql, params)


async def fetch_all(conn: Conn, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """All rows of a query."""
    return await conn.fetch_all(sql, params)


async def run(conn: Conn, sql: str, params: Sequence[Any] = ()) -> int:
    """Execute a write; the number of rows it changed."""
    return await conn.execute(sql, params)


def placeholders(count: int) -> str:
    """``?, ?, ?`` for an ``IN (...)`` list of ``count`` values (at least one)."""
    if count < 1:
        raise ValueError("an IN list needs at least one value")
    return ", ".join("?" * count)
