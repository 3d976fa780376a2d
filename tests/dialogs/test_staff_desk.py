"""The staff desk in the dialogs: a draft's whole life with a reviewer, a clerk and the
applicant (returned with reopened fields, resubmitted to the same reviewer, home visit,
collective decision as a relief target, notice across the 2016 National Day holiday,
filing, entry, contact card, help, statistics), and the presses that change nothing."""
from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from harness import Person, msg
from staff_helpers import APPLICANT_KEY, CLERK, REVIEWER, UNIT, invited, seed_draft, staff, status_of

from dialogs.assistant import Assistant
from dialogs.types import Button
from storage import Database, DataCipher

sys.path.insert(0, str(Path(__file__).parents[1] / "documents"))
from doc_readers import docx_text, pdf_text  # noqa: E402

CST = dt.timezone(dt.timedelta(hours=8))


class Calendar:
    """Today and the database clock, moved together."""

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def now(self) -> dt.datetime:
        return dt.datetime.combine(self.day, dt.time(9), CST).astimezone(dt.timezone.utc)


@pytest.fixture
def calendar() -> Calendar:
    return Calendar(dt.date(2016, 9, 12))


@pytest.fixture
async def assistant(db_path, data_key, calendar):
    db = await Database.open(db_path, DataCipher(data_key), synchronous="NORMAL", clock=calendar.now)
    try:
        yield Assistant(db, today=lambda: calendar.day)
    finally:
        await db.close()


async def open_at_desk(person: Person, reference: str) -> None:
    """/inbox, the case's status, the case."""
    status = await status_of(person.assistant, reference)
    await person.command("inbox")
    await person.press(f"stf:list:{status}")
    await person.press(f"stf:open:{reference}")


async def raise_objection(reviewer: Person, reference: str, text: str) -> None:
    """A new objection to a case in public notice, then the case opened again."""
    await open_at_desk(reviewer, reference)
    await reviewer.press(f"stf:objection:{reference}")
    await reviewer.press("stf:obj_new")
    await reviewer.say(text)
    await open_at_desk(reviewer, reference)


async def outbox_to(assistant, key: str) -> list[dict]:
    async with assistant.db.transaction() as tx:
        return [m.payload for m in await tx.outbox.list_for(key)]


async def test_a_drafts_whole_life_at_the_desk(assistant, calendar):
    admin, reviewer, clerk = await staff(assistant)
    other = await invited(admin, "tg:4", "reviewer")
    applicant = Person(assistant, APPLICANT_KEY)
    await seed_draft(assistant, "REF2AAAA")
    # the queue, the case whole (protected), start the review
    await reviewer.command("inbox")
    assert "stf:list:submitted" in reviewer.buttons
    await open_at_desk(reviewer, "REF2AAAA")
    assert all(r.protect for r in reviewer.replies[:-1]) and "南昌市东湖区某路1号" in reviewer.text
    assert "360102197506011236" not in reviewer.text  # the ID number masked even for staff
    await reviewer.press("stf:start:REF2AAAA")
    assert await status_of(assistant, "REF2AAAA") == "under_review"
    # return with a comment and the exact field to reopen
    await reviewer.press("stf:return:REF2AAAA")
    await reviewer.say("手机号码打不通，请核对")
    await reviewer.press("stf:section:home")
    await reviewer.press("stf:field:mobile")
    await reviewer.press("stf:send_back")
    assert await status_of(assistant, "REF2AAAA") == "returned"
    told = await outbox_to(assistant, APPLICANT_KEY)
    assert told and "staff.told_returned" in str(told[-1])
    async with assistant.db.transaction() as tx:
        planned = await tx.reminders.of_subject("draft:REF2AAAA")
    assert planned and {r.kind for r in planned} == {"draft_returned"}
    # the applicant is taken to the field, corrects it and resubmits: back to the same reviewer
    await applicant.command("status")
    assert "手机号码打不通" in applicant.text
    await applicant.press("f:open:REF2AAAA")
    assert applicant.asks == "form:mobile"
    await applicant.say("13900139000")
    while "f:next" in applicant.buttons:
        await applicant.press("f:next")
    await applicant.press("ok:declare")
    assert await status_of(assistant, "REF2AAAA") == "submitted", applicant.story()
    assert len(await outbox_to(assistant, REVIEWER)) == 1 and await outbox_to(assistant, other.key) == []
    async with assistant.db.transaction() as tx:
        assert [r.state for r in await tx.reminders.of_subject("draft:REF2AAAA")] == ["withdrawn"] * len(planned)
    # home visit
    await open_at_desk(reviewer, "REF2AAAA")
    await reviewer.press("stf:start:REF2AAAA")
    await reviewer.press("stf:visit:REF2AAAA")
    await reviewer.say("2016-09-10")
    await reviewer.say("赵入户")  # one name is not enough
    assert msg("staff.visit.err_verifiers", min=2) in reviewer.text
    await reviewer.say("赵入户、钱签字、孙负责")
    await reviewer.press("stf:cat:marginal")
    await reviewer.say("家中确有困难")
    assert await status_of(assistant, "REF2AAAA") == "home_visited"
    # decision: a relief target, "其他" takes its note
    await reviewer.press("stf:decide:REF2AAAA")
    await reviewer.say("情况属实，同意")
    await reviewer.say("2016-09-12")
    await reviewer.press("stf:target:yes")
    await reviewer.say("2017-06-30")
    await reviewer.press("stf:pick:other")
    assert reviewer.question.seq and msg("staff.decide.ask_note", max=200) in reviewer.text
    await reviewer.say("因病返贫")
    await reviewer.press("stf:pick:social_assistance")
    await reviewer.press("stf:pick:golden_autumn")
    assert await status_of(assistant, "REF2AAAA") == "approved"
    async with assistant.db.transaction() as tx:
        form = (await tx.drafts.get("REF2AAAA")).content["form"]
    assert (form["key_group"], form["key_group_note"], form["measure"], form["plan"]) == (
        "other", "因病返贫", "social_assistance", "golden_autumn")
    assert form["home_visit_signers"] == ["赵入户", "钱签字", "孙负责"] and form["relief_target"] is True
    # the notice across the National Day holiday: 2016-09-29 ends 2016-10-10
    calendar.day = dt.date(2016, 9, 29)
    await reviewer.command("notice")
    await reviewer.press("stf:unit:0")
    await reviewer.say("王老师")
    await reviewer.say("0791-88888888")
    await reviewer.press("stf:next")
    await reviewer.say("2016-09-29")
    assert "2016年10月10日" in reviewer.text
    await reviewer.press("stf:make")
    docs = {r.document[0]: r.document[1] for r in reviewer.replies if r.document}
    assert sorted(n.rsplit(".", 1)[1] for n in docs) == ["docx", "pdf"]
    for data, read in zip(docs.values(), (docx_text, pdf_text)):
        text = read(data).replace(" ", "")
        assert "张三" in text and "王老师" in text and "0791-88888888" in text and "2016年10月10日" in text
        assert "360102197506011236" not in text and "某路1号" not in text and "尿毒症" not in text
    assert await status_of(assistant, "REF2AAAA") == "in_public_notice"
    # filing waits for the end of the notice
    await open_at_desk(reviewer, "REF2AAAA")
    await reviewer.press("stf:file:REF2AAAA")
    assert msg("staff.file.notice_running", date="2016年10月10日 星期一") in reviewer.text
    calendar.day = dt.date(2016, 10, 11)
    await reviewer.command("file")
    assert "stf:open:REF2AAAA" in reviewer.buttons
    await reviewer.press("stf:open:REF2AAAA")
    await reviewer.press("stf:file:REF2AAAA")
    assert await status_of(assistant, "REF2AAAA") == "filed"
    assert "2016年11月21日" in reviewer.text  # 30 working days after 2016-10-10
    async with assistant.db.transaction() as tx:
        kinds = {r.kind for s in ("entry:REF2AAAA", "card:REF2AAAA") for r in await tx.reminders.of_subject(s)}
    assert kinds == {"entry_deadline", "contact_card"}
    # the contact card, both copies
    await reviewer.press("stf:card:REF2AAAA")
    card = [r.document for r in reviewer.replies if r.document]
    assert len(card) == 2 and all(r.protect for r in reviewer.replies if r.document)
    text = docx_text(card[0][1]).replace(" ", "")
    assert "张三" in text and "帮扶责任人存" in text and "困难职工存" in text and "2017年6月" in text
    await open_at_desk(reviewer, "REF2AAAA")
    await reviewer.press("stf:entered:REF2AAAA")
    await reviewer.say("2016-10-11")
    assert await status_of(assistant, "REF2AAAA") == "entered"
    # help given, statistics
    await reviewer.press("stf:help:REF2AAAA")
    await reviewer.say("2016-10-11")
    await reviewer.press("stf:measure:social_assistance")
    await reviewer.command("stats")
    await reviewer.press("stf:unit:*")
    await reviewer.press("stf:today")
    [(name, data)] = [r.document for r in reviewer.replies if r.document]
    from openpyxl import load_workbook

    values = [c for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row]
    assert name.endswith(".xlsx") and values.count(1) >= 4  # B, B1(2), B2(1), B3(6)
    async with assistant.db.transaction() as tx:
        entries = await tx.audit.list_for("draft:REF2AAAA")
    audit = [a.after for a in entries if a.action == "draft_status"]
    assert {(a.actor, a.after) for a in entries if a.action == "draft_read"} == {(REVIEWER, "record")}  # reads audited
    assert audit == ["under_review", "returned", "submitted", "under_review", "home_visited", "approved",
                     "in_public_notice", "filed", "entered"]


async def test_presses_that_change_nothing(assistant):
    admin, reviewer, clerk = await staff(assistant)
    other = await invited(admin, "tg:4", "reviewer")
    applicant = Person(assistant, APPLICANT_KEY)
    await seed_draft(assistant, "REF3BBBB")
    await seed_draft(assistant, "REF3CCCC", unit="另一家工会")
    # a second reviewer's view goes stale when the first one acts
    await open_at_desk(other, "REF3BBBB")
    await open_at_desk(reviewer, "REF3BBBB")
    await reviewer.press("stf:start:REF3BBBB")
    await other.press("stf:start:REF3BBBB")
    assert msg("staff.refused.moved", ref="REF3BBBB", status=msg("draft.status.under_review")) in other.text
    await other.press("stf:return:REF3BBBB")  # still offered in that old view: allowed from under_review
    assert msg("staff.ask_return_comment", ref="REF3BBBB", max=500) in other.text
    # the clerk sees their unit's case with no action, and not another unit's
    await clerk.command("inbox")
    await clerk.press("stf:list:under_review")
    assert "REF3BBBB" in clerk.text and "REF3CCCC" not in clerk.text
    await clerk.press("stf:open:REF3BBBB")
    assert clerk.buttons == ["stf:queue"]
    await clerk.send(Button("stf:reject:REF3BBBB", clerk.question.seq))  # a forged press
    await clerk.send(Button("#0", clerk.question.seq))  # the only button: back to the queue
    # the applicant has no staff command at all
    await applicant.command("inbox")
    assert msg("staff.refused.role") in applicant.text
    await applicant.command("notice")
    assert msg("staff.refused.role") in applicant.text
    # a revoked reviewer's open buttons do nothing
    await admin.command("staff")
    await admin.press(f"stf:revoke:reviewer:{REVIEWER}")
    await admin.press("stf:yes")
    await reviewer.press("stf:visit:REF3BBBB")
    assert msg("staff.refused.role") in reviewer.text
    assert await status_of(assistant, "REF3BBBB") == "under_review"
    async with assistant.db.transaction() as tx:
        assert [a.after for a in await tx.audit.list_for("draft:REF3BBBB") if a.action == "draft_status"] == [
            "under_review"]
        assert await tx.drafts.get("REF3CCCC") is not None


async def test_invites_are_used_once_and_only_admins_make_them(assistant):
    admin, reviewer, clerk = await staff(assistant)
    assert msg("staff.invite.joined_clerk", unit=UNIT) in clerk.text
    await admin.command("staff")
    await admin.press("stf:invite:reviewer")
    line = next(x for x in admin.text.splitlines() if x.startswith("/start inv-"))
    first, second = Person(assistant, "tg:7"), Person(assistant, "tg:8")
    await first.command("start", line.removeprefix("/start "))
    await second.command("start", line.removeprefix("/start "))
    assert msg("staff.invite.used") in second.text
    await second.command("start", "inv-nonsense")
    assert msg("staff.invite.unknown") in second.text
    await reviewer.command("staff")
    assert msg("staff.refused.role") in reviewer.text
    await admin.command("staff")
    assert "tg:7" in admin.text and CLERK in admin.text and UNIT in admin.text
