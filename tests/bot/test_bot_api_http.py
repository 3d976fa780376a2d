"""The Bot API's connection pool (bot/bot_api_http.py) against a real local HTTP server:
connections are reused, one the server closed while idle is noticed (the next request
goes out on a new one instead of failing), and the socket is polled, not re-inspected."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from bot.bot_api_http import bot_api_request, environment_proxy


class Server:
    """A local HTTP server that counts the connections it was sent requests on."""

    def __init__(self, keepalive: float = 75.0) -> None:
        self.keepalive, self.peers = keepalive, set()

    async def __aenter__(self) -> Server:
        async def answer(request: web.Request) -> web.Response:
            self.peers.add(request.transport.get_extra_info("peername"))
            return web.json_response({"ok": True, "result": {"message_id": len(self.peers)}})
        app = web.Application()
        app.router.add_post("/bot1:A/{method}", answer)
        self.runner = web.AppRunner(app, keepalive_timeout=self.keepalive)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/bot1:A/sendMessage"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()


async def post(request, url: str) -> dict:
    code, body = await request.do_request(url, "POST", request_data=None)
    assert code == 200
    return body


@pytest.fixture
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


async def test_connections_are_reused(no_proxy):
    request = bot_api_request(8, read_timeout=5.0)
    await request.initialize()
    async with Server() as server:
        for _ in range(30):
            await post(request, server.url)
        await asyncio.gather(*(post(request, server.url) for _ in range(30)))
    await request.shutdown()
    assert 1 <= len(server.peers) <= 8


async def test_a_connection_the_server_closed_is_not_used_again(no_proxy):
    request = bot_api_request(4, read_timeout=5.0)
    await request.initialize()
    async with Server(keepalive=0.1) as server:
        await post(request, server.url)
        await asyncio.sleep(0.5)  # the server has closed the idle connection meanwhile
        for _ in range(3):
            await post(request, server.url)
            await asyncio.sleep(0.3)
    await request.shutdown()
    assert len(server.peers) == 4  # each request after a pause on a new connection, none failed


def test_an_environment_proxy_keeps_httpx_own_transport(monkeypatch, no_proxy):
    assert environment_proxy() is False
    monkeypatch.setenv("NO_PROXY", "localhost")
    assert environment_proxy() is False
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert environment_proxy() is True
