"""The Telegram adapter: update -> dialog input, dialog replies -> Bot API calls.

No dialog logic lives here. One handler takes every private message and button
press; the assistant applies it exactly once (by ``update_id``) and commits the
session before anything is sent; sends are retried on network errors and
``RetryAfter`` (the rate limiter), so a reply is not lost.
"""
from __future__ import annotations

import asyncio
import html
import logging
import warnings
from datetime import timedelta

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from dialogs.render import Rendered
from dialogs.assistant import Assistant
from dialogs.types import Command, Input, Text
from locales import LANGUAGES, translator
from storage import user_key

from bot.logsafe import safe_trace
from bot.keyboards import chosen_label, decode, html_text, keyboard
from bot.polling import AckingApplication, AckingBot
from bot.processor import PerUserUpdateProcessor
from bot.settings import Settings

log = logging.getLogger(__name__)
COMMANDS = ("start", "screen", "materials", "back", "why", "change", "restart", "language", "cancel", "help")
SEND_ATTEMPTS = 6


async def with_retries(call, what: str):
    """Runs a Bot API call, retrying network errors with backoff (RetryAfter is the limiter's)."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await call()
        except RetryAfter as exc:
            with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
                warnings.simplefilter("ignore")
                wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if isinstance(wait, timedelta) else float(wait))
        except (BadRequest, Forbidden):
            raise
        except NetworkError:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(min(0.2 * 2 ** attempt, 5))
    log.warning("%s: gave up after %d attempts", what, SEND_ATTEMPTS)
    return None


def to_input(update: Update) -> Input | None:
    """A private message or button press as a dialog input."""
    if update.callback_query:
        return decode(update.callback_query.data)
    msg = update.message
    if msg is None or msg.text is None:
        return None
    if msg.text.startswith("/"):
        head, _, arg = msg.text[1:].partition(" ")
        return Command(head.split("@", 1)[0], arg)
    return Text(msg.text)


async def send_replies(bot, chat_id: int, replies: list[Rendered]) -> None:
    """Sends each reply as one HTML message with its inline keyboard."""
    for reply in replies:
        await with_retries(lambda r=reply: bot.send_message(chat_id, html_text(r), parse_mode=ParseMode.HTML,
                                                            reply_markup=keyboard(r)), "sendMessage")


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Applies one update for its person and sends the replies."""
    assistant: Assistant = context.bot_data["assistant"]
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    inp = to_input(update)
    if inp is None:
        return
    replies = await assistant.handle(user_key("tg", user.id), inp, update_id=update.update_id,
                                     language_hint=user.language_code)
    query = update.callback_query
    if query is not None:
        stale = bool(replies) and replies[0].stale
        toast = replies[0].text if stale else None
        try:
            await with_retries(lambda: query.answer(toast), "answerCallbackQuery")
        except BadRequest as exc:  # answered before a crash, or too old: the replies still go out
            log.info("callback query not answered: %s", exc.message)
        if stale:
            await assistant.delivered(user_key("tg", user.id), update.update_id)
            return
        label = chosen_label(query.message.reply_markup if query.message else None, query.data)
        if label and query.message and query.message.text:
            await _record_choice(query, label)
    await send_replies(context.bot, chat.id, replies)
    await assistant.delivered(user_key("tg", user.id), update.update_id)


async def _record_choice(query, label: str) -> None:
    """Edits the question to show the chosen answer, so the chat reads as a record."""
    text = f"{html.escape(query.message.text, quote=False)}\n➡️ <b>{html.escape(label, quote=False)}</b>"
    try:
        await with_retries(lambda: query.edit_message_text(text, parse_mode=ParseMode.HTML), "editMessageText")
    except BadRequest as exc:  # e.g. "message is not modified" after a redelivery
        log.info("could not mark the chosen answer: %s", exc.message)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error (no personal data) and apologises; the conversation stays where it was."""
    err = context.error
    log.error("update %s failed: %s", getattr(update, "update_id", "?"), safe_trace(err))
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        assistant: Assistant = context.bot_data["assistant"]
        lang = await assistant.language_of(user_key("tg", update.effective_user.id))
        try:
            apology = html.escape(translator(lang)("bot.apology"), quote=False)
            await context.bot.send_message(update.effective_chat.id, apology, parse_mode=ParseMode.HTML)
        except Exception as exc:  # the apology is best effort
            log.warning("apology not sent: %s", type(exc).__name__)


async def describe_bot(app: Application) -> None:
    """Sets the command menu, description and short description in both languages
    (each call retried like a send; the menu is not worth failing the start for)."""
    bot = app.bot
    documents = app.bot_data["assistant"].edition.documents  # the policy documents, named as data

    async def describe(code: str | None, t) -> None:
        commands = [BotCommand(c, t(f"cmd.{c}")) for c in COMMANDS]
        await with_retries(lambda: bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                                       language_code=code), "setMyCommands")
        await with_retries(lambda: bot.set_my_description(t("bot.description", documents=documents.get(t.lang)),
                                                       language_code=code),
                           "setMyDescription")
        await with_retries(lambda: bot.set_my_short_description(t("bot.short_description"), language_code=code),
                           "setMyShortDescription")

    try:
        for lang in LANGUAGES:
            await describe(lang[:2], translator(lang))
        await describe(None, translator(app.bot_data["default_language"]))
    except NetworkError as exc:
        log.warning("command menu and descriptions not set: %s", type(exc).__name__)


def build_application(settings: Settings, assistant: Assistant) -> Application:
    """The PTB application: rate limiter, per-person ordering, updates confirmed once
    handled (bot.polling), one handler, error handler."""

    bot = AckingBot(settings.token, base_url=settings.api_base_url, base_file_url=settings.api_file_url,
                    request=HTTPXRequest(connection_pool_size=256), get_updates_request=HTTPXRequest(),
                    rate_limiter=AIORateLimiter(max_retries=5))
    app = (Application.builder().bot(bot).application_class(AckingApplication)
           .concurrent_updates(PerUserUpdateProcessor(64)).build())
    app.bot_data["assistant"] = assistant
    app.bot_data["default_language"] = settings.default_locale
    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)
    return app
