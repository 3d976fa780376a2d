"""A Chinese user screens themselves through the real bot over HTTP (smoke test)."""
import asyncio
import datetime as dt

from bot.settings import load_settings
from bot.telegram_main import serve


async def test_chinese_user_reaches_a_result(fake_telegram, tmp_path):
    tg = fake_telegram
    settings = load_settings({"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_BASE_URL": tg.base_url,
                              "TELEGRAM_API_FILE_URL": tg.base_file_url,
                              "BOT_DATABASE": str(tmp_path / "bot.sqlite3"),
                              "BOT_DATA_KEY": "a passphrase that is long enough"}, need_token=True)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, today=lambda: dt.date(2016, 10, 15)))
    try:
        alice = tg.user(1001, first_name="Alice", language_code="zh-hans")
        await alice.send("/start screen")
        q = await alice.next_message(timeout=10)         # the introduction and the first question: one message
        assert "开始" in q.text
        assert "工会会员" in q.text                       # the scope conditions, as one question
        await alice.press(q, "不全是")                    # not all: asked one by one
        q = await alice.next_message(timeout=10)
        assert "工会会员" in q.text
        await alice.press(q, "否")
        result = await alice.next_message(timeout=10)
        assert "不符合建档条件" in result.text
        assert result.text.startswith("➡️ 否\n")  # the chosen answer, at the top of the next message
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
