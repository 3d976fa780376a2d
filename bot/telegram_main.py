"""`python -m bot`: the Telegram bot, long polling by default, webhook optional.

Start: open the database, prune old rows, getMe, set the command menu and
descriptions, start the outbox sender (messages to other people, bot/outbox.py),
handle the updates a crash left in the inbox (bot/polling.py), then poll (pending
updates are kept: answers sent while the bot was down count).
SIGTERM/SIGINT: stop fetching, finish the updates in hand, let the sends in hand
finish, close the database (an update not finished stays in the inbox).
"""
from __future__ import annotations

import asyncio
import gc
import html
import logging
import signal
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application

from bot.outbox import Deliver, OutboxSender, Rejected, RetryLater, Unreachable, render_payload
from bot.send_limiter import SendLimiter
from bot.progress import chat_progress
from bot.reminders import ReminderScheduler, report_progress
from bot.retention import start_retention, stop_retention
from bot.settings import Settings, SettingsError, load_settings
from bot.telegram_app import build_application, describe_bot, with_retries
from bot.wiring import open_assistant
from storage import Database

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def telegram_deliver(app: Application, db: Database, default_language: str,
                     limiter: SendLimiter | None = None) -> Deliver:
    """The outbox's deliver for 'tg:' keys: the payload rendered in the recipient's
    language, sent as one HTML message (a reminder's links as buttons) to the chat of
    the same id, within ``limiter``'s slots (taken right before the send)."""

    async def deliver(recipient: str, payload: dict[str, Any]) -> None:
        async with db.transaction() as tx:
            user = await tx.users.get(recipient)
        language = user.language if user else default_language
        try:
            text = html.escape(render_payload(payload, language), quote=False)
            chat_id = int(recipient.partition(":")[2])
            markup = open_buttons(app, payload, language)
        except Exception as exc:  # a payload or key that never becomes sendable
            raise Rejected(type(exc).__name__) from exc
        if limiter is not None:
            await limiter.acquire(recipient)
        try:
            await app.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                       reply_markup=markup)
        except RetryAfter as exc:  # flood control: every send waits (bot/outbox.py)
            wait = exc.retry_after
            raise RetryLater(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)) from exc
        except Forbidden as exc:  # blocked by the user (or deactivated)
            raise Unreachable(type(exc).__name__) from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise Unreachable(type(exc).__name__) from exc
            raise Rejected(type(exc).__name__) from exc

    return deliver


def open_buttons(app: Application, payload: dict[str, Any], language: str) -> InlineKeyboardMarkup | None:
    """A reminder's "open" buttons as links that start the bot with a payload
    (t.me/<bot>?start=draft): an outbox message is not a question of the session."""
    from dialogs.render import render
    from dialogs.types import reply_from_json

    reply = reply_from_json(payload)
    if not reply.choices or not app.bot.username:
        return None
    shown = render(reply, language).buttons
    rows = [[InlineKeyboardButton(b.label, url=f"https://t.me/{app.bot.username}?start={c.pick.value}")]
            for c, b in zip(reply.choices, shown) if c.pick.kind == "open"]
    return InlineKeyboardMarkup(rows) if rows else None


async def start_reminders(settings: Settings, assistant, sender: OutboxSender, app: Application) -> ReminderScheduler:
    """The reminder timer (bot/reminders.py), the policy new reminders are planned with,
    and BOT_EXAMPLE_CAMPAIGN's deadlines loaded (once: they are kept by code)."""
    from dialogs.deadlines import load_campaign_into
    from rules.reminder_times import ReminderPolicy

    assistant.reminder_policy = policy = ReminderPolicy(settings.reminder_days, settings.reminder_time,
                                                        settings.timezone)
    if settings.example_campaign:
        async with assistant.db.transaction() as tx:
            added = await load_campaign_into(tx, settings.example_campaign, policy, "system")
        log.warning("example campaign %s: %d deadline(s) added", settings.example_campaign, added)
    scheduler = ReminderScheduler(assistant.db, zone=settings.timezone, channels=("tg",), on_queued=sender.wake,
                                  on_broadcast=lambda r: _track(app, assistant, r))
    assistant.on_reminders = scheduler.wake
    scheduler.start()
    return scheduler


def _track(app: Application, assistant, reminder) -> None:
    """Shows the reviewer who sent a reminder now its progress: one message, edited."""
    from dialogs.render import text_of
    from locales import translator

    chat_id = int(reminder.started_by.partition(":")[2])

    async def say(msg, handle):
        text = html.escape(text_of(msg, translator(await assistant.language_of(reminder.started_by))), quote=False)
        if handle is None:
            return (await app.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)).message_id
        await app.bot.edit_message_text(text, chat_id=chat_id, message_id=handle, parse_mode=ParseMode.HTML)
        return handle

    async def track():
        try:
            await report_progress(assistant.db, reminder, say)
        except Exception as exc:  # the report is best effort; the reminders go out regardless
            log.warning("broadcast progress not shown: %s", type(exc).__name__)

    task = asyncio.get_running_loop().create_task(track())
    _TRACKING.add(task)
    task.add_done_callback(_TRACKING.discard)


_TRACKING: set[asyncio.Task] = set()


async def serve(settings: Settings, stop: asyncio.Event, *, today=None) -> None:
    """Runs the bot until ``stop`` is set."""
    assistant = await open_assistant(settings, today=today)
    db = assistant.db
    app = build_application(settings, assistant)
    limiter = SendLimiter(settings.broadcast_rate, 1.0 / settings.chat_rate)
    sender = OutboxSender(db, "tg", telegram_deliver(app, db, settings.default_locale, limiter),
                          limiter=limiter, pace=False)
    reminders = None
    retention = None
    app.bot_data["outbox"] = sender
    assistant.on_outgoing = sender.wake  # after a step that queued messages is committed
    assistant.show_progress = chat_progress(app)  # a long export's count, one message edited
    try:
        pruned = await db.prune(db.clock())
        log.info("pruned %d processed update(s) and %d sent message(s)", pruned.updates, pruned.outbox)
        try:
            await with_retries(app.initialize, "getMe")  # Telegram may hiccup at start too
        except InvalidToken:
            raise SettingsError("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather") from None
        await describe_bot(app)
        await app.start()
        gc.freeze()  # what start-up loaded (PTB, babel, the edition) is left out of every later collection
        await app.bot_data["channel"].inbox.replay(app.bot, app.update_queue)  # left by a crash: first
        sender.start()
        retention = start_retention(db, settings.retention_days, sender.wake)  # at start, then daily
        reminders = await start_reminders(settings, assistant, sender, app)  # what fell due while down: now
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
        if reminders is not None:
            await reminders.stop()
        await sender.stop()
    finally:
        await stop_retention(retention)
        if reminders is not None:
            await reminders.stop()
        await sender.stop()
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
