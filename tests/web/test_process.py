"""``python -m bot web`` as a real process: prints its address, serves the page,
stops on SIGTERM; a bad setting or a busy port is one line on stderr and exit 2."""
from __future__ import annotations

import asyncio
import socket
import sys

import httpx
import pytest

from e2e.bot_runner import run_bot_cli, subprocess_env

from .conftest import web_env

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_python_m_bot_web_prints_its_address_and_serves(tmp_path):
    port = free_port()
    env = subprocess_env(web_env(tmp_path, BOT_WEB_PORT=str(port)))
    env.pop("BOT_DATA_KEY")  # a fresh clone: the key file is created next to the database
    env["BOT_DATABASE"] = "data/bot.sqlite3"
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "web", cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert f"http://127.0.0.1:{port}/" in line
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
            r = await c.get("/")
            assert r.status_code == 200 and 'lang="zh-CN"' in r.text
        assert (tmp_path / "data" / "web-chat.sqlite3").stat().st_mode & 0o077 == 0
    finally:
        proc.terminate()
        status = await asyncio.wait_for(proc.wait(), 15)
    err = (await proc.stderr.read()).decode()
    assert status == 0 and "Traceback" not in err, err


@pytest.mark.parametrize("bad", [{"BOT_WEB_PORT": "eighty"}, {"BOT_WEB_SECURE_COOKIES": "perhaps"}])
async def test_bad_setting_is_one_line(tmp_path, bad):
    status, out, err = await run_bot_cli(web_env(tmp_path, **bad), tmp_path, "web")
    assert status == 2 and len(err.strip().splitlines()) == 1 and list(bad)[0] in err


async def test_busy_port_is_one_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        status, out, err = await run_bot_cli(web_env(tmp_path, BOT_WEB_PORT=str(port)), tmp_path, "web")
    assert status == 2 and len(err.strip().splitlines()) == 1 and str(port) in err
