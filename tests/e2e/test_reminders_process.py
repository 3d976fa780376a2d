"""Reminders through the real ``python -m bot`` process and the fake Bot API server.

- killed while sending, restarted: every reminder that fell due while it was down goes
  out once, saying it is late; one due a few seconds after the restart goes out on time;
  a person who blocked the bot is marked unreachable and not tried again;
- 2,000 people reminded of a campaign deadline through a server that allows 30 sends a
  second (429 beyond it): all delivered, none twice, no 429 (the bot keeps to 25/s).

Rows are seeded into the database file the way the dialogs plan them."""
from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dialogs.reminder_plan import plan_case_reminders, plan_deadline
from rules.reminder_times import ReminderPolicy
from storage import Database, DataCipher

from .bot_runner import DATA_KEY, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
UTC = dt.timezone.utc
ZONE = ZoneInfo("Asia/Shanghai")


def sends_to(tg, chat_id: int, **kwargs) -> list:
    return [c for c in tg.calls_of("sendMessage", **kwargs) if c.params.get("chat_id") == chat_id]


async def seed(tmp_path: Path, now: dt.datetime, plan) -> None:
    """Runs ``plan(tx)`` on the bot's database file with the clock at ``now``."""
    cipher = DataCipher.from_settings(DATA_KEY, tmp_path / "bot.key")
    async with await Database.open(tmp_path / "bot.sqlite3", cipher, clock=lambda: now) as db:
        async with db.transaction() as tx:
            await plan(tx)


def reminder_rows(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        return conn.execute("SELECT recipient, state, late FROM reminders WHERE recipient IS NOT NULL "
                            "ORDER BY recipient").fetchall()


async def test_reminders_due_while_down_go_out_once_across_a_kill(fake_telegram, tmp_path):
    tg = fake_telegram
    ana, bo, blocked = tg.user(7101, "Ana", language_code="en"), tg.user(7102, "Bo"), tg.user(7103, "X")
    blocked.block()
    now = dt.datetime.now(UTC)
    soon = now + dt.timedelta(seconds=12)
    on_time = ReminderPolicy((0,), soon.astimezone(ZONE).time(), ZONE)
    yesterday = ReminderPolicy((1,), dt.time(9, 0), ZONE)

    async def plan(tx):
        await tx.users.get_or_create("tg:7101", language="en")
        await tx.users.get_or_create("tg:7102", language="zh_CN")
        for key in ("tg:7101", "tg:7102", "tg:7103"):  # due yesterday 09:00: the bot was down
            await plan_case_reminders(tx, "draft_returned", f"draft:{key}", key, now.astimezone(ZONE).date(),
                                      policy=yesterday)
        await plan_case_reminders(tx, "notice_end", "notice:1", "tg:7101", soon.astimezone(ZONE).date(),
                                  policy=on_time)

    await seed(tmp_path, now - dt.timedelta(days=2), plan)
    bot = BotProcess(tg, tmp_path)
    try:
        tg.fail_next("sendMessage", "timeout", delay=30.0)  # the first send is never answered ...
        await bot.start()
        await tg.wait_for(lambda: any(c.injected == "timeout" for c in tg.calls_of("sendMessage")), 15,
                          "a send to be held")
        assert await bot.kill() == -9  # ... the process dies while sending
        await bot.start()
        first = await ana.next_message(timeout=15)
        assert first.text.startswith("(This reminder was due on") and "Your application was returned" in first.text
        assert first.buttons == [[("Open my application", None)]]  # a link: t.me/<bot>?start=draft
        assert first.reply_markup["inline_keyboard"][0][0]["url"].endswith("?start=draft")
        assert "你的申请已退回" in (await bo.next_message(timeout=10)).text
        notice = await ana.next_message(timeout=20)  # due a few seconds after the restart: on time
        assert notice.text.startswith("The public notice ends on") and "That is today." in notice.text
        assert dt.datetime.now(UTC) >= soon - dt.timedelta(seconds=1)
        await ana.no_message(1.5)
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    assert [len(sends_to(tg, i, applied=True)) for i in (7101, 7102, 7103)] == [2, 1, 0]
    assert len(sends_to(tg, 7103)) == 1  # blocked: tried once, then unreachable
    assert reminder_rows(tmp_path) == [("tg:7101", "sent", 1), ("tg:7101", "sent", 0), ("tg:7102", "sent", 1),
                                       ("tg:7103", "sent", 1)]
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        assert conn.execute("SELECT user_key FROM unreachable_recipients").fetchall() == [("tg:7103",)]
    assert "Traceback" not in bot.stderr() and "123:ABC" not in bot.stderr()


async def test_two_thousand_people_within_the_servers_limit(fake_telegram, tmp_path):
    tg = fake_telegram
    tg.limit_rate(30)
    people = [7_000_000 + i for i in range(2000)]
    for i, uid in enumerate(people):
        tg.user(uid, f"U{i}", language_code="en" if i % 2 else "zh-hans")
    now = dt.datetime.now(UTC)
    today = now.astimezone(ZONE).date()

    async def plan(tx):
        for i, uid in enumerate(people):
            await tx.users.get_or_create(f"tg:{uid}", language="en" if i % 2 else "zh_CN")
        d = await tx.deadlines.add(campaign="local", code="paper", name_zh="纸质档案上报", name_en="Paper files",
                                   due_date=today, audience="everyone", created_by="tg:1")
        await plan_deadline(tx, d, ReminderPolicy((1,), dt.time(9, 0), ZONE))  # due yesterday: fires at start

    await seed(tmp_path, now - dt.timedelta(days=3), plan)
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        began = asyncio.get_running_loop().time()
        await tg.wait_for(lambda: len(tg.calls_of("sendMessage", applied=True)) >= len(people), 150,
                          "every reminder to be sent")
        took = asyncio.get_running_loop().time() - began
        await asyncio.sleep(1.0)
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    sent = [c.params["chat_id"] for c in tg.calls_of("sendMessage", applied=True)]
    assert sorted(sent) == people  # all delivered, none twice
    assert tg.flood_errors == 0 and tg.flood_violations == []
    assert len(people) / took <= 26  # BOT_BROADCAST_RATE (25/s) kept
    assert tg.user(people[1]).messages[0].text.startswith("(This reminder was due on")
