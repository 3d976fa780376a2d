"""Fixtures for the end-to-end tests against the fake Telegram Bot API server."""

import pytest

from .fake_telegram import FakeTelegram


@pytest.fixture
async def fake_telegram():
    """A started :class:`FakeTelegram` (token "123:ABC"), stopped after the test."""
    async with FakeTelegram(token="123:ABC") as tg:
        yield tg
