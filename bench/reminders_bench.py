"""A broadcast of reminders through the real ``python -m bot`` process against the
fake Bot API server with its rate limit enforced (429 retry_after beyond it).

N people (default 10,000) are in the database and a campaign deadline for everyone
has a reminder due (planned as the dialogs plan it, due yesterday: it fires when the
bot starts). Prints the achieved send rate as a share of the configured limit
(BOT_BROADCAST_RATE, default 25/s; aim >= 95%), the server's 429s (flood errors,
aim 0) and 429s not honoured, duplicates, and the bot's CPU per message (from
/proc, the whole process: polling, timer, outbox). The rate is measured between the
first and the last send, so the time to expand the audience into the outbox is shown
apart. No assertions: figures only.

    .venv/bin/python bench/reminders_bench.py [--people 10000] [--rate 25] [--server-limit 30]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from dialogs.reminder_plan import plan_deadline  # noqa: E402
from e2e.bot_runner import DATA_KEY, BotProcess  # noqa: E402
from e2e.fake_telegram import FakeTelegram  # noqa: E402
from rules.reminder_times import ReminderPolicy  # noqa: E402
from storage import Database, DataCipher  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def seed(folder: Path, people: list[int]) -> None:
    """The people and a deadline for everyone whose 1-day reminder fell due yesterday."""
    now = dt.datetime.now(dt.timezone.utc)
    cipher = DataCipher.from_settings(DATA_KEY, folder / "bot.key")
    async with await Database.open(folder / "bot.sqlite3", cipher, clock=lambda: now - dt.timedelta(days=3),
                                   synchronous="NORMAL") as db:
        async with db.transaction() as tx:
            for i, uid in enumerate(people):
                await tx.users.get_or_create(f"tg:{uid}", language="en" if i % 2 else "zh_CN")
            d = await tx.deadlines.add(campaign="bench", code="paper", name_zh="纸质档案上报", name_en="Paper files",
                                       due_date=now.astimezone(ZONE).date(), audience="everyone", created_by="tg:1",
                                       action_zh="上报纸质档案。", action_en="Send the paper files.",
                                       reference="赣教工〔2016〕27号")
            await plan_deadline(tx, d, ReminderPolicy((1,), dt.time(9, 0), ZONE))


async def main(count: int, rate: float, server_limit: int) -> None:
    people = [8_000_000 + i for i in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        await seed(folder, people)
        async with FakeTelegram(token="123:ABC", rate_limit=server_limit) as tg:
            for uid in people:
                tg.user(uid, "U")
            bot = BotProcess(tg, folder, BOT_BROADCAST_RATE=str(rate))
            try:
                started = time.monotonic()
                await bot.start()
                cpu0 = cpu_seconds(bot.proc.pid)
                sends = lambda: tg.calls_of("sendMessage", applied=True)  # noqa: E731
                await tg.wait_for(lambda: len(sends()) >= count, count / rate * 2 + 120, "every reminder sent")
                cpu = cpu_seconds(bot.proc.pid) - cpu0
                await asyncio.sleep(1.0)
                await bot.terminate(30)
            finally:
                await bot.close()
            done = sends()
            first, last = done[0].time, done[-1].time
            achieved = (len(done) - 1) / (last - first) if last > first else float("inf")
            chats = [c.params["chat_id"] for c in done]
            print(f"reminders: {count} people, BOT_BROADCAST_RATE {rate:g}/s, server limit {server_limit}/s")
            print(f"  first send {first - started:.1f} s after the start (timer + audience into the outbox)")
            print(f"  {len(done)} sent in {last - first:.1f} s: {achieved:.2f}/s = {achieved / rate:.1%} of the limit")
            print(f"  flood errors (429): {tg.flood_errors}; not honoured: {len(tg.flood_violations)}; "
                  f"duplicates: {len(chats) - len(set(chats))}; missing: {len(set(people) - set(chats))}")
            print(f"  bot CPU {cpu:.1f} s = {cpu * 1000 / len(done):.2f} ms per message")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--server-limit", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.rate, args.server_limit))
