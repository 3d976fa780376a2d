"""The reminder scheduler with an injected clock: reminders fire at the right local
time (across a day boundary, around a holiday), a moved deadline moves them, a
restart fires each due reminder exactly once (late ones say so), mutes are respected,
an audience is expanded once per person even after a crash mid-way; the outbox's
send limiter spaces sends and honours retry_after."""
from __future__ import annotations

import asyncio
import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from bot.outbox import OutboxSender, RetryLater, render_payload
from bot.send_limiter import SendLimiter
from bot.reminders import ReminderScheduler
from dialogs.reminder_plan import plan_case_reminders, plan_deadline, withdraw
from rules.reminder_times import ReminderPolicy
from storage import Database, DataCipher

UTC = dt.timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")
KEY = bytes(range(32))
EARLY = ReminderPolicy((7, 3, 1, 0), dt.time(7, 30), SHANGHAI)  # 07:30 in Shanghai is 23:30 UTC the day before


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2016, 9, 20, 0, 0, tzinfo=UTC))


@pytest.fixture
async def db(tmp_path, clock):
    database = await Database.open(tmp_path / "bot.sqlite3", DataCipher(KEY), clock=clock, synchronous="NORMAL")
    try:
        yield database
    finally:
        await database.close()


def scheduler(db, **kw) -> ReminderScheduler:
    return ReminderScheduler(db, zone=SHANGHAI, **kw)


async def outbox(db, key: str) -> list[str]:
    async with db.transaction() as tx:
        return [render_payload(m.payload, "en") for m in await tx.outbox.list_for(key)]


async def add_deadline(db, day: dt.date, *, audience="everyone", workdays=False, policy=EARLY):
    async with db.transaction() as tx:
        d = await tx.deadlines.add(campaign="local", code=str(day), name_zh="纸质档案上报", name_en="Paper files",
                                   due_date=day, audience=audience, created_by="tg:1", workdays=workdays,
                                   action_en="Send the paper files.", action_zh="上报纸质档案。")
        await plan_deadline(tx, d, policy)
    return d


async def people(db, *keys: str, language: str = "en") -> None:
    async with db.transaction() as tx:
        for key in keys:
            await tx.users.get_or_create(key, language=language)


async def test_working_day_reminders_skip_the_holiday_and_cross_the_day_boundary(db, clock):
    await people(db, "tg:1")
    # due Saturday 2016-10-08, a make-up working day after the National Day holiday
    await add_deadline(db, dt.date(2016, 10, 8), workdays=True)
    s = scheduler(db)
    clock.now = dt.datetime(2016, 9, 29, 23, 29, tzinfo=UTC)
    assert await s.next_wait() == 0.0
    assert await s.fire_due() == 2  # the 7- and 3-working-day ones (22 and 28 September), late
    assert await s.next_wait() == 60.0  # one timer: the next row is due in a minute
    clock.now = dt.datetime(2016, 9, 29, 23, 30, tzinfo=UTC)  # 2016-09-30 07:30 in Shanghai
    assert await s.fire_due() == 1
    [late7, late3, one] = await outbox(db, "tg:1")
    assert late7.startswith("(This reminder was due on Thursday, 22 September 2016")
    assert late3.startswith("(This reminder was due on Wednesday, 28 September 2016")
    assert "3 working days left." in late3
    assert one.splitlines() == ["⏰ Reminder: Paper files, due Saturday, 8 October 2016.",
                                "The deadline is the next working day.", "What to do: Send the paper files."]
    clock.now = dt.datetime(2016, 10, 6, 23, 30, tzinfo=UTC)  # in the holiday: nothing
    assert await s.fire_due() == 0
    clock.now = dt.datetime(2016, 10, 7, 23, 30, tzinfo=UTC)  # the day itself, 07:30 local
    assert await s.fire_due() == 1
    assert "That is today." in (await outbox(db, "tg:1"))[-1]
    assert await s.next_wait() == s.idle_poll  # nothing planned any more


async def test_a_moved_deadline_moves_its_reminders(db, clock):
    await people(db, "tg:1")
    d = await add_deadline(db, dt.date(2016, 10, 31))
    async with db.transaction() as tx:
        d = await tx.deadlines.change(d.id, due_date=dt.date(2016, 11, 1))
        await plan_deadline(tx, d, EARLY)
    s = scheduler(db)
    clock.now = dt.datetime(2016, 10, 23, 23, 30, tzinfo=UTC)  # the old 7-day moment
    assert await s.fire_due() == 0
    clock.now = dt.datetime(2016, 10, 24, 23, 30, tzinfo=UTC)  # the new one
    assert await s.fire_due() == 1
    assert "due Tuesday, 1 November 2016" in (await outbox(db, "tg:1"))[0]


async def test_a_restart_fires_each_due_reminder_exactly_once(tmp_path, db, clock):
    await people(db, "tg:1", "tg:2")
    async with db.transaction() as tx:
        await plan_case_reminders(tx, "draft_returned", "draft:ABC", "tg:1", dt.date(2016, 9, 25),
                                  policy=EARLY, days_before=(1,))
    clock.now = dt.datetime(2016, 9, 23, 23, 30, tzinfo=UTC)
    assert await scheduler(db).fire_due() == 1
    await db.close()  # "killed" after the commit; the same rows seen by a new process
    again = await Database.open(tmp_path / "bot.sqlite3", DataCipher(KEY), clock=clock, synchronous="NORMAL")
    try:
        clock.now += dt.timedelta(hours=5)
        assert await scheduler(again).fire_due() == 0
        assert len(await outbox(again, "tg:1")) == 1
        assert "Your application was returned" in (await outbox(again, "tg:1"))[0]
    finally:
        await again.close()


async def test_a_crash_while_expanding_an_audience_sends_each_person_once(db, clock, monkeypatch):
    keys = [f"tg:{i}" for i in range(1, 8)]
    await people(db, *keys)
    await add_deadline(db, dt.date(2016, 10, 31))
    clock.now = dt.datetime(2016, 10, 23, 23, 30, tzinfo=UTC)
    s = scheduler(db, batch=3)
    from storage.repos.outbox import OutboxRepo
    real_add, calls = OutboxRepo.add, []

    async def failing_add(self, key, payload):
        calls.append(key)
        if len(calls) == 5:  # the second batch dies half-way
            raise OSError("killed")
        return await real_add(self, key, payload)

    monkeypatch.setattr(OutboxRepo, "add", failing_add)
    with pytest.raises(OSError):
        await s.fire_due()
    monkeypatch.setattr(OutboxRepo, "add", real_add)
    assert [len(await outbox(db, k)) for k in keys] == [1, 1, 1, 0, 0, 0, 0]
    assert await scheduler(db, batch=3).fire_due() == 4
    assert [len(await outbox(db, k)) for k in keys] == [1] * 7
    assert await scheduler(db).fire_due() == 0


async def test_muted_people_get_no_reminder_of_that_kind(db, clock):
    await people(db, "tg:1", "tg:2")
    async with db.transaction() as tx:
        await tx.reminders.mute("tg:2", "campaign")
        await tx.reminders.mute("tg:1", "notice_end")
        await plan_case_reminders(tx, "notice_end", "notice:7", "tg:1", dt.date(2016, 9, 28), policy=EARLY,
                                  days_before=(0,))
    d = await add_deadline(db, dt.date(2016, 10, 31))
    clock.now = dt.datetime(2016, 10, 31, 0, 0, tzinfo=UTC)
    s = scheduler(db)
    await s.fire_due()
    assert len(await outbox(db, "tg:1")) == 4 and await outbox(db, "tg:2") == []
    assert s.counts["muted"] == 5
    async with db.transaction() as tx:
        assert [r.state for r in await tx.reminders.of_subject("notice:7")] == ["muted"]
        assert {r.state for r in await tx.reminders.of_recipient("tg:2")} == {"muted"}
        assert len(await tx.reminders.of_subject(d.subject)) == 4 * 3  # 4 audience rows + 8 personal


async def test_withdrawn_and_past_reminders_are_not_sent(db, clock):
    await people(db, "tg:1")
    clock.now = dt.datetime(2016, 9, 23, 0, 0, tzinfo=UTC)
    async with db.transaction() as tx:
        n = await plan_case_reminders(tx, "draft_unfinished", "draft:XYZ", "tg:1", dt.date(2016, 9, 27),
                                      policy=EARLY)
        assert n == 3  # the 7-day moment had passed when it was planned
        await withdraw(tx, "draft:XYZ")  # the draft was submitted
    clock.now = dt.datetime(2016, 10, 1, tzinfo=UTC)
    assert await scheduler(db).fire_due() == 0


async def test_the_timer_wakes_when_rows_change(db, clock):
    s = scheduler(db, idle_poll=30.0)
    s.start()
    try:
        await asyncio.sleep(0.05)
        await people(db, "tg:1")
        async with db.transaction() as tx:
            await plan_case_reminders(tx, "contact_card", "household:1", "tg:1", dt.date(2016, 9, 25),
                                      policy=EARLY, days_before=(0,))
        clock.now = dt.datetime(2016, 9, 25, tzinfo=UTC)
        s.wake()
        for _ in range(100):
            if await outbox(db, "tg:1"):
                break
            await asyncio.sleep(0.02)
        assert len(await outbox(db, "tg:1")) == 1
    finally:
        await s.stop()


async def test_the_limiter_spaces_sends_overall_and_per_person():
    limiter = SendLimiter(rate=50, chat_interval=0.2)
    began = time.monotonic()
    await asyncio.gather(*(limiter.acquire(f"tg:{i}") for i in range(11)))
    assert 0.19 <= time.monotonic() - began < 0.35  # 11 sends at 50/s: 10 gaps of 20 ms
    began = time.monotonic()
    for _ in range(3):
        await limiter.acquire("tg:1")
    assert time.monotonic() - began >= 0.39  # one person: 200 ms apart


async def test_retry_after_pauses_every_send_and_costs_no_attempt(db, clock):
    await people(db, "tg:1", "tg:2")
    async with db.transaction() as tx:
        await tx.outbox.add("tg:1", {"lines": []})
        await tx.outbox.add("tg:2", {"lines": []})
    sent: list[tuple[str, float]] = []
    flooded = []

    async def deliver(key, payload):
        if not flooded:
            flooded.append(time.monotonic())
            raise RetryLater(0.3)
        sent.append((key, time.monotonic()))

    sender = OutboxSender(db, "tg", deliver, limiter=SendLimiter(rate=100, chat_interval=0.0))
    sender.start()
    try:
        for _ in range(100):
            if len(sent) == 2:
                break
            await asyncio.sleep(0.02)
    finally:
        await sender.stop()
    assert sorted(k for k, _ in sent) == ["tg:1", "tg:2"]
    assert all(at - flooded[0] >= 0.29 for _, at in sent)
    assert sender.counts["slowed"] == 1
    async with db.transaction() as tx:
        assert {(m.state, m.attempts) for k in ("tg:1", "tg:2") for m in await tx.outbox.list_for(k)} == {("sent", 1)}


async def test_a_reviewer_sees_the_progress_and_the_report_of_a_reminder_sent_now(db, clock):
    from bot.outbox import Unreachable
    from bot.reminders import report_progress
    from dialogs.reminder_plan import send_deadline_now
    from dialogs.render import text_of
    from locales import translator

    keys = [f"tg:{i}" for i in range(1, 6)]
    await people(db, *keys)
    d = await add_deadline(db, dt.date(2016, 10, 31))
    async with db.transaction() as tx:
        await tx.reminders.mute("tg:5", "campaign")
        await send_deadline_now(tx, d, "tg:9", dt.date(2016, 9, 20))
    started = []
    s = scheduler(db, on_broadcast=started.append)
    assert await s.fire_due() == 4
    [reminder] = started
    assert reminder.started_by == "tg:9"

    async def deliver(key, payload):
        if key == "tg:2":
            raise Unreachable("blocked")

    shown: list[tuple[str, int | None]] = []

    async def say(msg, handle):
        shown.append((text_of(msg, translator("en")), handle))
        return 77

    sender = OutboxSender(db, "tg", deliver)
    report = asyncio.create_task(report_progress(db, reminder, say, every=0.05))
    await asyncio.sleep(0.1)
    sender.start()
    try:
        counts = await asyncio.wait_for(report, 10)
    finally:
        await sender.stop()
    assert counts == {"pending": 0, "sent": 3, "unreachable": 1, "failed": 0, "muted": 1}
    assert shown[0] == ("Sending the reminder: 5 people, 0 sent, 4 waiting, 0 unreachable, 0 failed, 1 muted.", None)
    assert shown[-1] == ("The reminder is out: 5 people, 3 sent, 1 unreachable, 0 failed, 1 muted.", 77)  # edited
    assert "The reminder is out" not in "".join(t for t, _ in shown[:-1])
