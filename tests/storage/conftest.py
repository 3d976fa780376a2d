"""Fixtures for the storage tests: a fake clock, a cipher, an opened database."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storage import Database, DataCipher

KEY = bytes(range(32))


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cipher() -> DataCipher:
    return DataCipher(KEY)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def db(db_path: Path, cipher: DataCipher, clock: FakeClock):
    database = await Database.open(db_path, cipher, clock=clock)
    try:
        yield database
    finally:
        await database.close()
