"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) for end-to-end tests of the real
python-telegram-bot stack over HTTP.

Start it, point PTB at it, and talk to the bot as users::

    async with FakeTelegram(token="123:ABC") as tg:          # random free port
        app = tg.builder().build()           # = Application.builder().token(tg.token)
        #   .base_url(tg.base_url).base_file_url(tg.base_file_url).build()
        async with tg.running(app):          # initialize, post_init, start_polling, start ... stop
            alice = tg.user(1001, first_name="Alice", language_code="zh-hans")
            await alice.send("/start")                     # message update (bot_command entity)
            msg = await alice.next_message(timeout=10)     # next unread message the bot sent
            msg.text, msg.raw, msg.entities                # rendered text / as sent / entities
            msg.buttons                                    # [[(text, callback_data), ...], ...]
            q = await alice.press(msg, "是")               # by button text, or data="..."
            await alice.wait_answer(q)                     # answerCallbackQuery params
            await alice.press_data(msg, "forged:xyz")      # arbitrary callback data
            edit = await alice.next_edit()                 # next unread edit/deletion
            await tg.wait_idle()                           # no pending updates, nothing in flight

Test-side API (see the classes below for details):

* ``FakeTelegram(token="123:ABC", *, username="test_bot", first_name="Test Bot",
  timeout_delay=6.0)``; ``await tg.start()`` / ``await tg.stop()`` or ``async with``.
  ``tg.base_url`` (``http://127.0.0.1:PORT/bot``), ``tg.base_file_url``, ``tg.port``.
* ``tg.user(id, first_name=..., last_name=None, username=None, language_code=None)``
  -> :class:`FakeUser` (same object for the same id); chat id == user id (private chat).
* ``tg.calls`` -> list of :class:`Call` (method, params decoded, time, applied, status,
  error, injected, result); ``tg.calls_of("sendMessage", applied=True)``.
* ``tg.fail_next(method, status=429, *, count=1, retry_after=1, description=None,
  delay=None)``; ``status`` is an HTTP code (429, 400, 403, 500, 502 ...) or "timeout"
  (hold the request ``delay`` s -- default ``timeout_delay``, pick more than the client's
  read timeout -- then answer 502; nothing applied) or "timeout_applied" (applied, but the
  answer only comes after ``delay``: the lost-response case).  Injected failures never
  apply the call (except "timeout_applied").
* ``tg.fail_share(share, kinds=("429", "500", "timeout"), *, seed=1, methods=None,
  retry_after=1, delay=None)``: that share of matching calls fails, deterministically
  for a seed.  ``methods=None`` means every method except getUpdates.
  ``tg.clear_failures()`` removes both kinds of injection.
* ``FakeTelegram(..., rate_limit=30)`` or ``tg.limit_rate(30, grace=0.25)``: at most that
  many sends (``RATE_LIMITED`` methods) in any one second; beyond it 429 "Too Many
  Requests: retry after N" (N whole seconds, at least 1), and every send during those N
  seconds is refused the same way. ``tg.flood_errors`` counts the 429s the limit gave;
  ``tg.flood_violations`` lists the calls that came more than ``grace`` s after a 429 and
  before its retry_after passed (a client that honours retry_after makes none).
  ``tg.limit_rate(None)`` turns it off (the default).
* ``await tg.wait_idle(quiet=0.3, timeout=10)``: no undelivered/unconfirmed update, no
  request in flight (long polls excluded), and no activity for ``quiet`` seconds.
* State: ``tg.state`` (:class:`BotState`): ``commands[(scope_json, lang)]``,
  ``descriptions``, ``webhook``, ``updates``, ``files``; ``tg.commands(scope=None,
  language_code="")``; ``tg.webhook_deliveries``.
* ``FakeUser``: ``await send(text, reply_to=None)``, ``await send_document(data,
  filename, mime_type=None, caption=None)``, ``await next_message(timeout=5)``,
  ``await next_edit(timeout=5)``, ``await no_message(within=0.5)``, ``await press(msg,
  text=None, *, data=None)``, ``await press_data(msg, data)`` -> :class:`CallbackQuery`,
  ``await wait_answer(query, timeout=5)`` -> answer params; lists ``messages`` (bot ->
  user, live :class:`Message` objects), ``sent`` (user -> bot), ``edits``
  (:class:`Edit`), ``chat_actions``, ``queries``; ``last_message``; ``skip_all()``;
  ``block()`` (then sends answer 403 "Forbidden: bot was blocked by the user").
* :class:`Message` (live; edits update it): ``message_id``, ``chat_id``, ``date`` (Unix s),
  ``text`` (as the user sees it, after parse_mode and Telegram's trimming), ``raw`` (as
  the bot sent it), ``caption``, ``content`` (text or caption), ``entities``,
  ``buttons`` / ``button_texts`` (inline), ``reply_keyboard``, ``reply_markup``,
  ``document`` (:class:`Document`: ``filename``, ``mime_type``, ``data``, ``file_id``),
  ``deleted``, ``edit_date``, ``history`` (previous (content, reply_markup)).
* ``await tg.wait_for(predicate, timeout, what)``: generic wait on any state change.

Telegram behaviour reproduced because bots get it wrong: HTML parse_mode is validated like
tdlib (``<br>``, unescaped ``<``, unbalanced tags -> 400 "Bad Request: can't parse
entities: ..." with UTF-8 byte offsets; unknown ``&name;`` stays literal); editing without
``reply_markup`` removes the inline keyboard; an identical edit is 400 "message is not
modified"; callback_data over 64 bytes is BUTTON_DATA_INVALID; a callback query can be
answered once; ``language_code`` for commands/descriptions must be two letters
("zh-hans" -> "invalid language code specified"); text over 4096 UTF-16 units is "message
is too long"; message ids count per chat for both directions.

Fidelity notes: responses are ``{"ok": true, "result": ...}`` or Telegram's error format
(``error_code``, ``description``, ``parameters.retry_after`` for 429); an unknown token is
401 "Unauthorized", an unknown method 404 "Not Found"; method names are case-insensitive;
parameters may come as query string, urlencoded, multipart or JSON; a second concurrent
getUpdates ends the first with 409; getUpdates while a webhook is set is 409; with a
webhook set (http:// to loopback is accepted, unlike Telegram) updates are POSTed to it with
``X-Telegram-Bot-Api-Secret-Token``.  Not emulated: groups/channels, MarkdownV2 parsing
(accepted as plain text), auto-detected url/mention entities, media other than documents,
inline mode, Telegram's real flood limits (``rate_limit`` is a simple stand-in for them).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import math
import random
import time
import traceback
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Iterable

from aiohttp import ClientSession, ClientTimeout, web

from .fake_telegram_state import (
    ApiError, BotState, Call, CallbackQuery, Document, Edit, Message, UploadedFile,
    command_entities, decode_params,
)

__all__ = ["FakeTelegram", "FakeUser", "Call", "Message", "Edit", "CallbackQuery",
           "Document", "ApiError"]


@dataclass
class _Failure:
    kind: str                   # "429", "500", ..., "timeout", "timeout_applied"
    retry_after: int = 1
    description: str | None = None
    delay: float | None = None


_DESCRIPTIONS = {400: "Bad Request: injected failure", 401: "Unauthorized",
                 403: "Forbidden: bot was blocked by the user", 404: "Not Found",
                 409: "Conflict: injected failure", 500: "Internal Server Error",
                 502: "Bad Gateway", 504: "Gateway Timeout"}


RATE_LIMITED = frozenset({"sendMessage", "sendDocument", "editMessageText", "editMessageCaption",
                          "editMessageReplyMarkup"})


def _error_body(status: int, description: str, retry_after: int | None = None) -> dict:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


class FakeTelegram:
    """The fake Bot API server plus the test-side API (see the module docstring)."""

    def __init__(self, token: str = "123:ABC", *, username: str = "test_bot",
                 first_name: str = "Test Bot", timeout_delay: float = 6.0,
                 rate_limit: int | None = None):
        self.token, self.timeout_delay = token, timeout_delay
        self.flood_errors = 0
        self.flood_violations: list[Call] = []
        self._sends: collections.deque[float] = collections.deque()
        self._flood_until = self._flood_issued = 0.0
        self.limit_rate(rate_limit)
        self.state = BotState(token, username, first_name, self._notify)
        self.calls: list[Call] = []
        self.webhook_deliveries: list[tuple[dict, int]] = []   # (update, HTTP status)
        self.port = 0
        self._users: dict[int, FakeUser] = {}
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._fail_next: dict[str, list[_Failure]] = {}
        self._share: tuple[float, tuple[str, ...], random.Random, set[str] | None,
                           int, float | None] | None = None
        self._poll_gen = 0
        self._inflight = 0
        self._delivered_upto = 0          # highest update_id handed out
        self._last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task] = []

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> "FakeTelegram":
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._tasks.append(asyncio.create_task(self._webhook_loop()))
        return self

    async def stop(self) -> None:
        self._closing.set()
        self._notify()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeTelegram":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    def builder(self):
        """``Application.builder()`` preset with this server's token and URLs."""
        from telegram.ext import Application
        return (Application.builder().token(self.token).base_url(self.base_url)
                .base_file_url(self.base_file_url))

    @contextlib.asynccontextmanager
    async def running(self, app, *, poll_interval: float = 0.0, timeout: int = 1,
                      **polling_kwargs: Any) -> AsyncIterator[Any]:
        """Run a PTB Application with polling in this event loop, in run_polling's order:
        initialize, post_init, start_polling, start / stop, post_stop, shutdown,
        post_shutdown."""
        await app.initialize()
        try:
            if app.post_init:
                await app.post_init(app)
            await app.updater.start_polling(poll_interval=poll_interval, timeout=timeout,
                                            **polling_kwargs)
            await app.start()
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
                if app.post_stop:
                    await app.post_stop(app)
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)

    # ------------------------------------------------------------------ test-side API
    def user(self, user_id: int, first_name: str = "User", last_name: str | None = None,
             username: str | None = None, language_code: str | None = None) -> "FakeUser":
        if user_id not in self._users:
            u = {"id": user_id, "is_bot": False, "first_name": first_name}
            for k, v in (("last_name", last_name), ("username", username),
                         ("language_code", language_code)):
                if v is not None:
                    u[k] = v
            self.state.users[user_id] = u
            self._users[user_id] = FakeUser(self, user_id)
        return self._users[user_id]

    def calls_of(self, method: str, *, applied: bool | None = None) -> list[Call]:
        m = method.lower()
        return [c for c in self.calls if c.method.lower() == m
                and (applied is None or c.applied == applied)]

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return self.state.commands.get(
            (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code), [])

    def fail_next(self, method: str, status: int | str = 429, *, count: int = 1,
                  retry_after: int = 1, description: str | None = None,
                  delay: float | None = None) -> None:
        self._fail_next.setdefault(method.lower(), []).extend(
            _Failure(str(status), retry_after, description, delay) for _ in range(count))

    def fail_share(self, share: float, kinds: Iterable[str] = ("429", "500", "timeout"), *,
                   seed: int = 1, methods: Iterable[str] | None = None, retry_after: int = 1,
                   delay: float | None = None) -> None:
        ms = {m.lower() for m in methods} if methods is not None else None
        self._share = (share, tuple(str(k) for k in kinds), random.Random(seed), ms,
                       retry_after, delay)

    def limit_rate(self, per_second: int | None, *, grace: float = 0.25) -> None:
        """At most ``per_second`` sends in any second (None: no limit); see the docstring."""
        self.rate_limit, self.flood_grace = per_second, grace

    def _flood(self, call: Call) -> int | None:
        """The retry_after of a 429 for this send under the rate limit, or None if it may go."""
        if not self.rate_limit or call.method not in RATE_LIMITED:
            return None
        now = time.monotonic()
        if now < self._flood_until:
            if now > self._flood_issued + self.flood_grace:
                self.flood_violations.append(call)
            return max(1, math.ceil(self._flood_until - now))
        while self._sends and self._sends[0] <= now - 1.0:
            self._sends.popleft()
        if len(self._sends) >= self.rate_limit:
            retry = max(1, math.ceil(self._sends[0] + 1.0 - now))
            self._flood_until, self._flood_issued = now + retry, now
            self.flood_errors += 1
            return retry
        self._sends.append(now)
        return None

    def clear_failures(self) -> None:
        self._fail_next.clear()
        self._share = None

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            busy = self.state.updates or self._inflight
            if not busy and now - self._last_activity >= quiet:
                return
            if now > deadline:
                raise TimeoutError(f"fake Telegram not idle after {timeout}s: "
                                   f"{len(self.state.updates)} pending update(s), "
                                   f"{self._inflight} request(s) in flight")
            await asyncio.sleep(0.02)

    # ------------------------------------------------------------------ internals
    def _notify(self) -> None:
        """Something happened (counts as activity for wait_idle) -> wake all waiters."""
        self._last_activity = time.monotonic()
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed.wait(), max(timeout, 0))

    async def wait_for(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                failed = [f"{c.method}: {c.error}" for c in self.calls[-20:] if c.error]
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}"
                                   + (f"; recent failed calls: {failed}" if failed else ""))
            await self._wait_change(remaining)
        return result

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _pick_failure(self, method: str) -> _Failure | None:
        queue = self._fail_next.get(method.lower())
        if queue:
            return queue.pop(0)
        if self._share:
            share, kinds, rng, methods, retry_after, delay = self._share
            eligible = (method.lower() in methods) if methods is not None \
                else method != "getUpdates"
            if eligible and rng.random() < share:
                return _Failure(rng.choice(kinds), retry_after, None, delay)
        return None

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if request.can_read_body:
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON object expected")
                raw.update(body)
            elif ctype.startswith("multipart/") or ctype == "application/x-www-form-urlencoded":
                for k, v in (await request.post()).items():
                    raw[k] = (UploadedFile(v.filename, v.content_type, v.file.read())
                              if isinstance(v, web.FileField) else v)
        return decode_params(raw)

    def _respond(self, call: Call, status: int, body: dict) -> web.Response:
        call.status = status
        if not body["ok"]:
            call.error = body["description"]
        return web.json_response(body, status=status)

    async def _handle(self, request: web.Request) -> web.Response:
        call = Call(request.match_info["method"], {}, time.monotonic())
        self.calls.append(call)
        try:
            call.params = await self._read_params(request)
        except ApiError as e:
            return self._respond(call, e.status, _error_body(e.status, e.description))
        if request.match_info["token"] != self.token:
            return self._respond(call, 401, _error_body(401, "Unauthorized"))
        entry = self.state.methods.get(call.method.lower())
        if entry is None:
            return self._respond(call, 404, _error_body(404, "Not Found"))
        call.method = entry[0]
        polling = call.method == "getUpdates"
        if not polling:
            self._inflight += 1
            self._notify()
        try:
            flood = self._flood(call)
            if flood is not None:
                return await self._inject(call, _Failure("429", flood))
            failure = self._pick_failure(call.method)
            if failure and failure.kind != "timeout_applied":
                return await self._inject(call, failure)
            try:
                if polling:
                    result = await self._get_updates(call.params)
                else:
                    result = entry[1](call.params)
            except ApiError as e:
                return self._respond(call, e.status,
                                     _error_body(e.status, e.description, e.retry_after))
            except Exception:  # a bug in the fake itself: make it loud in tg.calls
                desc = "Internal Server Error (bug in FakeTelegram): " + traceback.format_exc()
                return self._respond(call, 500, _error_body(500, desc))
            call.applied, call.result = True, result
            if failure:  # timeout_applied: done, but the answer is lost
                call.injected = failure.kind
                await self._sleep(failure.delay or self.timeout_delay)
            return self._respond(call, 200, {"ok": True, "result": result})
        finally:
            if not polling:
                self._inflight -= 1
                self._notify()

    async def _inject(self, call: Call, f: _Failure) -> web.Response:
        call.injected = f.kind
        if f.kind == "timeout":
            await self._sleep(f.delay or self.timeout_delay)
            return self._respond(call, 502, _error_body(502, "Bad Gateway"))
        status = int(f.kind)
        if status == 429:
            return self._respond(call, 429, _error_body(
                429, f.description or f"Too Many Requests: retry after {f.retry_after}",
                f.retry_after))
        desc = f.description or _DESCRIPTIONS.get(status, f"Error {status}")
        return self._respond(call, status, _error_body(status, desc))

    async def _get_updates(self, p: dict) -> list[dict]:
        st = self.state
        if st.webhook["url"]:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                "active; use deleteWebhook to delete the webhook first")
        self._poll_gen += 1
        gen = self._poll_gen
        self._wake()  # an older long poll wakes up and answers 409
        if p.get("allowed_updates") is not None:
            st.allowed_updates = list(p["allowed_updates"])
        if isinstance(p.get("offset"), int):
            before = len(st.updates)
            st.confirm(p["offset"])
            if len(st.updates) != before:
                self._notify()
        limit = int(p["limit"]) if isinstance(p.get("limit"), (int, float)) else 100
        limit = min(max(limit, 1), 100)
        timeout = p.get("timeout") if isinstance(p.get("timeout"), (int, float)) else 0
        deadline = time.monotonic() + min(max(timeout, 0), 50)
        while True:
            ups = st.deliverable(limit)
            if ups:
                self._delivered_upto = max(self._delivered_upto, ups[-1]["update_id"])
                self._notify()
                return ups
            if gen != self._poll_gen:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make "
                                    "sure that only one bot instance is running")
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing.is_set():
                return []
            await self._wait_change(remaining)

    async def _webhook_loop(self) -> None:
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while not self._closing.is_set():
                st = self.state
                url = st.webhook["url"]
                if not url or not st.deliverable(1):
                    await self._wait_change(1.0)
                    continue
                upd = st.updates[0]
                headers = {}
                if st.webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = st.webhook["secret_token"]
                try:
                    async with session.post(url, json=upd, headers=headers) as resp:
                        status = resp.status
                except Exception as exc:  # noqa: BLE001 - any delivery problem is retried
                    status, error = 0, repr(exc)
                else:
                    error = f"Wrong response from the webhook: {status}"
                self.webhook_deliveries.append((upd, status))
                if 200 <= status < 300:
                    if st.updates and st.updates[0] is upd:
                        st.updates.pop(0)
                    self._notify()
                else:
                    st.webhook.update(last_error_date=int(time.time()),
                                      last_error_message=error)
                    await self._sleep(0.2)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(_error_body(401, "Unauthorized"), status=401)
        path = request.match_info["path"]
        for doc in self.state.files.values():
            if doc.file_path == path:
                return web.Response(body=doc.data,
                                    content_type=doc.mime_type or "application/octet-stream")
        return web.json_response(_error_body(404, "Not Found"), status=404)


class FakeUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id)."""

    def __init__(self, tg: FakeTelegram, user_id: int):
        self.tg, self.id = tg, user_id
        self._read = 0
        self._read_edits = 0

    def __repr__(self) -> str:
        return f"<FakeUser {self.id} {self.tg.state.users[self.id].get('first_name')!r}>"

    # -- what the bot did --------------------------------------------------------------
    @property
    def messages(self) -> list[Message]:
        """Every message the bot sent to this user, in order (live objects)."""
        return self.tg.state.bot_messages.get(self.id, [])

    @property
    def sent(self) -> list[Message]:
        """Every message this user sent to the bot."""
        return self.tg.state.user_messages.get(self.id, [])

    @property
    def edits(self) -> list[Edit]:
        return self.tg.state.edits.get(self.id, [])

    @property
    def chat_actions(self) -> list[str]:
        return self.tg.state.chat_actions.get(self.id, [])

    @property
    def queries(self) -> list[CallbackQuery]:
        return [q for q in self.tg.state.queries.values() if q.user_id == self.id]

    @property
    def last_message(self) -> Message | None:
        return self.messages[-1] if self.messages else None

    async def next_message(self, timeout: float = 5.0) -> Message:
        """The next bot message not yet returned by next_message (waits for it)."""
        await self.tg.wait_for(lambda: len(self.messages) > self._read, timeout,
                               f"a message to user {self.id}")
        self._read += 1
        return self.messages[self._read - 1]

    async def next_edit(self, timeout: float = 5.0) -> Edit:
        await self.tg.wait_for(lambda: len(self.edits) > self._read_edits, timeout,
                               f"an edit in the chat with user {self.id}")
        self._read_edits += 1
        return self.edits[self._read_edits - 1]

    async def no_message(self, within: float = 0.5) -> None:
        """Assert that no unread bot message is (or becomes) available within ``within`` s."""
        with contextlib.suppress(TimeoutError):
            await self.tg.wait_for(lambda: len(self.messages) > self._read, within, "")
            raise AssertionError(f"unexpected message: {self.messages[self._read]!r}")

    def skip_all(self) -> None:
        """Mark everything received so far as read."""
        self._read, self._read_edits = len(self.messages), len(self.edits)

    async def wait_answer(self, query: CallbackQuery, timeout: float = 5.0) -> dict:
        await self.tg.wait_for(lambda: query.answered, timeout,
                               f"answerCallbackQuery for {query.data!r}")
        return query.answer or {}

    # -- what the user does ------------------------------------------------------------
    def block(self, blocked: bool = True) -> None:
        """From now on, sending to this user fails with 403 'bot was blocked by the user'."""
        (self.tg.state.blocked.add if blocked else self.tg.state.blocked.discard)(self.id)

    def _new_message(self, **fields: Any) -> Message:
        st = self.tg.state
        msg = Message(self.id, st.new_message_id(self.id), False, int(time.time()), **fields)
        st.messages[(self.id, msg.message_id)] = msg
        st.user_messages.setdefault(self.id, []).append(msg)
        return msg

    async def send(self, text: str, *, reply_to: Message | None = None) -> Message:
        """The user sends a text message (``/commands`` get bot_command entities)."""
        msg = self._new_message(text=text, entities=command_entities(text),
                                reply_to=reply_to.message_id if reply_to else None)
        self.tg.state.push_update("message", msg.to_api(self.tg.state))
        await asyncio.sleep(0)
        return msg

    async def send_document(self, data: bytes, filename: str, mime_type: str | None = None,
                            caption: str | None = None) -> Message:
        doc = self.tg.state.store_file(data, filename, mime_type)
        msg = self._new_message(document=doc, caption=caption)
        self.tg.state.push_update("message", msg.to_api(self.tg.state))
        await asyncio.sleep(0)
        return msg

    async def press(self, msg: Message, text: str | None = None, *,
                    data: str | None = None) -> CallbackQuery:
        """Press the inline button with this text (or callback_data) on the bot's message."""
        if msg.chat_id != self.id or not msg.from_bot:
            raise LookupError(f"{msg!r} is not a bot message in the chat with user {self.id}")
        if msg.deleted:
            raise LookupError(f"{msg!r} was deleted; its buttons cannot be pressed")
        for label, cb in (b for row in msg.buttons for b in row):
            if (text is not None and label == text) or (data is not None and cb == data):
                if cb is None:
                    raise LookupError(f"button {label!r} has no callback_data (url button?)")
                return await self.press_data(msg, cb)
        raise LookupError(f"no button {text or data!r} on {msg!r}; buttons: {msg.buttons}")

    async def press_data(self, msg: Message, data: str) -> CallbackQuery:
        """A callback query with arbitrary data on ``msg`` (to test forged data)."""
        st = self.tg.state
        q = CallbackQuery(str(7_000_000_000_000_000 + st.seq()), self.id, msg, data)
        st.queries[q.id] = q
        st.push_update("callback_query", {
            "id": q.id, "from": st.user_dict(self.id), "message": msg.to_api(st),
            "chat_instance": str(-(4_000_000_000_000_000_000 + self.id)), "data": data})
        await asyncio.sleep(0)
        return q
