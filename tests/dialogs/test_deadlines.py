"""/deadlines and /reminders as people use them: only reviewers and admins manage
deadlines (every press checked again), adding plans the reminders, moving the date
moves them, removing withdraws them, the 2016 example loads once; anyone mutes a kind."""
from __future__ import annotations

import datetime as dt
import os

import pytest
from harness import Person

from dialogs.assistant import Assistant
from dialogs.types import Button
from storage import Database, DataCipher

TODAY = dt.date(2016, 10, 15)
NOW = dt.datetime(2016, 10, 15, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Shanghai


@pytest.fixture
async def assistant(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3", DataCipher(os.urandom(32)), clock=lambda: NOW,
                             synchronous="NORMAL")
    try:
        yield Assistant(db, today=lambda: TODAY, default_language="en", admin_keys=frozenset({"tg:1"}))
    finally:
        await db.close()


async def reminders_of(assistant: Assistant, subject: str) -> list[tuple]:
    async with assistant.db.transaction() as tx:
        return [(r.days_before, r.due_at, r.state) for r in await tx.reminders.of_subject(subject)]


async def only_deadline(assistant: Assistant):
    async with assistant.db.transaction() as tx:
        [d] = await tx.deadlines.list()
    return d


async def test_a_worker_cannot_manage_deadlines_even_with_a_forged_press(assistant):
    worker = Person(assistant, "tg:2")
    await worker.command("deadlines")
    assert "Only reviewers and administrators" in worker.text
    async with assistant.db.transaction() as tx:  # a reviewer opens the list ...
        await tx.users.grant_role("tg:2", "reviewer")
    await worker.command("deadlines")
    assert "dl:add" in worker.buttons
    async with assistant.db.transaction() as tx:  # ... and loses the role before pressing
        await tx.users.revoke_role("tg:2", "reviewer")
    await worker.press("dl:add")
    assert "Only reviewers and administrators" in worker.text
    await worker.send(Button("dl:example", worker.question.seq if worker.question else None))
    async with assistant.db.transaction() as tx:
        assert await tx.deadlines.list() == []


async def test_add_plans_reminders_and_moving_the_date_moves_them(assistant):
    admin = Person(assistant, "tg:1")
    await admin.command("deadlines")
    assert "No deadlines yet." in admin.text
    await admin.press("dl:add")
    await admin.say("Paper files")
    await admin.say("2016-11-08")
    assert "reminds" not in admin.text and "Whom should it remind?" in admin.text
    await admin.press("dl:aud:clerks")
    assert "Saved: Paper files, Tuesday, 8 November 2016. 4 reminders planned." in admin.text
    d = await only_deadline(assistant)
    assert [r[:2] for r in await reminders_of(assistant, d.subject)] == [
        (7, dt.datetime(2016, 11, 1, 1, tzinfo=dt.timezone.utc)), (3, dt.datetime(2016, 11, 5, 1, tzinfo=dt.timezone.utc)),
        (1, dt.datetime(2016, 11, 7, 1, tzinfo=dt.timezone.utc)), (0, dt.datetime(2016, 11, 8, 1, tzinfo=dt.timezone.utc))]

    await admin.press(f"dl:view:{d.id}")
    assert "Reminders planned: 4" in admin.text
    await admin.press("dl:date")
    await admin.say("2016-10-18")  # three days from now: the 7-day reminder has passed
    rows = await reminders_of(assistant, d.subject)
    assert [r for r in rows if r[2] == "planned"] == [
        (1, dt.datetime(2016, 10, 17, 1, tzinfo=dt.timezone.utc), "planned"),
        (0, dt.datetime(2016, 10, 18, 1, tzinfo=dt.timezone.utc), "planned")]
    assert sum(r[2] == "withdrawn" for r in rows) == 4
    async with assistant.db.transaction() as tx:
        assert [e.action for e in await tx.audit.list_for(d.subject)] == ["deadline.added", "deadline.moved"]


async def test_a_reviewer_removes_a_deadline_and_its_reminders_are_withdrawn(assistant):
    async with assistant.db.transaction() as tx:
        await tx.users.grant_role("tg:5", "reviewer")
    reviewer = Person(assistant, "tg:5")
    await reviewer.command("deadlines")
    await reviewer.press("dl:example")
    assert "Example campaign loaded: 3 deadlines added." in reviewer.text
    assert "Paper files to the provincial education union" in reviewer.text
    await reviewer.press("dl:example")
    assert "0 deadlines added" in reviewer.text
    async with assistant.db.transaction() as tx:
        paper = await tx.deadlines.by_code("jiangxi-2016", "paper_files")
    assert paper.due_date == dt.date(2016, 11, 8) and paper.reference == "赣教工〔2016〕27号"
    await reviewer.press(f"dl:view:{paper.id}")
    await reviewer.press("dl:remove")
    assert "Remove “Paper files to the provincial education union” (Tuesday, 8 November 2016)?" in reviewer.text
    await reviewer.press("dl:yes")
    assert "Removed" in reviewer.text
    assert {r[2] for r in await reminders_of(assistant, paper.subject)} == {"withdrawn"}


async def test_a_bad_or_past_date_is_asked_again(assistant):
    admin = Person(assistant, "tg:1")
    await admin.command("deadlines")
    await admin.press("dl:add")
    await admin.say("Statistics")
    await admin.say("someday")
    assert "I could not read that date" in admin.text
    await admin.say("2016-10-01")
    assert "That date has passed" in admin.text
    await admin.say("2016-11-01")
    assert "Whom should it remind?" in admin.text


async def test_anyone_mutes_and_unmutes_a_kind(assistant):
    worker = Person(assistant, "tg:2")
    await worker.command("reminders")
    assert worker.label("rmd:campaign") == "🔔 Campaign deadlines"
    await worker.press("rmd:campaign")
    assert "Switched off: Campaign deadlines." in worker.text
    assert worker.label("rmd:campaign") == "🔕 Campaign deadlines (off)"
    async with assistant.db.transaction() as tx:
        assert await tx.reminders.muted("tg:2") == {"campaign"}
    await worker.press("rmd:campaign")
    assert "Switched on: Campaign deadlines." in worker.text
    await worker.press("rmd:done")
    async with assistant.db.transaction() as tx:
        assert await tx.reminders.muted("tg:2") == set()


async def test_remind_now_queues_a_reminder_the_reviewer_follows(assistant):
    admin = Person(assistant, "tg:1")
    await admin.command("deadlines")
    await admin.press("dl:example")
    d = await only_deadline_by_code(assistant, "statistics_table")
    await admin.press(f"dl:view:{d.id}")
    await admin.press("dl:now")
    assert "Sending the reminder of “Send the statistics table of the precise filing” now" in admin.text
    async with assistant.db.transaction() as tx:
        [row] = [r for r in await tx.reminders.of_subject(d.subject) if r.started_by]
    assert (row.started_by, row.audience, row.due_at, row.state) == ("tg:1", "reviewers", NOW, "planned")


async def only_deadline_by_code(assistant: Assistant, code: str):
    async with assistant.db.transaction() as tx:
        return await tx.deadlines.by_code("jiangxi-2016", code)
