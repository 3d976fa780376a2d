"""Throughput of the real bot over HTTP against the fake Bot API server.

Every Bot API call but getUpdates answers after a simulated network round trip
(LATENCY), as Telegram does from a real network. Compares, in one run, the default sequential update processing with the
per-person processor the bot uses (different people concurrently, one person in
order). Each of U users sends /start screen and then M answers; prints updates/s,
CPU ms per update and the ratio. No assertions: figures only.

    .venv/bin/python bench/bot_bench.py [users] [answers]
"""
from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from e2e.fake_telegram import FakeTelegram  # noqa: E402

import bot.telegram_app as telegram_app  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.telegram_main import serve  # noqa: E402

LATENCY = 0.05  # seconds a Bot API call takes on a real network (round trip to Telegram)


class DistantTelegram(FakeTelegram):
    """The fake server, answering every call but getUpdates after a network round trip."""

    async def _handle(self, request):
        if "getupdates" not in request.path.lower():
            await asyncio.sleep(LATENCY)
        return await super()._handle(request)


ANSWERS = ["是", "是", "是", "否", "1", "否", "否", "否", "城镇", "1975-06-01", "否", "是",
           "南昌市城区", "3", "25200"]


async def run(users: int, answers: int, per_user: bool, limited: bool) -> tuple[int, float, float]:
    """(updates, wall seconds, cpu seconds) for one configuration."""
    original = telegram_app.PerUserUpdateProcessor
    if not per_user:
        telegram_app.PerUserUpdateProcessor = lambda n: False  # concurrent_updates(False)
    try:
        async with DistantTelegram(token="123:ABC") as tg:
            with tempfile.TemporaryDirectory() as tmp:
                settings = load_settings({"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_BASE_URL": tg.base_url,
                                          "TELEGRAM_API_FILE_URL": tg.base_file_url,
                                          "BOT_DATABASE": f"{tmp}/b.sqlite3",
                                          "BOT_DATA_KEY": "benchmark passphrase 123",
                                          # 0 lifts Telegram's 30 messages/s so the processing itself is measured
                                          "BOT_TELEGRAM_RATE": "30" if limited else "0"}, need_token=True)
                stop = asyncio.Event()
                task = asyncio.create_task(serve(settings, stop, today=lambda: dt.date(2016, 10, 15)))
                people = [tg.user(5000 + i, language_code="zh") for i in range(users)]
                await asyncio.sleep(0.5)
                wall, cpu = time.perf_counter(), time.process_time()

                async def converse(p):
                    await p.send("/start screen")
                    while not (await p.next_message(timeout=30)).buttons:  # up to the first question
                        pass
                    for text in ANSWERS[:answers]:
                        await p.send(text)
                        await p.next_message(timeout=30)

                await asyncio.gather(*(converse(p) for p in people))
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                stop.set()
                await task
    finally:
        telegram_app.PerUserUpdateProcessor = original
    return users * (answers + 1), wall, cpu


async def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    answers = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    for limited in (False, True):
        print(("with Telegram's 30 messages/s limiter" if limited else "without the rate limiter")
              + f", {LATENCY * 1000:.0f} ms per Bot API call:")
        results = {}
        for name, per_user in (("sequential (PTB default)", False), ("per-person processor", True)):
            n, wall, cpu = await run(users, answers, per_user, limited)
            results[name] = n / wall
            print(f"  {name:26s} {n} updates in {wall:.2f}s: {n / wall:7.1f} updates/s, "
                  f"{1000 * cpu / n:.2f} ms CPU per update (bot + fake server in one process)")
        base, ours = results.values()
        print(f"  ratio per-person / sequential: {ours / base:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
