"""Webhook mode: Telegram posts updates to the bot's own HTTP server; a request
without the right secret token is refused and changes nothing."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import socket

import aiohttp

from bot.settings import load_settings
from bot.telegram_main import serve

from .bot_runner import bot_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_updates_arrive_by_webhook_and_a_wrong_secret_is_refused(fake_telegram, tmp_path):
    tg = fake_telegram
    port = free_port()
    settings = dataclasses.replace(  # Telegram wants https; the fake accepts http on loopback
        load_settings(bot_env(tg, tmp_path), need_token=True),
        webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret="s3cret-token",
        webhook_port=port, webhook_listen="127.0.0.1")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, today=lambda: dt.date(2016, 10, 15)))
    try:
        await tg.wait_for(lambda: tg.state.webhook.get("url"), 20, "setWebhook")
        assert tg.state.webhook["secret_token"] == "s3cret-token"
        wang = tg.user(4242, "王", language_code="zh")
        await wang.send("/start screen")
        question = await wang.next_message(timeout=10)           # the introduction and the first question
        assert "工会会员" in question.text

        forged = {"update_id": 999999, "message": {
            "message_id": 1, "date": 0, "chat": {"id": 4242, "type": "private"},
            "from": {"id": 4242, "is_bot": False, "first_name": "王"}, "text": "/cancel"}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(f"http://127.0.0.1:{port}/hook", json=forged, headers=headers) as r:
                    assert r.status == 403
        await wang.no_message(within=0.5)                        # nothing was cancelled or sent

        await wang.press(question, "不全是")                    # the scope conditions one by one
        question = await wang.next_message(timeout=10)
        await wang.press(question, "否")
        result = await wang.next_message(timeout=10)
        assert "不符合建档条件" in result.text
        assert all(status == 200 for _, status in tg.webhook_deliveries)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
