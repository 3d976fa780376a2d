"""Fixtures for the web chat: settings on a temporary database, an opened channel
with an injected date, and httpx clients on the app (ASGI transport, no socket)."""
from __future__ import annotations

import datetime as dt

import httpx
import pytest

from bot.settings import load_settings
from bot.web.app import build_app
from bot.web.channel import WebChannel
from bot.web.guard import Limits

TODAY = dt.date(2016, 10, 15)
DATA_KEY = "a passphrase that is long enough"
RELAXED = Limits(step_rate=1000.0, step_burst=1000)


def web_env(tmp_path, **extra: str) -> dict[str, str]:
    return {"BOT_DATABASE": str(tmp_path / "bot.sqlite3"), "BOT_DATA_KEY": DATA_KEY} | extra


@pytest.fixture
def settings(tmp_path):
    return load_settings(web_env(tmp_path), need_token=False)


@pytest.fixture
async def channel(settings):
    ch = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)
    yield ch
    await ch.close()


def client_of(app, lang: str = "zh-CN,zh;q=0.9") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                             headers={"accept-language": lang})


@pytest.fixture
async def app(channel):
    return build_app(channel)


@pytest.fixture
async def client(app):
    async with client_of(app) as c:
        yield c
