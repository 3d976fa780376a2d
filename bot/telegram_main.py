"""`python -m bot`: the Telegram bot, long polling by default, webhook optional.

Start: open the database, getMe, set the command menu and descriptions, then
poll (pending updates are kept: answers sent while the bot was down count).
SIGTERM/SIGINT: stop fetching, finish the updates in hand, close the database.
"""
from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Mapping
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken

from bot.settings import Settings, SettingsError, load_settings
from bot.telegram_app import build_application, describe_bot, with_retries
from bot.wiring import open_assistant

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(settings: Settings, stop: asyncio.Event, *, today=None) -> None:
    """Runs the bot until ``stop`` is set."""
    assistant = await open_assistant(settings, today=today)
    app = build_application(settings, assistant)
    try:
        try:
            await with_retries(app.initialize, "getMe")  # Telegram may hiccup at start too
        except InvalidToken:
            raise SettingsError("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather") from None
        await describe_bot(app)
        await app.start()
        if settings.webhook_url:
            await app.updater.start_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                                            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                                            webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
                                            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        else:
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False,
                                            timeout=10, bootstrap_retries=5)
        log.warning("bot started (%s)", "webhook" if settings.webhook_url else "long polling")
        await stop.wait()
        log.warning("stopping: finishing the updates in hand")
        await app.updater.stop()
        await app.stop()
        await with_retries(app.bot.confirm_handled, "getUpdates")  # so none is handled twice
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
        await assistant.db.close()


async def _main(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop)


def run_telegram(env: Mapping[str, str]) -> int:
    """Checks the settings and runs the bot; returns the exit status."""
    settings = load_settings(env, need_token=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token in URLs
    logging.getLogger("telegram").setLevel(logging.WARNING)
    asyncio.run(_main(settings))
    return 0
