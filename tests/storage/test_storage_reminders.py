"""Deadlines and reminder rows: planning is idempotent and moves planned rows, a sent
reminder is never planned again, withdrawing stops a subject, audiences come from
roles, mutes are per kind, and payloads are encrypted at rest."""
from __future__ import annotations

import datetime as dt

from storage import PlannedReminder

NAME = "欧阳秀兰"
D = dt.date(2025, 3, 10)


def at(day: int, hour: int = 1) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, tzinfo=dt.timezone.utc)


def planned(subject: str, days_before: int, due: dt.datetime, *, recipient: str | None = "tg:1",
            audience: str | None = None, text: str = "hi") -> PlannedReminder:
    return PlannedReminder(key=f"{subject}:{days_before}", subject=subject, kind="draft_returned",
                           recipient=recipient, audience=audience, deadline_date=D, days_before=days_before,
                           due_at=due, payload={"text": text})


async def test_deadlines_add_list_change_remove(db):
    async with db.transaction() as tx:
        first = await tx.deadlines.add(campaign="local", code="a", name_zh="甲", name_en="A", due_date=D,
                                       audience="clerks", created_by="tg:9")
        again = await tx.deadlines.add(campaign="local", code="a", name_zh="乙", name_en="B", due_date=D,
                                       audience="everyone", created_by="tg:9")
        second = await tx.deadlines.add(campaign="local", code="b", name_zh="丙", name_en="C",
                                        due_date=D - dt.timedelta(days=3), audience="everyone", created_by="tg:9",
                                        workdays=True, reference="7号")
        assert again is None
        assert [d.code for d in await tx.deadlines.list()] == ["b", "a"]
        assert [d.code for d in await tx.deadlines.list(since=D)] == ["a"]
        moved = await tx.deadlines.change(first.id, due_date=D + dt.timedelta(days=1), name_en="A2")
        assert moved.due_date == D + dt.timedelta(days=1) and moved.name_en == "A2" and moved.name_zh == "甲"
        assert second.workdays and second.subject == f"deadline:{second.id}"
        assert await tx.deadlines.remove(first.id) and not await tx.deadlines.remove(first.id)
        assert await tx.deadlines.get(first.id) is None


async def test_planning_twice_keeps_one_row_and_moves_it(db):
    async with db.transaction() as tx:
        await tx.reminders.plan("draft:1", [planned("draft:1", 3, at(7)), planned("draft:1", 1, at(9))])
        await tx.reminders.plan("draft:1", [planned("draft:1", 3, at(8)), planned("draft:1", 1, at(9))])
        rows = await tx.reminders.of_subject("draft:1")
    assert [(r.days_before, r.due_at, r.state) for r in rows] == [(3, at(8), "planned"), (1, at(9), "planned")]


async def test_a_sent_reminder_is_not_planned_again(db, clock):
    async with db.transaction() as tx:
        await tx.reminders.plan("draft:1", [planned("draft:1", 3, at(7))])
        [row] = await tx.reminders.due(at(7))
        assert await tx.reminders.mark_fired(row.id, outbox_id=5)
        assert not await tx.reminders.mark_fired(row.id, outbox_id=6)
        await tx.reminders.plan("draft:1", [planned("draft:1", 3, at(8))])
        [row] = await tx.reminders.of_subject("draft:1")
        assert (row.state, row.due_at, row.outbox_id, row.attempts) == ("sent", at(7), 5, 1)
        assert await tx.reminders.due(at(20)) == []


async def test_withdraw_and_replan_leave_only_what_applies(db):
    async with db.transaction() as tx:
        await tx.reminders.plan("draft:1", [planned("draft:1", 3, at(7)), planned("draft:1", 1, at(9))])
        await tx.reminders.plan("draft:2", [planned("draft:2", 1, at(9))])
        await tx.reminders.plan("draft:1", [planned("draft:1", 1, at(9))])  # the 3-day one no longer applies
        assert [r.state for r in await tx.reminders.of_subject("draft:1")] == ["withdrawn", "planned"]
        assert await tx.reminders.withdraw("draft:1") == 1
        assert tx.reminders.changed
        assert [r.subject for r in await tx.reminders.due(at(20))] == ["draft:2"]
        assert await tx.reminders.next_due() == at(9)
        await tx.reminders.plan("draft:1", [planned("draft:1", 3, at(7))])  # planned again: back
        assert (await tx.reminders.next_due()) == at(7)


async def test_audiences_come_from_roles_and_channels(db):
    async with db.transaction() as tx:
        for key in ("tg:1", "tg:2", "web:x", "console:me"):
            await tx.users.get_or_create(key, language="zh_CN")
        await tx.users.grant_role("tg:2", "clerk")
        await tx.users.grant_role("tg:3", "reviewer")
        assert await tx.reminders.audience("everyone", channels=("tg",)) == ["tg:1", "tg:2"]
        assert await tx.reminders.audience("everyone", channels=("tg", "web")) == ["tg:1", "tg:2", "web:x"]
        assert await tx.reminders.audience("clerks", channels=("tg",)) == ["tg:2"]
        assert await tx.reminders.audience("reviewers", channels=("tg",)) == ["tg:3"]


async def test_the_drafts_audience_is_whoever_fills_an_unsubmitted_draft(db):
    from storage import StoredDraft

    async with db.transaction() as tx:
        for ref, status, by in (("AAAA1", "draft", "tg:1"), ("AAAA2", "returned", "tg:2"),
                                ("AAAA3", "submitted", "tg:3"), ("AAAA4", "draft", "web:w"), ("AAAA5", "draft", "tg:1")):
            saved = await tx.drafts.save(StoredDraft(reference=ref, status="draft", created_by=by, applicant_key=by))
            if status != "draft":
                await tx.drafts.save(saved.model_copy(update={"status": status}))
        assert await tx.reminders.audience("drafts", channels=("tg",)) == ["tg:1", "tg:2"]


async def test_audience_rows_expand_once_per_person(db):
    async with db.transaction() as tx:
        await tx.reminders.plan("deadline:1", [planned("deadline:1", 1, at(9), recipient=None, audience="everyone")])
        [parent] = await tx.reminders.due(at(9))
        assert await tx.reminders.add_fired(parent, "tg:1", state="sent", late=False, outbox_id=1)
        assert not await tx.reminders.add_fired(parent, "tg:1", state="sent", late=False, outbox_id=2)
        assert await tx.reminders.fired_to(parent.id) == {"tg:1"}
        [child] = await tx.reminders.of_recipient("tg:1")
    assert (child.parent_id, child.state, child.outbox_id, child.payload) == (parent.id, "sent", 1, {})


async def test_mutes_are_per_person_and_kind(db):
    async with db.transaction() as tx:
        assert await tx.reminders.mute("tg:1", "campaign")
        assert not await tx.reminders.mute("tg:1", "campaign")
        await tx.reminders.mute("tg:2", "notice_end")
        assert await tx.reminders.muted("tg:1") == {"campaign"}
        assert await tx.reminders.muted_by("campaign") == {"tg:1"}
        assert await tx.reminders.unmute("tg:1", "campaign")
        assert await tx.reminders.muted("tg:1") == set()


async def test_payloads_are_encrypted_at_rest(db, db_path):
    async with db.transaction() as tx:
        await tx.reminders.plan("draft:1", [planned("draft:1", 3, at(7), text=f"{NAME}的申请")])
        [row] = await tx.reminders.of_subject("draft:1")
        assert row.payload == {"text": f"{NAME}的申请"}
    await db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith("bot.sqlite3"))
    assert NAME.encode() not in raw
