"""The Telegram bot under load, side by side with a bare echo bot of the same PTB version.

Both run as real processes (``python -m bot``; this file with ``--echo``) against the
project's fake Bot API server (tests/e2e/fake_telegram.py) in this process. Simulated
people type their answers (a choice by its number, "1"; a date, an amount, a count by
the question's kind) and read the replies; the echo bot gets the same people sending
text and answers each message with one sendMessage. Measured per run: answers per
second, Bot API calls per second, sends+edits in the busiest second, reply latency
(p50/p99, send to first reply), CPU of the bot process per answer, its RSS.

Loads: "flat out" (each person answers as soon as the question is there) and "1-2 s"
(each person answers 1-2 s after the question, like a quick human); caps: Telegram's
30 messages/s (BOT_TELEGRAM_RATE=30; the echo bot with PTB's AIORateLimiter at 30/s)
and none (0: a local Bot API server). Then RSS with 10,000 people mid-screening, and a
cProfile table of the bot in the uncapped flat-out run. Figures only, no assertions.

    .venv/bin/python bench/telegram_load_bench.py [--seconds 20] [--rounds 3] [--people 10000] [--no-profile]
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

TOKEN = "123:ABC"
CAPPED = ("sendMessage", "editMessageText", "editMessageReplyMarkup")
TYPED = {"date": "1975-06-01", "money": "25200", "count": "1", "size": "3", "id": "360102197506010012"}


def run_echo_bot() -> None:
    """``--echo``: a bare PTB echo bot (one sendMessage per text message)."""
    from telegram import Update
    from telegram.ext import AIORateLimiter, Application, MessageHandler, filters

    async def echo(update: Update, context) -> None:
        await context.bot.send_message(update.effective_chat.id, update.message.text)

    rate = int(os.environ.get("BOT_TELEGRAM_RATE", "30"))
    builder = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
               .base_url(os.environ["TELEGRAM_API_BASE_URL"]).concurrent_updates(256).connection_pool_size(256))
    if rate:
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=rate))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Process:
    """A bot process pointed at the fake server."""

    def __init__(self, tg, kind: str, rate: int, tmp: Path, profile: Path | None = None) -> None:
        self.tg, self.kind, self.rate, self.tmp, self.profile = tg, kind, rate, tmp, profile

    async def __aenter__(self) -> Process:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": self.tg.base_url,
                "TELEGRAM_API_FILE_URL": self.tg.base_file_url, "BOT_TELEGRAM_RATE": str(self.rate),
                "BOT_DATABASE": str(self.tmp / f"{self.kind}-{time.monotonic_ns()}.sqlite3"),  # update ids restart
                "BOT_DATA_KEY": "benchmark passphrase 123",
                "PYTHONPATH": os.pathsep.join(filter(None, (os.environ.get("BENCH_PYTHONPATH"), str(ROOT))))}
        if self.kind == "echo":
            args = [str(Path(__file__)), "--echo"]
        elif self.profile:
            args = ["-m", "cProfile", "-o", str(self.profile), "-m", "bot"]
        else:
            args = ["-m", "bot"]
        polls = len(self.tg.calls_of("getUpdates"))
        self.proc = await asyncio.create_subprocess_exec(sys.executable, *args, cwd=self.tmp, env=env,
                                                         stdin=asyncio.subprocess.DEVNULL)
        await self.tg.wait_for(lambda: len(self.tg.calls_of("getUpdates")) > polls, 30, "the bot to poll")
        await asyncio.sleep(0.3)
        return self

    async def __aexit__(self, *exc) -> None:
        self.proc.terminate()
        await asyncio.wait_for(self.proc.wait(), 30)


@functools.cache
def typed_questions(lang: str) -> tuple[tuple[str, str], ...]:
    """(question sentence, kind) of every question answered by typing."""
    from e2e.screening_user import ED, t

    return tuple((t(lang, f"ask.{name}"), fact.kind) for name, fact in ED.facts.items() if fact.kind in TYPED)


def question_kind(msg, lang: str) -> str | None:
    """The kind of the typed question a message asks (the longest question sentence in it), or None."""
    text = msg.text or ""
    hits = [(len(q), kind) for q, kind in typed_questions(lang) if q in text]
    return max(hits)[1] if hits else None


async def person(tg, uid: int, kind: str, pace: tuple[float, float] | None, until: float,
                 latencies: list[float]) -> int:
    """One simulated person until ``until``; how many answers got a reply."""
    from e2e.screening_user import t

    user = tg.user(uid, f"p{uid}", language_code="zh-hans")
    restart = t("zh_CN", "btn.restart")
    answers, text = 0, "/start screen" if kind == "bot" else "hello"
    rng = random.Random(uid)
    await asyncio.sleep(rng.random() * (pace[1] if pace else 0.2))
    while time.monotonic() < until:
        sent = time.monotonic()
        await user.send(text)
        try:
            msg = await user.next_message(timeout=30)
        except TimeoutError:
            text = "/start screen"
            continue
        latencies.append(time.monotonic() - sent)
        answers += 1
        if kind == "bot":  # read the rest of the replies up to the question (or the result's end)
            while not msg.buttons:
                try:
                    msg = await user.next_message(timeout=5)
                except TimeoutError:
                    break
            labels = [label for row in msg.buttons for label, _ in row]
            text = "/start screen" if restart in labels or not labels \
                else TYPED.get(question_kind(msg, "zh_CN"), "1")
        if pace:
            await asyncio.sleep(rng.uniform(*pace))
    return answers


def busiest_second(calls, since: float) -> int:
    """The most sends+edits that arrived within any one second."""
    times = sorted(c.time for c in calls if c.method in CAPPED and c.time >= since)
    best, j = 0, 0
    for i, moment in enumerate(times):
        while moment - times[j] >= 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


async def measure(kind: str, rate: int, users: int, pace, seconds: float, tmp: Path,
                  profile: Path | None = None) -> dict:
    from e2e.fake_telegram import FakeTelegram

    async with FakeTelegram(token=TOKEN) as tg, Process(tg, kind, rate, tmp, profile) as bot:
        latencies: list[float] = []
        first_call, began, cpu = len(tg.calls), time.monotonic(), cpu_seconds(bot.proc.pid)
        counts = await asyncio.gather(*(person(tg, 20_000 + i, kind, pace, began + seconds, latencies)
                                        for i in range(users)))
        wall, cpu = time.monotonic() - began, cpu_seconds(bot.proc.pid) - cpu
        calls = [c for c in tg.calls[first_call:] if c.method != "getUpdates"]
        answered = sum(counts)
        rss = rss_mb(bot.proc.pid)
    lat = sorted(latencies)
    return {"answers/s": answered / wall, "calls/s": len(calls) / wall, "calls/answer": len(calls) / max(answered, 1),
            "busiest s": busiest_second(calls, began), "p50 ms": 1000 * statistics.median(lat) if lat else 0,
            "p99 ms": 1000 * lat[int(0.99 * (len(lat) - 1))] if lat else 0,
            "cpu ms/answer": 1000 * cpu / max(answered, 1), "rss MB": rss}


def median_of(runs: list[dict]) -> dict:
    """Each figure's median over the runs of one bot and load."""
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def show(name: str, r: dict) -> None:
    print(f"  {name:5s} {r['answers/s']:7.1f} answers/s  {r['calls/s']:7.1f} calls/s "
          f"({r['calls/answer']:.2f}/answer)  busiest second {r['busiest s']:3.0f} sends+edits  "
          f"p50 {r['p50 ms']:6.1f} ms  p99 {r['p99 ms']:7.1f} ms  CPU {r['cpu ms/answer']:5.2f} ms/answer  "
          f"RSS {r['rss MB']:5.1f} MB")


async def memory(people: int, tmp: Path) -> tuple[float, float]:
    """RSS of the bot idle, then with ``people`` mid-screening (each started and answered once)."""
    from e2e.fake_telegram import FakeTelegram

    async with FakeTelegram(token=TOKEN) as tg, Process(tg, "bot", 0, tmp) as bot:
        idle = rss_mb(bot.proc.pid)
        async def one(uid: int) -> None:
            user = tg.user(uid, f"m{uid}", language_code="zh-hans")
            await user.send("/start screen")
            while not (await user.next_message(timeout=120)).buttons:  # up to the first question
                pass
            await user.send("1")
            await user.next_message(timeout=120)
        for start in range(0, people, 500):
            await asyncio.gather(*(one(100_000 + i) for i in range(start, min(start + 500, people))))
            for uid in range(100_000 + start, 100_000 + min(start + 500, people)):
                tg.user(uid).messages.clear()  # the fake server's memory is not the bot's
        await asyncio.sleep(1.0)
        return idle, rss_mb(bot.proc.pid)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--loads", default="1234", help="which loads to run, by number (1-4), e.g. 24")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each bot per load, alternating (medians shown)")
    opts = ap.parse_args()
    s = opts.seconds
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        results = {}
        loads = ((30, 50, None, "within Telegram's cap (30/s), 50 people flat out"),
                 (30, 30, (1.0, 2.0), "within the cap, 30 people answering every 1-2 s"),
                 (0, 50, None, "cap lifted, 50 people flat out"),
                 (0, 200, (1.0, 2.0), "cap lifted, 200 people answering every 1-2 s"))
        for rate, users, pace, title in (load for n, load in enumerate(loads, 1) if str(n) in opts.loads):
            print(title + ":")
            for _ in range(opts.rounds):  # echo, bot, echo, bot...: the machine's drift hits both
                for kind in ("echo", "bot"):
                    r = await measure(kind, rate, users, pace, s, tmp)
                    results.setdefault((rate, users, kind), []).append(r)
                    show(kind, r)
            echo, ours = (median_of(results[(rate, users, kind)]) for kind in ("echo", "bot"))
            if opts.rounds > 1:
                show("echo~", echo)
                show("bot~", ours)
            print(f"  ratios bot/echo{' (medians)' if opts.rounds > 1 else ''}: answers/s "
                  f"{ours['answers/s'] / echo['answers/s']:.2f}, Bot API calls/s "
                  f"{ours['calls/s'] / echo['calls/s']:.2f}, CPU per answer "
                  f"{ours['cpu ms/answer'] / max(echo['cpu ms/answer'], 1e-9):.2f}x")
        if not opts.no_memory:
            idle, busy = await memory(opts.people, tmp)
            print(f"memory: RSS idle {idle:.1f} MB; {opts.people} people mid-screening: RSS {busy:.1f} MB")
        if not opts.no_profile:
            prof = tmp / "bot.prof"
            await measure("bot", 0, 50, None, s, tmp, profile=prof)
            print("cProfile of the bot, cap lifted, 50 people flat out (top 20 by own time):")
            pstats.Stats(str(prof)).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--echo"]:
        run_echo_bot()
    else:
        asyncio.run(main())
