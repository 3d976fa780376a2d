"""Staff desk behaviour found untested in the audit of issue 11: the overdue view counts
working days (the rules calendar), a rejection's reason reaches the applicant (and
stays in their /status), a first submission reaches every reviewer and nobody else, a
clerk moved to another unit cannot open the old unit's case from an old list, an
expired invite says so, a batch clean-up
answered "no" cancels nothing, and a long export's count is one message, edited as it
grows."""
from __future__ import annotations

import asyncio
import datetime as dt

from form_filler import APPLICANT, RecordingPerson, apply_after_screening, finish_and_submit
from harness import Person, msg
from staff_helpers import APPLICANT_KEY, CLERK, REVIEWER, invited, seed_draft, staff, status_of
from test_staff_desk import assistant, calendar, open_at_desk, outbox_to, raise_objection  # noqa: F401 (fixtures)
from test_staff_records import seed_filed

from dialogs import staff_admin, staff_documents
from dialogs.access import STAFF_READ
from dialogs.types import Button

UTC = dt.timezone.utc


async def submitted_on(assistant, reference: str, day: dt.date) -> None:
    async with assistant.db.transaction() as tx:
        stored = await tx.drafts.get(reference)
        at = dt.datetime.combine(day, dt.time(2), UTC)
        await tx.drafts.save(stored.model_copy(update={"submitted_at": at}))


async def test_the_overdue_view_counts_working_days_not_calendar_days(assistant, calendar):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "LATE0001")
    await seed_draft(assistant, "HOLI0001", status="under_review")
    await seed_draft(assistant, "NEW00001")
    await submitted_on(assistant, "LATE0001", dt.date(2016, 9, 20))  # 11 working days by 10 October
    await submitted_on(assistant, "HOLI0001", dt.date(2016, 9, 28))  # 12 calendar days, 5 working (National Day)
    await submitted_on(assistant, "NEW00001", dt.date(2016, 10, 9))  # a 调休 Sunday: 1 working day
    calendar.day = dt.date(2016, 10, 10)
    await reviewer.command("inbox")
    await reviewer.press("stf:overdue")
    assert msg("staff.overdue_title", count=1, days=5) in reviewer.text
    assert "LATE0001" in reviewer.text and "HOLI0001" not in reviewer.text and "NEW00001" not in reviewer.text
    assert "已等 11 个工作日" in reviewer.text
    await reviewer.press("stf:queue")
    await reviewer.press("stf:list:under_review")
    assert "HOLI0001" in reviewer.text and "已等 5 个工作日" in reviewer.text
    # the clerk sees the same view for their own unit
    await clerk.command("inbox")
    await clerk.press("stf:overdue")
    assert "LATE0001" in clerk.text


async def test_a_rejection_tells_the_applicant_its_reason(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "REJ00001", status="under_review")
    await open_at_desk(reviewer, "REJ00001")
    await reviewer.press("stf:reject:REJ00001")
    await reviewer.say("家庭人均收入高于低保边缘标准")
    assert await status_of(assistant, "REJ00001") == "rejected"
    assert msg("staff.rejected", ref="REJ00001") in reviewer.text
    [told] = await outbox_to(assistant, APPLICANT_KEY)
    assert "staff.told_rejected" in str(told) and "家庭人均收入高于低保边缘标准" in str(told)
    applicant = Person(assistant, APPLICANT_KEY)
    await applicant.command("status")
    assert "家庭人均收入高于低保边缘标准" in applicant.text
    async with assistant.db.transaction() as tx:
        [entry] = [a for a in await tx.audit.list_for("draft:REJ00001") if a.action == "draft_status"]
    assert (entry.before, entry.after, entry.actor) == ("under_review", "rejected", reviewer.key)


async def test_an_upheld_objection_does_not_show_an_old_return_comment_as_the_reason(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "OBJ00002", status="in_public_notice", approved=True)
    async with assistant.db.transaction() as tx:  # returned once earlier: the comment of that return is kept
        stored = await tx.drafts.get("OBJ00002")
        await tx.drafts.save(stored.model_copy(update={"content": {**stored.content, "comment": "手机号码打不通"}}))
        await tx.cases.add_notice("某中学", dt.date(2016, 9, 1), dt.date(2016, 9, 7), dt.date(2016, 9, 7), "tg:2",
                                  ["OBJ00002"])
    await raise_objection(reviewer, "OBJ00002", "该户另有住房两套")
    await reviewer.press("stf:objection:OBJ00002")
    await reviewer.press(next(v for v in reviewer.buttons if v.startswith("stf:uphold:")))
    assert await status_of(assistant, "OBJ00002") == "rejected"
    applicant = Person(assistant, APPLICANT_KEY)
    await applicant.command("status")
    assert "OBJ00002" in applicant.text and "手机号码打不通" not in applicant.text


async def test_a_first_submission_reaches_every_reviewer_masked_and_nobody_else(assistant):
    admin, reviewer, clerk = await staff(assistant)
    second = await invited(admin, "tg:4", "reviewer")
    gone = await invited(admin, "tg:5", "reviewer")
    await admin.command("staff")
    await admin.press(f"stf:revoke:reviewer:{gone.key}")
    await admin.press("stf:yes")
    worker = RecordingPerson(assistant, "tg:1002")
    await finish_and_submit(await apply_after_screening(worker))
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(worker.key)
    for key in (REVIEWER, second.key):
        [note] = [m for m in await outbox_to(assistant, key) if "staff.new_submission" in str(m)]
        assert draft.reference in str(note) and "3601**********" in str(note)
    for key in (gone.key, CLERK):
        assert not [m for m in await outbox_to(assistant, key) if "staff.new_submission" in str(m)]


async def test_a_clerk_moved_to_another_unit_cannot_open_the_old_units_case(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "UNIT0001")
    await clerk.command("inbox")
    await clerk.press("stf:list:submitted")
    old_list = clerk.question
    assert "stf:open:UNIT0001" in clerk.buttons
    await admin.command("staff")
    await admin.press(f"stf:revoke:clerk:{CLERK}")
    await admin.press("stf:yes")
    await invited(admin, CLERK, "clerk", unit="另一家工会")
    await clerk.press("stf:open:UNIT0001", seq=old_list.seq)  # the old list's button: a passed question
    assert msg("nav.stale") in clerk.text and "张三" not in clerk.text
    await clerk.command("inbox")  # the new unit's queue: the old unit's case is not in it, nor openable
    assert "stf:list:submitted" not in clerk.buttons
    await clerk.send(Button("stf:open:UNIT0001", clerk.question.seq))  # forged at the current question
    assert "张三" not in clerk.text and await status_of(assistant, "UNIT0001") == "submitted"
    async with assistant.db.transaction() as tx:
        assert not [a for a in await tx.audit.list_for("draft:UNIT0001") if a.action == "draft_read"]


async def test_an_expired_invite_says_so_and_grants_nothing(assistant, calendar):
    admin, reviewer, clerk = await staff(assistant)
    await admin.command("staff")
    await admin.press("stf:invite:reviewer")
    line = next(x for x in admin.text.splitlines() if x.startswith("/start inv-"))
    calendar.day += staff_admin.INVITE_VALID + dt.timedelta(days=1)
    late = Person(assistant, "tg:9")
    await late.command("start", line.removeprefix("/start "))
    assert msg("staff.invite.expired") in late.text
    await late.command("inbox")
    assert msg("staff.refused.role") in late.text


async def test_a_batch_clean_up_answered_no_cancels_nothing(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_filed(assistant, "OLD00001", dt.date(2014, 5, 1), category="marginal")
    await reviewer.command("cleanup")
    await reviewer.press("stf:batch")
    assert msg("staff.cleanup.batch_sure", count=1) in reviewer.text
    await reviewer.press("stf:no")
    assert await status_of(assistant, "OLD00001") == "filed"
    assert "OLD00001" in reviewer.text  # still listed


async def test_a_long_export_shows_its_count_in_one_message_edited(assistant, monkeypatch):
    admin, reviewer, clerk = await staff(assistant)
    for i in range(5):
        await seed_filed(assistant, f"EXP0000{i}", dt.date(2015, 1, 5), category="marginal")
    monkeypatch.setattr(staff_documents, "BATCH", 2)  # a progress step every 2 households
    shown: list[tuple[str, str, object]] = []

    async def show(user_key: str, text: str, handle: object) -> object:
        shown.append((user_key, text, handle))
        return handle if handle is not None else 4242  # the message id the first send got

    assistant.show_progress = show
    await reviewer.command("export")
    await reviewer.press("stf:unit:*")
    await asyncio.sleep(0.05)  # a count reported as the last rows were written
    assert [r.document[0] for r in reviewer.replies if r.document]
    assert [s[0] for s in shown] == [reviewer.key] * len(shown) and len(shown) >= 3
    assert [s[2] for s in shown] == [None] + [4242] * (len(shown) - 1)  # sent once, then edited
    assert shown[0][1] == msg("staff.export.progress", count=2)
    assert shown[-1][1] == msg("staff.export.progress", count=5)


class _Bot:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    async def send_message(self, chat_id, text, **kw):
        self.calls.append(("send", chat_id, text))
        return type("Sent", (), {"message_id": 31})()

    async def edit_message_text(self, text, *, chat_id, message_id, **kw):
        self.calls.append(("edit", chat_id, message_id, text))


async def test_telegram_progress_sends_one_message_then_edits_it():
    from bot.progress import chat_progress

    app = type("App", (), {"bot": _Bot()})()
    show = chat_progress(app)
    handle = await show("tg:55", "已导出 1000 户", None)
    handle = await show("tg:55", "已导出 2000 户", handle)
    assert app.bot.calls == [("send", 55, "已导出 1000 户"), ("edit", 55, 31, "已导出 2000 户")]


async def test_an_admin_without_the_reviewer_role_reads_no_record(assistant):
    """Admins manage roles; personal data they see only as a reviewer would: an account
    that is only an admin gets no queue, no case and no document, and no read is audited."""
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "ADMN0001")
    await admin.command("inbox")
    assert msg("staff.refused.role") in admin.text and "ADMN0001" not in admin.text
    await admin.press("stf:open:ADMN0001")               # a forged press of a reviewer's button
    assert "ADMN0001" not in admin.text and APPLICANT["name"] not in admin.text
    for command in ("stats", "export", "cleanup"):
        await admin.command(command)
        assert not [r for r in admin.replies if r.document], command
    async with assistant.db.transaction() as tx:
        assert [a for a in await tx.audit.list_for("draft:ADMN0001") if a.action == STAFF_READ] == []
