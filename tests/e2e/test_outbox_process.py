"""The outbox through the real ``python -m bot`` process and the fake Bot API server:
a message to another person, committed but not sent when the process is SIGKILLed,
arrives exactly once after the restart; a person who blocked the bot (403) is tried
once and never again, across restarts. Rows are seeded into the database file the
way a dialog step queues them (``tx.outbox.add``)."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.outbox import render_payload
from dialogs.types import Label, Msg, Reply, reply_to_json
from storage import Database, DataCipher

from .bot_runner import DATA_KEY, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HELD = 30.0  # a send held this long by "Telegram" is, for the test, never answered
NAME_ZH, NAME_EN = "欧阳秀兰", "Ouyang Xiulan"


def notice(zh: str, en: str) -> dict:
    """A payload as a dialog step queues it (dialogs.types.reply_to_json of a reply):
    one line that shows a bilingual label (the catalog's bare "{date}" format)."""
    return reply_to_json(Reply((Msg("fmt.date_value", {"date": Label(zh, en)}),)))


async def seed(tmp_path: Path, messages: list[tuple[str, dict]], languages: dict[str, str]) -> list[int]:
    """Queues messages in the bot's database file, as a step in another process would."""
    cipher = DataCipher.from_settings(DATA_KEY, tmp_path / "bot.key")
    async with await Database.open(tmp_path / "bot.sqlite3", cipher) as db:
        async with db.transaction() as tx:
            for key, language in languages.items():
                await tx.users.get_or_create(key, language=language)
            return [await tx.outbox.add(key, payload) for key, payload in messages]


def rows(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        return conn.execute("SELECT recipient, state, attempts FROM outbox ORDER BY id").fetchall()


def sends_to(tg, chat_id: int, **kwargs) -> list:
    return [c for c in tg.calls_of("sendMessage", **kwargs) if c.params.get("chat_id") == chat_id]


def clean_log(log: str) -> None:
    assert "123:ABC" not in log, "the token is in the log"
    for secret in (NAME_ZH, NAME_EN):
        assert secret not in log, "a payload is in the log"
    assert "Traceback" not in log


async def test_a_queued_message_arrives_exactly_once_across_a_crash(fake_telegram, tmp_path):
    tg = fake_telegram
    ana = tg.user(6101, "Ana", language_code="en")
    returned = notice(f"{NAME_ZH}的申请已退回，请补充材料。", f"The application of {NAME_EN} was returned.")
    await seed(tmp_path, [("tg:6101", returned)], {"tg:6101": "en"})
    bot = BotProcess(tg, tmp_path)
    try:
        # 1. "Telegram" holds the send; the process dies before it is answered
        tg.fail_next("sendMessage", "timeout", delay=HELD)
        await bot.start()
        await tg.wait_for(lambda: any(c.injected == "timeout" for c in sends_to(tg, 6101)), 15,
                          "the send to be held")
        assert await bot.kill() == -9
        assert ana.messages == []
        reminder = notice("提醒：明天家访。", "Reminder: the home visit is tomorrow.")
        await seed(tmp_path, [("tg:6101", reminder)], {})  # queued while the bot is down

        # 2. restarted normally: both go out, once each, in order, in her language
        await bot.start()
        first = await ana.next_message(timeout=15)
        second = await ana.next_message(timeout=10)
        assert first.text == render_payload(returned, "en") == f"The application of {NAME_EN} was returned."
        assert second.text == render_payload(reminder, "en") == "Reminder: the home visit is tomorrow."
        assert first.reply_markup is None
        await ana.no_message(2.5)
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    assert len(sends_to(tg, 6101, applied=True)) == 2
    assert rows(tmp_path) == [("tg:6101", "sent", 1), ("tg:6101", "sent", 1)]
    clean_log(bot.stderr())


async def test_a_person_who_blocked_the_bot_is_not_tried_again(fake_telegram, tmp_path):
    tg = fake_telegram
    blocked, lin = tg.user(6201, "Bo"), tg.user(6202, "林", language_code="zh-hans")
    blocked.block()
    await seed(tmp_path, [
        ("tg:6201", notice(f"{NAME_ZH}：申请已提交。", f"{NAME_EN}: submitted.")),
        ("tg:6202", notice("新的申请待审核。", "A new application to review.")),
        ("tg:6201", notice("第二条", "second")),
    ], {"tg:6202": "zh_CN"})
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        assert (await lin.next_message(timeout=15)).text == "新的申请待审核。"  # default zh_CN too
        await tg.wait_for(lambda: any(c.status == 403 for c in sends_to(tg, 6201)), 10, "the 403")
        await asyncio.sleep(3.0)  # longer than the first retry's backoff (2 s)
        assert len(sends_to(tg, 6201)) == 1
        assert (await bot.terminate())[0] == 0

        await bot.start()  # still unreachable after a restart
        await asyncio.sleep(2.0)
        assert len(sends_to(tg, 6201)) == 1
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    assert blocked.messages == []
    assert rows(tmp_path) == [("tg:6201", "unreachable", 1), ("tg:6202", "sent", 1),
                              ("tg:6201", "unreachable", 0)]
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        assert conn.execute("SELECT user_key FROM unreachable_recipients").fetchall() == [("tg:6201",)]
    clean_log(bot.stderr())
