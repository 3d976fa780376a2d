"""The web channel's protections, each small and separate: security headers,
a request-size limit (pure ASGI middlewares), per-session rate limits, the CSRF
and origin check, and reading Accept-Language."""
from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # not no-referrer: form posts would then send Origin: null
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
MAX_BODY = 16 * 1024  # bytes of a POST: the longest form is a few hundred bytes


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response (and no-store to pages, which quote answers)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413, by Content-Length or as they stream."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.limit:
            return await _too_large(send)
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:  # answered by the app's exception middleware (or below)
                raise HTTPException(413, "request too large")
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await _too_large(send)


async def _too_large(send: Send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": b"413 request too large"})


@dataclass
class Bucket:
    tokens: float
    at: float


class RateLimit:
    """A token bucket per key: ``burst`` steps at once, then ``rate`` a second."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, Bucket] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        b = self._buckets.get(key) or Bucket(self.burst, now)
        b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate)
        b.at = now
        self._buckets[key] = b
        if len(self._buckets) > 100_000:  # forget idle keys (their buckets are full anyway)
            self._buckets = {k: v for k, v in self._buckets.items() if now - v.at < self.burst / self.rate}
        if b.tokens < 1:
            return False
        b.tokens -= 1
        return True


@dataclass(frozen=True)
class Limits:
    """Rates per session: steps (answers, presses, commands) and continue-code tries;
    code tries are limited over all sessions too, against guessing from many."""

    step_rate: float = 2.0
    step_burst: int = 10
    code_rate: float = 1 / 30
    code_burst: int = 5
    code_global_rate: float = 1.0
    code_global_burst: int = 30
    max_text: int = 500


def same_origin(headers, host: str | None) -> bool:
    """True unless an Origin header names another site (browsers send it on POST)."""
    origin = headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return origin.split("://", 1)[-1] == host


def csrf_ok(sent: str | None, expected: str) -> bool:
    return bool(sent) and secrets.compare_digest(sent.encode(), expected.encode())


def language_hint(header: str | None) -> str | None:
    """The preferred of Chinese or English in an Accept-Language header, as a hint
    ('zh-CN' or 'en-US'), or None."""
    ranked = []
    for n, part in enumerate((header or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, n, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en-US"
    return None


class Contained:
    """Any error is logged by type and place only (bot.logsafe: the message may quote
    an answer) and answered with a bare 500; the server goes on."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            from bot.logsafe import safe_trace

            logging.getLogger(__name__).error("request failed: %s", safe_trace(exc))
            if not started:
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": b"500"})
