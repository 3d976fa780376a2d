"""``python -m bot web``: the web chat on BOT_WEB_LISTEN:BOT_WEB_PORT (uvicorn).

The socket is bound before anything else, so a busy port is one clear line; the
address is printed once the server accepts connections. No access log: a URL can
carry an invite code, and nothing personal goes to the logs.
"""
from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Mapping

import uvicorn

from bot.settings import SettingsError, load_settings
from bot.web.app import build_app
from bot.web.channel import WebChannel


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or SettingsError naming the address."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SettingsError(f"BOT_WEB_LISTEN/BOT_WEB_PORT: cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class Server(uvicorn.Server):
    """uvicorn's server, stopped by our SIGTERM/SIGINT handlers: uvicorn's own would
    re-raise the signal after its shutdown and end the process before the database
    and the outbox sender are closed."""

    @contextlib.contextmanager
    def capture_signals(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        try:
            yield
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    def stop(self) -> None:
        self.should_exit = True


def address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else (f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}/"


async def serve_web(env: Mapping[str, str], *, announce=print) -> int:
    settings = load_settings(env, need_token=False)
    sock = bind(settings.web_listen, settings.web_port)
    channel = await WebChannel.open(settings)
    server = Server(uvicorn.Config(build_app(channel), lifespan="off", log_level="warning",
                                          access_log=False, server_header=False, proxy_headers=False))
    try:
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            announce(f"web chat: {address(settings.web_listen, settings.web_port)}  (Ctrl+C to stop)", flush=True)
        await serving
    finally:
        await channel.close()
        sock.close()
    return 0


def run_web(env: Mapping[str, str]) -> int:
    return asyncio.run(serve_web(env))
