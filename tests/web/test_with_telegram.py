"""The web chat and the Telegram bot at once on one database file: each person's
conversation stays their own, both reach their results, neither channel's update
ids are taken for the other's."""
from __future__ import annotations

import asyncio

import aiosqlite

from bot.settings import load_settings
from bot.web.app import build_app
from bot.web.channel import WebChannel
from bot.web.store import WEB_UPDATE_BASE
from e2e.bot_runner import TODAY, serving
from e2e.fake_telegram import FakeTelegram
from e2e.profiles import WORKER, profile
from e2e.screening_user import ScriptedUser, check_result, settle

from .conftest import RELAXED, client_of, web_env
from .webuser import WebUser, expected_questions, t


async def test_web_and_telegram_share_one_database(tmp_path):
    low_income = profile(household_annual_income="40000")  # not eligible: a different path
    async with FakeTelegram(token="123:ABC") as tg, serving(tg, tmp_path):
        settings = load_settings(web_env(tmp_path), need_token=False)
        assert settings.database == tmp_path / "bot.sqlite3"  # the bot's own file
        channel = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)
        try:
            async with client_of(build_app(channel)) as zh_web, client_of(build_app(channel), "en") as en_web:
                alice = ScriptedUser(tg.user(3001, "Alice", language_code="en"), "en", WORKER, how="mixed")
                wang = WebUser(zh_web)
                lee = WebUser(en_web, "en")
                await alice.start()
                await wang.open("/?start=screen")
                await lee.open("/?start=screen")

                async def telegram_side():
                    await alice.finish()

                results = await asyncio.gather(telegram_side(), wang.screen(WORKER, TODAY),
                                               lee.screen(low_income, TODAY, how="typed"))
                await settle(tg)
        finally:
            await channel.close()
    check_result(alice, TODAY)
    assert wang.asked == expected_questions(WORKER, TODAY)
    assert results[1][0].startswith(t("zh_CN", "result.eligible"))
    assert lee.asked == expected_questions(low_income, TODAY)
    assert results[2][0].startswith(t("en", "result.not_eligible"))
    assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]
    async with aiosqlite.connect(tmp_path / "bot.sqlite3") as db:
        keys = {row[0].split(":")[0] for row in await db.execute_fetchall("SELECT key FROM users")}
        assert keys == {"tg", "web"}
        ids = await db.execute_fetchall("SELECT update_id, user_key FROM processed_updates")
    assert all((uid >= WEB_UPDATE_BASE) == key.startswith("web:") for uid, key in ids)
