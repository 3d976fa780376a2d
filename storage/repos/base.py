"""Small query helpers shared by the repositories."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

Row = tuple[Any, ...]


async def fetch_one(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> Row | None:
    """The first row of a query, or None."""
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return tuple(row) if row is not None else None


async def fetch_all(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """All rows of a query."""
    async with conn.execute(sql, params) as cursor:
        rows = await cursor.fetchall()
    return [tuple(row) for row in rows]


async def run(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    """Execute a write; the number of rows it changed."""
    async with conn.execute(sql, params) as cursor:
        return cursor.rowcount
