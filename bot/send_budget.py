"""Telegram's message budget: at most ``rate`` sends and edits in any one second.

Telegram lets a bot send about 30 messages a second in all; more and it answers 429
(``RetryAfter``) and stops the bot for a while. :class:`SendBudget` is PTB's rate
limiter for this bot:

- every call that sends or edits a message waits for a slot in a sliding one-second
  window of ``rate`` slots (1.05 s: a little margin for the network's jitter), first
  come first served (``rate`` 0: no cap, for a local
  Bot API server); other calls (answerCallbackQuery, getUpdates...) pass at once;
- a *cosmetic* call (``rate_limit_args={"cosmetic": True}``: taking the buttons off an
  answered question) is made only while the window is at most half full, no reply
  waits for a slot and at most ``COSMETIC_BESIDE`` sends are on their way (with or
  without a cap: a busy bot spends its calls and CPU on replies); otherwise it is
  skipped (returns ``None``), so it never delays a reply;
- a 429 waits the ``retry_after`` Telegram names and tries again (``max_retries``);
- every failure talking to Telegram is logged: method, status, attempt (never content).
"""
from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
CAPPED = ("send", "edit", "copy", "forward")  # method names that post or change a message
UNCAPPED = {"sendChatAction"}
COSMETIC_BESIDE = 2  # a cosmetic call is made only while at most this many sends are in flight


def capped(endpoint: str) -> bool:
    """Whether a Bot API method counts against the message budget."""
    return endpoint.startswith(CAPPED) and endpoint not in UNCAPPED


def status_of(exc: BaseException) -> str:
    """A failure as a short status for the log: 429, timeout, an error's type name."""
    if isinstance(exc, RetryAfter):
        return "429"
    if isinstance(exc, TimedOut):
        return "timeout"
    return type(exc).__name__


class SendBudget(BaseRateLimiter[dict[str, Any]]):
    """At most ``rate`` sends and edits in any one second (see the module docstring)."""

    def __init__(self, rate: int = 30, *, max_retries: int = 5, window: float = 1.05) -> None:
        self.rate, self.max_retries, self.window = rate, max_retries, window
        self._sent: deque[float] = deque()
        self._turn = asyncio.Lock()
        self._in_flight = 0  # sends and edits on their way (cosmetic ones not counted)
        self.counts = {"capped": 0, "cosmetic": 0, "cosmetic_skipped": 0, "failures": 0}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _forget_old(self, now: float) -> None:
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()

    def room_for_cosmetic(self) -> bool:
        """True while a cosmetic call would not take a slot a reply may want."""
        if self._in_flight > COSMETIC_BESIDE:
            return False
        if not self.rate:
            return True
        self._forget_old(time.monotonic())
        return not self._turn.locked() and len(self._sent) * 2 < self.rate

    async def _slot(self) -> None:
        """Waits for a free slot in the window and takes it."""
        if not self.rate:
            return
        async with self._turn:
            while True:
                now = time.monotonic()
                self._forget_old(now)
                if len(self._sent) < self.rate:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self._sent[0] + self.window - now)

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        """Makes the call within the budget; retries 429s; logs every failure."""
        cosmetic = bool(rate_limit_args and rate_limit_args.get("cosmetic"))
        if capped(endpoint):
            if cosmetic:
                if not self.room_for_cosmetic():
                    self.counts["cosmetic_skipped"] += 1
                    return None
                self.counts["cosmetic"] += 1
            self.counts["capped"] += 1
        counted = capped(endpoint) and not cosmetic
        self._in_flight += counted
        try:
            return await self._call(callback, args, kwargs, endpoint)
        finally:
            self._in_flight -= counted

    async def _call(self, callback, args, kwargs, endpoint: str):
        for attempt in range(1, self.max_retries + 2):
            if capped(endpoint):
                await self._slot()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._log(endpoint, exc, attempt)
                if attempt > self.max_retries:
                    raise
                with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
                    warnings.simplefilter("ignore")
                    wait = exc.retry_after
                await asyncio.sleep(wait.total_seconds() if isinstance(wait, timedelta) else float(wait))
            except TelegramError as exc:
                if endpoint != "getUpdates" or not isinstance(exc, TimedOut):
                    self._log(endpoint, exc, attempt)
                raise
        raise AssertionError("unreachable")

    def _log(self, endpoint: str, exc: BaseException, attempt: int) -> None:
        self.counts["failures"] += 1
        level = logging.INFO if isinstance(exc, BadRequest | Forbidden | InvalidToken) else logging.WARNING
        log.log(level, "Bot API %s failed: %s (attempt %d)", endpoint, status_of(exc), attempt)
