"""The Telegram adapter: update -> dialog input, dialog replies -> Bot API calls.

No dialog logic lives here. One handler takes every private message and button
press; the assistant applies it exactly once (by ``update_id``) and commits the
session before anything is sent. One message budget call per answer: the chosen
answer is shown at the top of the next message ("➡️ 是") instead of editing the
question; taking the buttons off the answered question is *cosmetic*, made only
when the budget has room (bot/send_budget.py). A step's replies are one message where
they fit (a note or preface goes into the question after it; a file, text over 4096
characters or a change of content protection starts another: bot/keyboards.py
``messages``). The
replies sent are counted in the database, so a retry after a crash sends only the
replies not yet sent; the update leaves the inbox (bot/polling.py) once all are sent.
"""
from __future__ import annotations

import asyncio
import dataclasses
import html
import logging
from collections import OrderedDict

from telegram import BotCommand, BotCommandScopeDefault, InputFile, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from dialogs.assistant import Assistant
from dialogs.render import Rendered
from dialogs.types import Button, Command, Text
from locales import LANGUAGES, translator
from storage import user_key

from bot.bot_api_http import bot_api_request
from bot.group_chats import point_to_private
from bot.telegram_input import OpenQuestion, language_hint, language_note, to_input
from bot.keyboards import chosen_label, is_nav, keyboard, messages
from bot.logsafe import safe_trace
from bot.polling import Inbox, InboxBot, InboxQueue
from bot.processor import PerUserUpdateProcessor
from bot.send_budget import SendBudget
from bot.settings import Settings

log = logging.getLogger(__name__)
COMMANDS = ("start", "screen", "materials", "apply", "status", "mydraft", "back", "why", "idk", "change", "restart",
            "language", "cancel", "privacy", "mydata", "forget", "help")
SEND_ATTEMPTS = 6
SEND_TIMEOUT = 40.0  # seconds: Telegram may take tens of seconds to answer; giving up early sends twice
REMEMBERED = 50_000  # people whose open question is remembered (for "1" and for taking its buttons off)
# updates handled at once (PTB's default is 256): each waits mostly for its send, so 64 keep a capped
# or a local Bot API server busy, while a burst of 500 people grows the RSS by half as much (docs/benchmarks.md)
CONCURRENT_UPDATES = 64
# connections to the Bot API: httpcore looks at every pooled connection before and after each request
# (and, for each idle one, counts them all again), so each connection kept costs CPU on every call.
# Under Telegram's cap 32 carry 30 sends a second at up to a second each. With no cap (a local Bot
# API server) 8 carried more answers a second than 32 against the bench's server (docs/benchmarks.md,
# fourth round); at a local server's ~100 ms per sendMessage (it waits for Telegram) 8 still carry
# ~80 a second, above what Telegram lets a bot send
CONNECTIONS = 32
LOCAL_CONNECTIONS = 8
SHARED_ANSWER_SETS = 2_000  # distinct answer sets kept shared (questions x languages, and a margin)


async def with_retries(call, what: str):
    """Runs a Bot API call, retrying network errors with backoff (429s are the budget's)."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await call()
        except (BadRequest, Forbidden):
            raise
        except NetworkError:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(min(0.2 * 2 ** attempt, 5))
    return None


class TelegramChannel:
    """Handles updates for the application: the dialogs, the sends, the inbox."""

    def __init__(self, assistant: Assistant, inbox: Inbox, budget: SendBudget) -> None:
        self.assistant, self.inbox, self.budget = assistant, inbox, budget
        self.open: OrderedDict[int, OpenQuestion] = OrderedDict()
        self.known: OrderedDict[str, None] = OrderedDict()  # people seen by this process
        self.finished: set[int] = set()  # updates whose inbox row this handler removed
        self.busy = 0  # updates being handled (a cosmetic edit waits for an idle moment)
        self.answer_sets: dict[tuple, tuple] = {}  # one copy of each question's answers, shared by everyone asked

    def _shared(self, answers: tuple) -> tuple:
        """The one copy of ``answers`` kept (10,000 people asked the same question hold one)."""
        if len(self.answer_sets) > SHARED_ANSWER_SETS:
            self.answer_sets.clear()
        return self.answer_sets.setdefault(answers, answers)

    def _remember(self, table: OrderedDict, key, value) -> None:
        table[key] = value
        table.move_to_end(key)
        if len(table) > REMEMBERED:
            table.popitem(last=False)

    async def handle(self, update: Update, bot) -> None:
        """Applies one update for its person and sends the replies (see the module docstring)."""
        self.busy += 1
        try:
            await self._handle(update, bot)
        finally:
            self.busy -= 1

    async def _handle(self, update: Update, bot) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != ChatType.PRIVATE:
            return await point_to_private(bot, update) if chat is not None else None  # no personal data in groups
        key = user_key("tg", user.id)
        answered = self.open.get(chat.id)  # the open question: an answer typed to it takes its buttons off
        inp = to_input(update, answered)
        if not isinstance(inp, Text | Button):
            answered = None
        notes: list[str] = []
        if key not in self.known:
            note = language_note(user.language_code)
            if note and await self.assistant.db.run(lambda tx: tx.users.get(key)) is None:
                notes.append(note)
            self._remember(self.known, key, None)
        if inp is None:  # a sticker, photo, voice message, file...
            if update.message is None:
                return
            notes.append("bot.only_text")
            inp = Command("start")  # repeats the open question (or shows the menu)
        replies = await self.assistant.handle(key, inp, update_id=update.update_id,
                                              language_hint=language_hint(user.language_code))
        if update.message is not None and any(r.delete_input for r in replies):  # it held an ID or bank number
            replies = await _delete_input(bot, chat.id, update.message.message_id, replies)
        query = update.callback_query
        mark = None
        if query is not None:
            stale = bool(replies) and replies[0].stale
            try:
                await with_retries(lambda: query.answer(replies[0].text if stale else None),
                                   "answerCallbackQuery")
            except BadRequest as exc:  # answered before a crash, or too old: the replies still go out
                log.info("callback query not answered: %s", exc.message)
            if stale:
                await self._finish(update.update_id, key)
                return
            markup = query.message.reply_markup if query.message else None
            label = chosen_label(markup, query.data)
            asked = answered is not None and query.message is not None and answered.asks \
                and answered.message_id == query.message.message_id
            mark = label if label and asked and not is_nav(query.data) else None
            if query.message is not None:
                answered = OpenQuestion(None, (), None, query.message.message_id, markup is not None)
        elif isinstance(inp, Button) and answered is not None and answered.asks:
            mark = next((label for i, label in answered.answers if inp.value == f"#{i}"), None)
        head = ""
        if notes:  # they start the step's message (the question repeated, the introduction)
            t = translator(await self.assistant.language_of(key))
            head = html.escape("\n".join(t(n) for n in notes), quote=False) + "\n\n"
        await self._send_replies(bot, chat.id, key, update.update_id, replies, mark, head)
        if answered is not None and answered.has_keyboard and replies and not replies[0].stale:
            asyncio.create_task(self._take_buttons_off(bot, chat.id, answered.message_id))

    async def _send(self, bot, chat_id: int, text: str, markup: dict | None, protect: bool = False) -> int:
        """One sendMessage (HTML, the keyboard as the Bot API's JSON); the message's id.
        The message Telegram sends back stays JSON (``InboxBot.post_json``): PTB's Message
        object, keyboard and all, was built for every send only to read its id."""
        params: dict = {"chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML.value}
        if markup:
            params["reply_markup"] = markup
        if protect:
            params["protect_content"] = True
        sent = await with_retries(lambda: bot.post_json("sendMessage", params), "sendMessage")
        return int(sent.get("message_id", 0)) if isinstance(sent, dict) else 0

    async def _send_replies(self, bot, chat_id: int, key: str, update_id: int, replies: list[Rendered],
                            mark: str | None, notes: str = "") -> None:
        """Sends the step's replies as HTML messages (joined into one where they fit,
        bot.keyboards.messages; ``notes`` and the answer chosen first), each with its
        keyboard, counting the replies sent."""
        if replies and not any(r.buttons or r.expects for r in replies):
            self.open.pop(chat_id, None)  # no question is open any more (a result, a notice)
        head = notes + (f"➡️ <b>{html.escape(mark, quote=False)}</b>\n" if mark else "")
        if notes and not replies:  # a redelivered step whose replies all went: the notes alone
            await self._send(bot, chat_id, notes.rstrip("\n"), None)
        joined = messages(replies, head)
        for n, (text, reply, count) in enumerate(joined):
            markup = keyboard(reply)
            sent = await self._send(bot, chat_id, text, markup, reply.protect)
            if reply.document:  # the person's own copy of their form
                await with_retries(lambda r=reply: bot.send_document(
                    chat_id, InputFile(r.document[1], filename=r.document[0]), protect_content=r.protect), "sendDocument")
            if reply.buttons or reply.expects:
                answers = self._shared(tuple((i, b.label) for i, b in enumerate(reply.buttons) if not b.nav))
                self._remember(self.open, chat_id, OpenQuestion(reply.seq, answers, reply.expects, sent,
                                                                markup is not None, reply.asks))
            if n < len(joined) - 1:
                await self.assistant.reply_sent(key, update_id, count)
        await self._finish(update_id, key)

    async def _finish(self, update_id: int, key: str | None) -> None:
        await self.inbox.done(update_id, key)
        self.finished.add(update_id)

    async def _take_buttons_off(self, bot, chat_id: int, message_id: int) -> None:
        """Cosmetic: the answered question loses its buttons, if the bot is idle and the budget has room."""
        if not message_id or self.busy or not self.budget.room_for_cosmetic():
            return
        try:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None,
                                                rate_limit_args={"cosmetic": True})
        except TelegramError as exc:  # gone, not modified, a network error: it was cosmetic
            log.info("buttons not taken off: %s", type(exc).__name__)

    async def after(self, update: object) -> None:
        """Every update leaves the inbox once handled, replied to or not (failures included)."""
        if not isinstance(update, Update):
            return
        if update.update_id in self.finished:
            self.finished.discard(update.update_id)
            return
        try:
            await self.inbox.done(update.update_id)
        except Exception as exc:  # it stays in the inbox and is handled again at the next start
            log.error("update %s not removed from the inbox: %s", update.update_id, type(exc).__name__)


class InboxApplication(Application):
    """An Application that tells the channel when an update is done with, and keeps no
    per-person record without a persistence (PTB's sets of chat and user ids "to be
    updated in persistence" are emptied only by a persistence: they grew by every person)."""

    def _mark_for_persistence_update(self, *, update: object | None = None, job=None) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            channel = self.bot_data.get("channel")
            if channel is not None:
                await channel.after(update)


async def _delete_input(bot, chat_id: int, message_id: int, replies: list[Rendered]) -> list[Rendered]:
    """Deletes the person's message that held an ID or bank number; the reply says so."""
    try:
        await with_retries(lambda: bot.delete_message(chat_id, message_id), "deleteMessage")
    except BadRequest as exc:  # too old, or already gone: the masked echo still goes out
        log.info("message not deleted: %s", exc.message)
        return replies
    return [dataclasses.replace(r, text=f"{r.text}\n{r.delete_input}") if r.delete_input else r for r in replies]


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one handler."""
    await context.bot_data["channel"].handle(update, context.bot)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error (no personal data) and apologises; the conversation stays where it was."""
    err = context.error
    log.error("update %s failed: %s", getattr(update, "update_id", "?"), safe_trace(err))
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        assistant: Assistant = context.bot_data["assistant"]
        try:
            lang = await assistant.language_of(user_key("tg", update.effective_user.id))
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
    """The PTB application: the message budget, per-person ordering, updates kept in
    the inbox before they are confirmed (bot.polling), one handler, error handler."""
    request = bot_api_request(CONNECTIONS if settings.telegram_rate else LOCAL_CONNECTIONS,
                              read_timeout=SEND_TIMEOUT, write_timeout=SEND_TIMEOUT,
                              connect_timeout=10.0, pool_timeout=SEND_TIMEOUT)
    budget = SendBudget(settings.telegram_rate)
    bot = InboxBot(settings.token, base_url=settings.api_base_url, base_file_url=settings.api_file_url,
                   request=request, get_updates_request=HTTPXRequest(), rate_limiter=budget)
    inbox = Inbox(assistant.db)
    bot.attach(inbox)
    queue = InboxQueue()
    queue.inbox = inbox
    app = (Application.builder().bot(bot).update_queue(queue).application_class(InboxApplication)
           .concurrent_updates(PerUserUpdateProcessor(CONCURRENT_UPDATES)).build())
    app.bot_data["assistant"] = assistant
    app.bot_data["channel"] = TelegramChannel(assistant, inbox, budget)
    app.bot_data["default_language"] = settings.default_locale
    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)
    return app
