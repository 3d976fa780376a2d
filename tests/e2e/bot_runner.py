"""Running the bot against the fake server: in this event loop (``serving``, with an
injected ``today``) or as the real ``python -m bot`` process (:class:`BotProcess`)."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path
from typing import AsyncIterator

from bot.settings import load_settings
from bot.telegram_main import serve

DATA_KEY = "a passphrase that is long enough"
TODAY = dt.date(2016, 10, 15)


def bot_env(tg, tmp_path: Path) -> dict[str, str]:
    """The settings the bot gets to talk to ``tg`` with its database in ``tmp_path``."""
    return {"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_BASE_URL": tg.base_url,
            "TELEGRAM_API_FILE_URL": tg.base_file_url,
            "BOT_DATABASE": str(tmp_path / "bot.sqlite3"), "BOT_DATA_KEY": DATA_KEY}


async def polling_started(tg, polls_before: int, timeout: float = 20.0, task=None) -> None:
    """Waits for a new getUpdates call (the bot is up and polling)."""
    def started():
        if task is not None and task.done():
            task.result()  # raises what stopped it
            raise AssertionError("the bot stopped before polling")
        return len(tg.calls_of("getUpdates")) > polls_before
    await tg.wait_for(started, timeout, "the bot to start polling")


@contextlib.asynccontextmanager
async def serving(tg, tmp_path: Path, *, today: dt.date = TODAY, **env: str) -> AsyncIterator[asyncio.Task]:
    """The bot (``serve``) running in this event loop until the block ends (``env``: more settings)."""
    settings = load_settings(bot_env(tg, tmp_path) | env, need_token=True)
    stop = asyncio.Event()
    polls = len(tg.calls_of("getUpdates"))
    task = asyncio.create_task(serve(settings, stop, today=lambda: today))
    try:
        await polling_started(tg, polls, task=task)
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


def subprocess_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment without any of the bot's settings from outside, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "BOT_")) and k != "PYTHONPATH"}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class BotProcess:
    """The real ``python -m bot`` process; stderr goes to ``log`` (appended across restarts)."""

    def __init__(self, tg, tmp_path: Path, **extra: str):
        self.tg, self.cwd = tg, tmp_path
        self.env = subprocess_env(bot_env(tg, tmp_path) | extra)
        self.log = tmp_path / "bot-stderr.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        polls = len(self.tg.calls_of("getUpdates"))
        with self.log.open("ab") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.cwd, env=self.env,
                stdin=asyncio.subprocess.DEVNULL, stdout=err, stderr=err)
        exited = asyncio.ensure_future(self.proc.wait())
        deadline = time.monotonic() + 20
        try:
            while len(self.tg.calls_of("getUpdates")) <= polls and not exited.done():
                assert time.monotonic() < deadline, f"the bot did not start polling:\n{self.stderr()}"
                await asyncio.wait([exited], timeout=0.05)
        finally:
            exited.cancel()
        if self.proc.returncode is not None:
            raise AssertionError(f"the bot exited with {self.proc.returncode}:\n{self.stderr()}")

    async def kill(self) -> int:
        """SIGKILL, as a crash or an OOM kill would."""
        self.proc.send_signal(signal.SIGKILL)
        return await asyncio.wait_for(self.proc.wait(), 10)

    async def terminate(self, within: float = 10.0) -> tuple[int, float]:
        """SIGTERM; returns (exit status, seconds it took to exit)."""
        began = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(self.proc.wait(), within)
        return status, time.monotonic() - began

    async def close(self) -> None:
        """Kills the process if it still runs (end of a test)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


async def run_bot_cli(env: dict[str, str], cwd: Path, *args: str, timeout: float = 20.0) -> tuple[int, str, str]:
    """``python -m bot [args]`` to completion: (status, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=subprocess_env(env),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    return proc.returncode, out.decode(), err.decode()
