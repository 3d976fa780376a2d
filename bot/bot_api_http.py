"""The connections to the Bot API: PTB's HTTPXRequest over a pool whose idle check is cheap.

Before every request and after every response httpcore looks at each pooled
connection; for an idle one it asks the network stream whether the socket is
readable (a server that closed the connection). httpcore's anyio stream answers that
by building anyio's whole attribute table, a ``getpeername`` system call included,
then registering the socket with a new ``poll`` object: with a dozen idle connections
this was about a tenth of the bot's CPU under load (docs/benchmarks.md, fourth round).
:class:`ReadableOnce` answers the same question with one ``poll`` on an object
registered once per connection; everything else is httpcore's own stream, unchanged.

Only the network backend changes (httpcore's public ``network_backend``), so timeouts,
limits, retries and the mapping of errors to PTB's are httpx's and PTB's own. Where an
environment proxy is set (``HTTPS_PROXY`` and the like; a server that reaches Telegram
through one), httpx's own transport is kept: an explicit transport would bypass it.
"""
from __future__ import annotations

import select
import ssl
import typing
import urllib.request

import httpcore
import httpx
from telegram.request import HTTPXRequest


class ReadableStream(httpcore.AsyncNetworkStream):
    """httpcore's stream, with "is the socket readable?" answered by one ``poll``."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._sock = inner.get_extra_info("socket")
        self._poll: typing.Any = None
        if self._sock is not None and self._sock.fileno() >= 0:
            self._poll = select.poll()
            self._poll.register(self._sock.fileno(), select.POLLIN)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return ReadableStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            # a closed socket counts as readable, as in httpcore: its next read is the end
            if self._poll is None or self._sock.fileno() < 0:
                return True
            return bool(self._poll.poll(0))
        return self._inner.get_extra_info(info)


class ReadableOnce(httpcore.AsyncNetworkBackend):
    """httpcore's own backend (anyio), its streams wrapped in :class:`ReadableStream`."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.AsyncNetworkStream:
        return ReadableStream(await self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[typing.Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        return ReadableStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class BotApiTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (HTTP/1.1, ``limits``) whose pool uses :class:`ReadableOnce`."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        # httpx builds its pool without a way to pass a network backend; the same pool with one
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=ReadableOnce())


def environment_proxy() -> bool:
    """Whether a proxy is set in the environment (httpx would use it for the Bot API)."""
    return any(scheme != "no" for scheme in urllib.request.getproxies())


def bot_api_request(connections: int, **timeouts: float) -> HTTPXRequest:
    """PTB's HTTPXRequest with ``connections`` pooled over :class:`BotApiTransport`
    (httpx's own transport where an environment proxy is set)."""
    kwargs: dict[str, typing.Any] = {}
    if not environment_proxy():
        kwargs["httpx_kwargs"] = {"transport": BotApiTransport(httpx.Limits(max_connections=connections))}
    return HTTPXRequest(connection_pool_size=connections, **timeouts, **kwargs)
