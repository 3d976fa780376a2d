"""Self-tests of the fake Telegram Bot API server, driven by the real PTB 22 stack."""

from __future__ import annotations

import asyncio
import html
import socket
import time

import aiohttp
import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton
from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, TimedOut
from telegram.ext import (AIORateLimiter, Application, CallbackQueryHandler, CommandHandler,
                          ContextTypes, MessageHandler, filters)
from telegram.request import HTTPXRequest

from .fake_telegram import FakeTelegram
from .fake_telegram_state import ApiError, parse_html

ALICE = 1001
# PTB 22.8 itself warns inside RetryAfter.__init__ whenever a 429 arrives.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def build_app(tg: FakeTelegram, errors: list | None = None, **kw) -> Application:
    """A tiny bot: /start -> keyboard, text -> echo (HTML, unescaped on purpose when the
    text starts with 'raw:'), button -> answer + edit."""
    builder = Application.builder().token(tg.token).base_url(tg.base_url) \
        .base_file_url(tg.base_file_url)
    if "rate_limiter" in kw:
        builder = builder.rate_limiter(kw.pop("rate_limiter"))
    if "post_init" in kw:
        builder = builder.post_init(kw.pop("post_init"))
    app = builder.build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        kb = InlineKeyboardMarkup([[InlineKeyboardButton("是", callback_data="yes"),
                                    InlineKeyboardButton("否", callback_data="no")]])
        await update.effective_chat.send_message("<b>确认?</b>", parse_mode=ParseMode.HTML,
                                                 reply_markup=kb)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = update.message.text
        body = text[4:] if text.startswith("raw:") else html.escape(text)
        await update.message.reply_text(f"<i>{body}</i>", parse_mode=ParseMode.HTML)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        await q.answer(f"got {q.data}")
        await q.edit_message_text(f"选择: {q.data}")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if errors is not None:
            errors.append(context.error)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    app.add_error_handler(on_error)
    return app


async def api(tg: FakeTelegram, method: str, token: str | None = None, **params):
    """Raw HTTP call (form-encoded, as PTB does) -> (status, JSON body)."""
    async with aiohttp.ClientSession() as s:
        async with s.post(f"{tg.base_url}{token or tg.token}/{method}", data=params) as r:
            return r.status, await r.json()


# ------------------------------------------------------------------ PTB round trips


async def test_start_text_button_round_trip(fake_telegram: FakeTelegram) -> None:
    tg = fake_telegram
    order: list[str] = []

    async def post_init(app: Application) -> None:
        order.append("post_init")
        await app.bot.set_my_commands([BotCommand("start", "开始")], language_code="zh")

    app = build_app(tg, post_init=post_init)
    async with tg.running(app):
        alice = tg.user(ALICE, first_name="Alice", language_code="zh-hans")
        user_msg = await alice.send("/start")
        assert user_msg.to_api(tg.state)["entities"] == [
            {"type": "bot_command", "offset": 0, "length": 6}]
        msg = await alice.next_message(timeout=5)
        assert msg.text == "确认?" and msg.raw == "<b>确认?</b>"
        assert msg.entities == [{"offset": 0, "length": 3, "type": "bold"}]
        assert msg.buttons == [[("是", "yes"), ("否", "no")]]
        assert msg.message_id == 2 and abs(msg.date - time.time()) < 5   # seconds, per chat

        await alice.send("765 & <tag>")
        echo = await alice.next_message()
        assert echo.text == "765 & <tag>"

        q = await alice.press(msg, "是")
        assert (await alice.wait_answer(q))["text"] == "got yes"
        edit = await alice.next_edit()
        assert edit.method == "editMessageText" and edit.text == "选择: yes"
        assert msg.text == "选择: yes" and msg.buttons == []  # no reply_markup: keyboard gone
        assert msg.history == [("确认?", {"inline_keyboard": [
            [{"text": "是", "callback_data": "yes"}, {"text": "否", "callback_data": "no"}]]})]
        with pytest.raises(LookupError):
            await alice.press(msg, "否")
        await tg.wait_idle()

    methods = [c.method for c in tg.calls]
    assert methods[:3] == ["getMe", "setMyCommands", "deleteWebhook"]
    assert methods[3] == "getUpdates" and order == ["post_init"]
    assert [c.method for c in tg.calls if c.method in (
        "answerCallbackQuery", "editMessageText")] == ["answerCallbackQuery", "editMessageText"]
    assert tg.commands(language_code="zh") == [{"command": "start", "description": "开始"}]
    cq = next(c for c in tg.calls if c.method == "answerCallbackQuery")
    assert cq.params["callback_query_id"] == q.id and cq.applied and cq.status == 200


async def test_each_update_is_delivered_once(fake_telegram: FakeTelegram) -> None:
    tg = fake_telegram
    app = build_app(tg)            # the explicit lifecycle (tg.running(app) does the same)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        alice, bob = tg.user(ALICE, "Alice"), tg.user(1002, "Bob")
        for i in range(5):
            await alice.send(f"a{i}")
            await bob.send(f"b{i}")
        await tg.wait_idle()
        assert [m.text for m in alice.messages] == [f"a{i}" for i in range(5)]
        assert [m.text for m in bob.messages] == [f"b{i}" for i in range(5)]
        # message ids are per chat and shared by both directions
        assert [m.message_id for m in bob.sent] == [1, 2, 3, 4, 5]
        assert [m.message_id for m in bob.messages] == [6, 7, 8, 9, 10]
        assert tg.state.updates == []
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    delivered = [u["update_id"] for c in tg.calls_of("getUpdates") for u in c.result or []]
    assert len(delivered) == len(set(delivered)) == 10


async def test_get_updates_offset_limit_and_long_poll(fake_telegram: FakeTelegram) -> None:
    tg = fake_telegram
    alice = tg.user(ALICE, "Alice")
    for t in ("one", "two", "three"):
        await alice.send(t)
    status, body = await api(tg, "getUpdates", limit="2")
    ids = [u["update_id"] for u in body["result"]]
    assert status == 200 and body["ok"] and len(ids) == 2
    _, again = await api(tg, "getUpdates")                  # nothing confirmed yet
    assert [u["update_id"] for u in again["result"]][:2] == ids
    _, rest = await api(tg, "getUpdates", offset=str(ids[-1] + 1))
    assert [u["message"]["text"] for u in rest["result"]] == ["three"]
    _, info = await api(tg, "getWebhookInfo")
    assert info["result"] == {"url": "", "has_custom_certificate": False,
                              "pending_update_count": 1}
    _, last = await api(tg, "getUpdates", offset="-1")
    assert [u["message"]["text"] for u in last["result"]] == ["three"]

    t0 = time.monotonic()                                    # long poll: really waits...
    _, empty = await api(tg, "getUpdates", offset=str(ids[-1] + 2), timeout="1")
    assert empty["result"] == [] and 0.9 < time.monotonic() - t0 < 2

    async def later() -> None:
        await asyncio.sleep(0.2)
        await alice.send("late")
    t0 = time.monotonic()                                    # ...and returns on arrival
    task = asyncio.create_task(later())
    _, got = await api(tg, "getUpdates", offset=str(ids[-1] + 2), timeout="5")
    await task
    assert [u["message"]["text"] for u in got["result"]] == ["late"]
    assert time.monotonic() - t0 < 1

    first = asyncio.create_task(api(tg, "getUpdates", offset="99999", timeout="5"))
    await asyncio.sleep(0.1)                                 # a second poller kicks it out
    await api(tg, "getUpdates", offset="99999")
    assert (await first)[1]["error_code"] == 409


async def test_http_surface_errors_and_case_insensitive_methods(fake_telegram) -> None:
    tg = fake_telegram
    status, body = await api(tg, "getMe", token="999:WRONG")
    assert (status, body) == (401, {"ok": False, "error_code": 401,
                                    "description": "Unauthorized"})
    status, body = await api(tg, "noSuchMethod")
    assert (status, body["description"]) == (404, "Not Found")
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{tg.base_url}{tg.token}/GETME") as r:
            me = (await r.json())["result"]
        async with s.post(f"{tg.base_url}{tg.token}/sendMessage",
                          json={"chat_id": ALICE, "text": "x"}) as r:
            assert (await r.json())["description"] == "Bad Request: chat not found"
    assert me["is_bot"] is True and me["username"] == "test_bot" and me["id"] == 123
    assert {"can_join_groups", "first_name", "supports_inline_queries"} <= set(me)

    bad = Application.builder().token("999:WRONG").base_url(tg.base_url).build()
    with pytest.raises(InvalidToken, match="rejected by the server"):
        await bad.initialize()
    await bad.bot.shutdown()
    assert tg.calls[-1].status == 401 and tg.calls[-1].method == "getMe"


# ------------------------------------------------------------------ errors & injection


async def test_429_is_retried_by_aioratelimiter_and_sent_once(fake_telegram) -> None:
    tg = fake_telegram
    app = build_app(tg, rate_limiter=AIORateLimiter(max_retries=3))
    async with tg.running(app):
        alice = tg.user(ALICE, "Alice")
        tg.fail_next("sendMessage", status=429, retry_after=1, count=2)
        await alice.send("hello")
        msg = await alice.next_message(timeout=6)
        assert msg.text == "hello"
        await alice.no_message(within=0.3)
    sends = tg.calls_of("sendMessage")
    assert [(c.status, c.applied, c.injected) for c in sends] == [
        (429, False, "429"), (429, False, "429"), (200, True, None)]
    assert sends[0].error == "Too Many Requests: retry after 1"
    assert sends[2].time - sends[0].time >= 2.0 and len(alice.messages) == 1


async def test_bad_html_is_a_bad_request(fake_telegram) -> None:
    tg = fake_telegram
    errors: list = []
    async with tg.running(build_app(tg, errors)):
        alice = tg.user(ALICE, "Alice")
        await alice.send("raw:a <3 b")                      # unescaped user text
        await tg.wait_idle()
        assert alice.messages == []
    assert len(errors) == 1 and isinstance(errors[0], BadRequest)
    assert str(errors[0]) == ("Can't parse entities: unsupported start tag \"3\" at byte "
                              "offset 5")  # PTB capitalises and lower-cases nothing else
    call = tg.calls_of("sendMessage")[0]
    assert call.status == 400 and not call.applied
    assert call.error.startswith("Bad Request: can't parse entities: Unsupported start tag")


@pytest.mark.parametrize("markup, error", [
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("a</b>", "Unexpected end tag at byte offset 1"),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
])
def test_html_parse_errors_match_tdlib(markup: str, error: str) -> None:
    with pytest.raises(ApiError) as exc:
        parse_html(markup)
    assert exc.value.status == 400
    assert exc.value.description == f"Bad Request: can't parse entities: {error}"


def test_html_parse_results() -> None:
    assert parse_html("🏟 🏟<i>🏟 &lt🏟</i>") == (
        "🏟 🏟🏟 <🏟", [{"offset": 5, "length": 6, "type": "italic"}])
    assert parse_html("Tom &amp; Jerry & &nbsp; <a href='https://x.org'>l</a>") == (
        "Tom & Jerry & &nbsp; l",
        [{"offset": 21, "length": 1, "type": "text_link", "url": "https://x.org"}])
    text, ents = parse_html("<pre><code class=\"language-py\">x</code></pre><blockquote "
                            "expandable>q</blockquote>")
    assert text == "xq" and {e["type"] for e in ents} == {"pre", "expandable_blockquote"}


async def test_injected_timeouts_and_failure_share(fake_telegram) -> None:
    tg = fake_telegram
    tg.user(ALICE, "Alice")
    alice = tg.user(ALICE)
    bot = Bot(tg.token, base_url=tg.base_url, request=HTTPXRequest(read_timeout=0.3))
    async with bot:
        tg.fail_next("sendMessage", "timeout", delay=0.6)
        with pytest.raises(TimedOut):
            await bot.send_message(ALICE, "lost")
        assert alice.messages == []                          # not applied
        tg.fail_next("sendMessage", "timeout_applied", delay=0.6)
        with pytest.raises(TimedOut):
            await bot.send_message(ALICE, "applied anyway")
        assert [m.text for m in alice.messages] == ["applied anyway"]
        tg.fail_next("SENDMESSAGE", 500)
        with pytest.raises(NetworkError):
            await bot.send_message(ALICE, "500")

        tg.fail_share(0.5, kinds=("429", "500", "403"), seed=7, methods={"sendChatAction"})
        outcomes = []
        for _ in range(30):
            try:
                outcomes.append(await bot.send_chat_action(ALICE, "typing"))
            except Exception as exc:  # noqa: BLE001
                outcomes.append(type(exc).__name__)
        tg.clear_failures()
        await bot.send_message(ALICE, "ok")
    failed = [c for c in tg.calls_of("sendChatAction") if c.failed]
    assert 5 < len(failed) < 25 and all(c.injected and not c.applied for c in failed)
    assert len(alice.chat_actions) == outcomes.count(True) == 30 - len(failed)
    assert {"RetryAfter", "NetworkError", "Forbidden"} <= set(outcomes)
    assert [m.text for m in alice.messages] == ["applied anyway", "ok"]
    await tg.wait_idle(quiet=0.05)


async def test_edit_delete_not_modified_and_button_validation(fake_telegram) -> None:
    tg = fake_telegram
    alice = tg.user(ALICE, "Alice")
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        kb = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
        sent = await bot.send_message(ALICE, "hi", reply_markup=kb)
        assert sent.reply_markup == kb and sent.from_user.is_bot
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("hi", ALICE, sent.message_id, reply_markup=kb)
        edited = await bot.edit_message_reply_markup(ALICE, sent.message_id)
        assert edited.reply_markup is None and edited.edit_date is not None
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(ALICE, "x", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("B", callback_data="x" * 65)]]))
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(ALICE, "  \n ")
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(ALICE, "字" * 4097)
        assert (await bot.send_message(ALICE, " <b>字</b>\n", parse_mode="HTML")).text == "字"
        assert await bot.delete_message(ALICE, sent.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("again", ALICE, sent.message_id)
        q = await alice.press_data(alice.messages[0], "forged:xyz")
        assert await bot.answer_callback_query(q.id, "no")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(q.id)
    assert [e.method for e in alice.edits] == ["editMessageReplyMarkup", "deleteMessage"]
    assert tg.state.updates[-1]["callback_query"]["chat_instance"]


async def test_commands_descriptions_and_documents(fake_telegram) -> None:
    tg = fake_telegram
    alice = tg.user(ALICE, "Alice")
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        scope = BotCommandScopeChat(ALICE)
        await bot.set_my_commands([BotCommand("apply", "申请")], scope=scope,
                                  language_code="zh")
        assert await bot.get_my_commands(scope=scope, language_code="zh") == (
            BotCommand("apply", "申请"),)
        assert await bot.get_my_commands() == ()
        with pytest.raises(BadRequest, match="Invalid language code specified"):
            await bot.set_my_commands([BotCommand("apply", "申请")], language_code="zh-hans")
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Apply", "x")])
        assert await bot.delete_my_commands(scope=scope, language_code="zh")
        assert tg.commands({"type": "chat", "chat_id": ALICE}, "zh") == []
        await bot.set_my_description("长描述", language_code="zh")
        await bot.set_my_short_description("短")
        assert (await bot.get_my_description("zh")).description == "长描述"
        assert (await bot.get_my_short_description()).short_description == "短"

        await bot.send_chat_action(ALICE, "upload_document")
        sent = await bot.send_document(ALICE, b"%PDF-1.4 fake", filename="档案.pdf",
                                       caption="<b>档案</b>", parse_mode=ParseMode.HTML)
        assert sent.document.file_name == "档案.pdf" and sent.caption == "档案"
        msg = await alice.next_message()
        assert msg.document.data == b"%PDF-1.4 fake" and msg.document.filename == "档案.pdf"
        assert msg.caption == "档案" and msg.text is None
        call = tg.calls_of("sendDocument")[0]
        assert call.params["document"].filename == "档案.pdf"

        up = await alice.send_document(b"scan bytes", "scan.jpg", "image/jpeg", caption="证明")
        f = await bot.get_file(up.document.file_id)
        assert bytes(await f.download_as_bytearray()) == b"scan bytes"
        again = await bot.send_document(ALICE, up.document.file_id)
        assert again.document.file_unique_id == up.document.file_unique_id
    assert alice.chat_actions == ["upload_document"]


async def test_webhook_mode(fake_telegram) -> None:
    tg = fake_telegram
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = build_app(tg)
    await app.initialize()
    try:
        await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook",
                                        webhook_url=f"http://127.0.0.1:{port}/hook",
                                        secret_token="s3cret")
        await app.start()
        alice = tg.user(ALICE, "Alice")
        await alice.send("via webhook")
        assert (await alice.next_message()).text == "via webhook"
        status, body = await api(tg, "getUpdates")
        assert status == 409 and "webhook is active" in body["description"]
        with pytest.raises(Conflict):
            await app.bot.get_updates()
        assert tg.webhook_deliveries[0][1] == 200
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
