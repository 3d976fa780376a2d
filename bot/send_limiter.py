"""The outbox's pace: at most ``rate`` messages a second overall and one per
``chat_interval`` seconds to the same chat (BOT_BROADCAST_RATE, BOT_CHAT_RATE), and
none while Telegram asked every send to wait (429 retry_after). Kept below Telegram's
limits so a broadcast of reminders does not meet them."""
from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable


class SendLimiter:
    """Spaces sends: at most ``rate`` a second overall, one per ``chat_interval`` s per
    person, none while paused (after a 429). Slots go first come first served, on a
    fixed beat (a late wake does not shift the ones after it), and never more than
    ``rate`` sends start in any one second, even after the event loop was held up."""

    def __init__(self, rate: float = 25.0, chat_interval: float = 1.0, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or chat_interval < 0:
            raise ValueError("rate must be positive and chat_interval not negative")
        self.interval, self.chat_interval, self._clock = 1.0 / rate, chat_interval, clock
        self._beat = -1e9  # when the last slot was due
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._window: collections.deque[float] = collections.deque(maxlen=max(int(rate), 1))
        self._turn = asyncio.Lock()  # FIFO: one waiter at a time

    def pause(self, seconds: float) -> None:
        """No send starts within ``seconds`` from now."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self, recipient: str) -> None:
        """Waits for this person's interval, then for the next overall slot."""
        own = self._chat_next.get(recipient, 0.0) - self._clock()
        if own > 0:
            await asyncio.sleep(own)
        async with self._turn:
            while True:
                now = self._clock()
                due = self._beat + self.interval
                if now - due > self.interval:  # idle for a while: the beat restarts now
                    due = now
                full = len(self._window) == self._window.maxlen
                ready = max(due, self._paused_until, self._window[0] + 1.0 if full else 0.0)
                if ready <= now:
                    break
                await asyncio.sleep(ready - now)
            self._beat = due
            self._window.append(now)
            self._chat_next[recipient] = now + self.chat_interval
        if len(self._chat_next) > 4096:  # forget people whose interval has passed
            self._chat_next = {k: t for k, t in self._chat_next.items() if t > now}
