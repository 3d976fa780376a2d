"""Throughput of the web chat: U people at once complete a screening over HTTP on
loopback against the real ``python -m bot web`` process (default settings and
limits, its own database in a temporary folder).

Each person opens the page, follows the deep link ``/?start=screen`` and answers
every question from a profile as the page's script does (one fetch POST per
answer, the page back in the response). Prints answers per second, p50/p99
latency of an answer, the server's CPU ms per answer, and how many steps met the
rate limit (retried after a second, as a person would). The clients run on the
same machine and take CPU from the server: the figures are a lower bound.
No assertions: figures only.

    .venv/bin/python bench/web_bench.py [users]
"""
from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402

from e2e.profiles import crowd_profile  # noqa: E402
from web.webuser import next_answer, read_page  # noqa: E402

FETCH = {"x-requested-with": "fetch"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def person(base: str, i: int, latencies: list[float], limited: list[int]) -> int:
    """One person's screening; returns the number of answers given."""
    profile = crowd_profile(i)
    async with httpx.AsyncClient(base_url=base, headers={"accept-language": "zh-CN"}, timeout=120) as c:
        page = read_page((await c.get("/?start=screen", follow_redirects=True)).text)
        answers = 0
        while (step := next_answer(page.messages, profile, "zh_CN")) is not None:
            _, action, what = step
            form = page.button(what) if action == "press" else page.form("/say")
            data = form.fields | ({} if action == "press" else {"text": what})
            while True:
                began = time.perf_counter()
                r = await c.post(form.action, data=data, headers=FETCH)
                if r.status_code != 429:
                    break
                limited.append(1)
                await asyncio.sleep(1.0)
                data = data | {"cid": os.urandom(12).hex()}  # the step was not applied: a new form
            latencies.append(time.perf_counter() - began)
            assert r.status_code == 200, r.status_code
            page = read_page(r.text)
            answers += 1
        return answers


async def main(users: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
        env.update(BOT_DATABASE=f"{tmp}/bot.sqlite3", BOT_DATA_KEY="benchmark passphrase 123",
                   BOT_WEB_PORT=str(port), PYTHONUNBUFFERED="1")
        server = subprocess.Popen([sys.executable, "-m", "bot", "web"], cwd=tmp, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            line = server.stdout.readline()
            assert "http://" in line, f"the server did not start: {line}"
            base = f"http://127.0.0.1:{port}"
            latencies: list[float] = []
            limited: list[int] = []
            cpu0, t0 = cpu_seconds(server.pid), time.perf_counter()
            done = await asyncio.gather(*(person(base, i, latencies, limited) for i in range(users)))
            wall, cpu = time.perf_counter() - t0, cpu_seconds(server.pid) - cpu0
        finally:
            server.terminate()
            server.wait(10)
    answers = sum(done)
    q = statistics.quantiles(latencies, n=100)
    print(f"web chat: {users} people at once, {answers} answers ({answers / users:.1f} each) in {wall:.1f} s")
    print(f"  {answers / wall:.0f} answers/s, latency p50 {q[49] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")
    print(f"  server CPU {cpu * 1000 / answers:.1f} ms per answer; {len(limited)} step(s) met the rate limit "
          f"(2/s per session, bursts of 10)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
