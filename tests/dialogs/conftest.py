"""Fixtures for the dialog tests: an Assistant over a real SQLite file in tmp_path,
with a fixed ``today`` (2016-10-15 unless a test asks for another day)."""
from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import DEFAULT_TODAY, Person  # noqa: E402

from dialogs.assistant import Assistant  # noqa: E402
from storage import Database, DataCipher  # noqa: E402

OpenAssistant = Callable[..., Awaitable[Assistant]]


@pytest.fixture
def data_key() -> bytes:
    """One data key per test (the database is encrypted at rest)."""
    return os.urandom(32)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def open_assistant(db_path: Path, data_key: bytes) -> AsyncIterator[OpenAssistant]:
    """Opens an Assistant on the test's database file (again after a 'crash')."""
    opened: list[Database] = []

    async def _open(*, today: dt.date = DEFAULT_TODAY, language: str = "zh_CN",
                    path: Path | None = None, **options: Any) -> Assistant:
        db = await Database.open(path or db_path, DataCipher(data_key), synchronous="NORMAL")
        opened.append(db)
        return Assistant(db, today=lambda: today, default_language=language, **options)

    try:
        yield _open
    finally:
        for db in opened:
            await db.close()


@pytest.fixture
async def assistant(open_assistant: OpenAssistant) -> Assistant:
    return await open_assistant()


@pytest.fixture
def person(assistant: Assistant) -> Person:
    """A worker on Telegram talking to the assistant."""
    return Person(assistant, "tg:1001")
