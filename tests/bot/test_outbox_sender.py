"""OutboxSender over a real SQLite file: order per recipient under random failures,
Unreachable stops a person's messages, retries back off, Rejected moves on, no busy
loop, clean stop (a cut-short delivery goes out after a restart), daily pruning."""
from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from bot.outbox import OutboxSender, Rejected, Unreachable, render_payload
from storage import Database, DataCipher

START = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def payload(text: str) -> dict:
    return {"text": text}  # opaque to the sender: only deliver reads it


def text_of(p: dict) -> str:
    return p["text"]


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "bot.sqlite3", DataCipher(bytes(range(32))))
    yield database
    await database.close()


@pytest.fixture
async def fake_db(tmp_path):
    clock = FakeClock()
    database = await Database.open(tmp_path / "fake.sqlite3", DataCipher(bytes(range(32))), clock=clock)
    yield database, clock
    await database.close()


async def queue(db, *items: tuple[str, str]) -> list[int]:
    async with db.transaction() as tx:
        return [await tx.outbox.add(key, payload(text)) for key, text in items]


async def counts(db) -> dict[str, int]:
    async with db.transaction() as tx:
        return await tx.outbox.counts()


async def eventually(predicate, timeout: float = 10.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


class Recorder:
    """A deliver function: records what arrived per recipient; may fail, hang or refuse."""

    def __init__(self, *, fail_share: float = 0.0, seed: int = 1):
        self.got: dict[str, list[str]] = defaultdict(list)
        self.calls: list[tuple[str, str]] = []
        self.active: dict[str, int] = defaultdict(int)
        self.most_at_once = 0
        self.overlap_per_recipient = False
        self.fail_share, self.rng = fail_share, random.Random(seed)
        self.behaviour: dict[str, object] = {}  # recipient -> exception (class) to raise, or "hang"

    async def __call__(self, recipient: str, p: dict) -> None:
        self.calls.append((recipient, text_of(p)))
        self.active[recipient] += 1
        self.overlap_per_recipient |= self.active[recipient] > 1
        self.most_at_once = max(self.most_at_once, sum(self.active.values()))
        try:
            await asyncio.sleep(self.rng.random() * 0.003)
            what = self.behaviour.get(recipient)
            if what == "hang":
                await asyncio.Event().wait()
            if what is not None:
                raise what
            if self.rng.random() < self.fail_share:
                raise ConnectionError("flaky network")
            self.got[recipient].append(text_of(p))
        finally:
            self.active[recipient] -= 1


@pytest.mark.parametrize("fail_share", [0.0, 0.3])
async def test_a_hundred_messages_to_ten_people_keep_each_persons_order(db, fail_share):
    deliver = Recorder(fail_share=fail_share, seed=7)
    order = [(f"tg:{n % 10}", f"m{i}") for i, n in enumerate(random.Random(3).choices(range(10), k=100))]
    await queue(db, *order[:60])
    sender = OutboxSender(db, "tg", deliver, base_delay=0.005, max_delay=0.02, max_attempts=10_000,
                          concurrency=4, per_recipient=3)
    sender.start()
    for i in range(60, 100, 8):  # more arrive while it sends
        await queue(db, *order[i:i + 8])
        sender.wake()
        await asyncio.sleep(0.01)
    await eventually(lambda: _all_sent(db, 100), 30, "every message to be sent")
    await sender.stop()
    expected: dict[str, list[str]] = defaultdict(list)
    for key, text in order:
        expected[key].append(text)
    assert dict(deliver.got) == dict(expected)  # each person's messages once, in order
    assert not deliver.overlap_per_recipient and deliver.most_at_once > 1
    assert sender.counts["sent"] == 100
    assert (sender.counts["retried"] > 10) == (fail_share > 0)


async def _all_sent(db, n: int) -> bool:
    return (await counts(db)).get("sent", 0) == n


async def test_unreachable_stops_that_persons_messages_only(db):
    deliver = Recorder()
    deliver.behaviour["tg:1"] = Unreachable("blocked")
    await queue(db, ("tg:1", "a1"), ("tg:2", "b1"), ("tg:1", "a2"), ("tg:1", "a3"), ("tg:2", "b2"))
    sender = OutboxSender(db, "tg", deliver, base_delay=0.01)
    sender.start()
    try:
        await eventually(lambda: _all_sent(db, 2), what="tg:2's messages")
        await queue(db, ("tg:1", "a4"))  # queued after the block: stored, never tried
        sender.wake()
        await asyncio.sleep(0.3)
    finally:
        await sender.stop()
    assert [c for c in deliver.calls if c[0] == "tg:1"] == [("tg:1", "a1")]
    assert deliver.got == {"tg:2": ["b1", "b2"]}
    assert await counts(db) == {"sent": 2, "unreachable": 4}
    assert sender.counts["unreachable"] == 1
    async with db.transaction() as tx:
        assert await tx.outbox.is_unreachable("tg:1")
        assert await tx.outbox.mark_reachable("tg:1") == 4  # they wrote again
    deliver.behaviour.clear()
    sender = OutboxSender(db, "tg", deliver)
    sender.start()
    try:
        await eventually(lambda: _all_sent(db, 6), what="tg:1's messages after unblocking")
    finally:
        await sender.stop()
    assert deliver.got["tg:1"] == ["a1", "a2", "a3", "a4"]


async def test_a_failing_delivery_is_retried_with_backoff(fake_db):
    db, clock = fake_db
    deliver = Recorder()
    deliver.behaviour["tg:1"] = TimeoutError("held")
    [first, second] = await queue(db, ("tg:1", "a1"), ("tg:1", "a2"))
    sender = OutboxSender(db, "tg", deliver, base_delay=60, max_delay=600, idle_poll=30)
    steps = _count_steps(sender)
    sender.start()
    try:
        await eventually(lambda: _attempts(db, first, 1), what="the first attempt")
        async with db.transaction() as tx:
            row = await tx.outbox.get(first)
        assert row.next_attempt_at == START + timedelta(seconds=60) and row.last_error == "TimeoutError"
        await asyncio.sleep(0.3)
        assert len(deliver.calls) == 1 and steps[0] <= 3  # sleeping until the retry: no busy loop
        clock.advance(seconds=59)
        sender.wake()
        await asyncio.sleep(0.2)
        assert len(deliver.calls) == 1  # not due yet
        clock.advance(seconds=1)
        sender.wake()
        await eventually(lambda: _attempts(db, first, 2), what="the second attempt")
        async with db.transaction() as tx:
            assert (await tx.outbox.get(first)).next_attempt_at == clock() + timedelta(seconds=120)
        del deliver.behaviour["tg:1"]
        clock.advance(seconds=120)
        sender.wake()
        await eventually(lambda: _all_sent(db, 2), what="both messages")
    finally:
        await sender.stop()
    assert deliver.calls == [("tg:1", "a1")] * 3 + [("tg:1", "a2")]
    assert deliver.got == {"tg:1": ["a1", "a2"]}
    async with db.transaction() as tx:
        assert (await tx.outbox.get(first)).attempts == 3 and (await tx.outbox.get(second)).attempts == 1


async def test_too_many_attempts_or_a_refusal_give_a_message_up_and_the_next_goes(db):
    deliver = Recorder()
    deliver.behaviour["tg:1"] = Rejected("message is too long")
    deliver.behaviour["tg:2"] = OSError("down")
    await queue(db, ("tg:1", "a1"), ("tg:2", "b1"))
    sender = OutboxSender(db, "tg", deliver, base_delay=0.001, max_delay=0.001, max_attempts=3)
    sender.start()
    try:
        await eventually(lambda: _state_count(db, "failed", 2), what="both to be given up")
        deliver.behaviour.clear()
        await queue(db, ("tg:1", "a2"), ("tg:2", "b2"))
        sender.wake()
        await eventually(lambda: _all_sent(db, 2), what="the next messages")
    finally:
        await sender.stop()
    assert deliver.calls.count(("tg:2", "b1")) == 3 and deliver.calls.count(("tg:1", "a1")) == 1
    assert deliver.got == {"tg:1": ["a2"], "tg:2": ["b2"]}


async def test_other_channels_are_left_alone(db):
    deliver = Recorder()
    await queue(db, ("web:abc", "w"), ("console:alice", "c"), ("tg:5", "t"))
    sender = OutboxSender(db, "tg", deliver)
    sender.start()
    await eventually(lambda: _all_sent(db, 1))
    await sender.stop()
    assert deliver.calls == [("tg:5", "t")] and (await counts(db)) == {"pending": 2, "sent": 1}


async def test_an_idle_sender_sleeps_and_a_wake_is_prompt(db):
    deliver = Recorder()
    sender = OutboxSender(db, "tg", deliver, idle_poll=30)
    steps = _count_steps(sender)
    sender.start()
    await asyncio.sleep(0.5)
    assert steps[0] <= 2
    await queue(db, ("tg:9", "hello"))
    began = time.monotonic()
    sender.wake()
    await eventually(lambda: _all_sent(db, 1))
    assert time.monotonic() - began < 1.0
    await sender.stop()
    await sender.stop()  # idempotent
    assert not sender.running


async def test_stop_cuts_a_hanging_delivery_short_and_it_goes_out_after_a_restart(db):
    deliver = Recorder()
    deliver.behaviour["tg:1"] = "hang"
    await queue(db, ("tg:1", "a1"), ("tg:1", "a2"))
    sender = OutboxSender(db, "tg", deliver)
    sender.start()
    await eventually(lambda: _called(deliver, 1), what="the delivery to start")
    began = time.monotonic()
    await sender.stop(timeout=0.2)
    assert time.monotonic() - began < 2
    assert await counts(db) == {"pending": 2}
    deliver.behaviour.clear()
    again = OutboxSender(db, "tg", deliver)
    again.start()
    await eventually(lambda: _all_sent(db, 2))
    await again.stop()
    assert deliver.got == {"tg:1": ["a1", "a2"]}


async def test_old_rows_are_pruned_once_a_day(fake_db):
    db, clock = fake_db
    deliver = Recorder()
    sender = OutboxSender(db, "tg", deliver)
    sender.start()
    try:
        await queue(db, ("tg:1", "old"))
        async with db.transaction() as tx:
            await tx.updates.mark_processed(1, "tg:1")
        sender.wake()
        await eventually(lambda: _all_sent(db, 1))
        clock.advance(hours=23)
        sender.wake()
        await asyncio.sleep(0.2)
        assert (await counts(db)) == {"sent": 1}
        clock.advance(days=7)  # a day since the last prune, and the row is over 7 days old
        sender.wake()
        await eventually(lambda: _state_count(db, "sent", 0), what="the prune")
    finally:
        await sender.stop()
    async with db.transaction() as tx:
        assert not await tx.updates.is_processed(1, "tg:1")


def test_render_payload_is_the_replys_text_in_the_persons_language():
    from dialogs.types import Label, Msg, Reply, reply_to_json

    returned = Label("申请已退回", "The application was returned")
    p = reply_to_json(Reply((Msg("fmt.date_value", {"date": returned}),)))  # the bare "{date}" format
    assert render_payload(p, "zh_CN") == "申请已退回"
    assert render_payload(p, "en") == "The application was returned"


def _count_steps(sender: OutboxSender) -> list[int]:
    steps = [0]
    original = sender._step

    async def counted():
        steps[0] += 1
        return await original()

    sender._step = counted
    return steps


async def _attempts(db, message_id: int, n: int) -> bool:
    async with db.transaction() as tx:
        return (await tx.outbox.get(message_id)).attempts >= n


async def _state_count(db, state: str, n: int) -> bool:
    return (await counts(db)).get(state, 0) == n


async def _called(deliver: Recorder, n: int) -> bool:
    return len(deliver.calls) >= n
