"""Filing checks at the desk (dialogs/staff_file.py, rules/filing_checks.py): a case with
a problem is not filed and the reviewer is told why; one without is filed; a category
other than the visit's is filed only with the reviewer's reason."""
from __future__ import annotations

import datetime as dt

from harness import msg
from staff_helpers import REVIEWER, seed_draft, staff, status_of
from test_staff_desk import assistant, calendar, open_at_desk  # noqa: F401 (fixtures)


REF = "REF5FILE"


async def to_the_end_of_the_notice(assistant, calendar, *, suggested: str, **form) -> object:
    """A seeded case through the visit (``suggested``), the decision and the National Day
    notice (2016-09-29 to 2016-10-10), on 2016-10-11 with the reviewer at the case."""
    _, reviewer, _ = await staff(assistant)
    await seed_draft(assistant, REF, **form)
    await open_at_desk(reviewer, REF)
    await reviewer.press(f"stf:start:{REF}")
    await reviewer.press(f"stf:visit:{REF}")
    await reviewer.say("2016-09-10")
    await reviewer.say("赵入户、钱签字")
    await reviewer.press(f"stf:cat:{suggested}")
    await reviewer.press("stf:no_notes")
    await reviewer.press(f"stf:decide:{REF}")
    await reviewer.say("情况属实，同意")
    await reviewer.say("2016-09-12")
    await reviewer.press("stf:target:no")
    assert await status_of(assistant, REF) == "approved", reviewer.story()
    calendar.day = dt.date(2016, 9, 29)
    await reviewer.command("notice")
    await reviewer.press("stf:unit:0")
    await reviewer.say("王老师")
    await reviewer.say("0791-88888888")
    await reviewer.press("stf:next")
    await reviewer.say("2016-09-29")
    await reviewer.press("stf:make")
    assert await status_of(assistant, REF) == "in_public_notice"
    calendar.day = dt.date(2016, 10, 11)
    await open_at_desk(reviewer, REF)
    return reviewer


async def test_a_case_without_problems_is_filed(assistant, calendar):
    reviewer = await to_the_end_of_the_notice(assistant, calendar, suggested="marginal")
    await reviewer.press(f"stf:file:{REF}")
    assert await status_of(assistant, REF) == "filed"
    assert "暂不能建档" not in reviewer.text and "2016年11月21日" in reviewer.text


async def test_temporary_relief_is_refused_at_filing(assistant, calendar):
    reviewer = await to_the_end_of_the_notice(assistant, calendar, suggested="temporary_relief",
                                              hardship_category="temporary_relief")
    await reviewer.press(f"stf:file:{REF}")
    assert await status_of(assistant, REF) == "in_public_notice"
    assert msg("staff.file.problems", ref=REF, count=1) in reviewer.text
    assert msg("staff.file.problem.category_not_fileable", category="临时救助") in reviewer.text
    assert "stf:override:" + REF not in reviewer.buttons  # no reason makes it fileable
    async with assistant.db.transaction() as tx:
        assert await tx.cases.filing(REF) is None


async def test_a_category_other_than_the_visits_is_refused_then_filed_with_a_reason(assistant, calendar):
    reviewer = await to_the_end_of_the_notice(assistant, calendar, suggested="low_income")
    await reviewer.press(f"stf:file:{REF}")
    assert await status_of(assistant, REF) == "in_public_notice"
    assert msg("staff.file.problem.category_differs", category="低保边缘户", suggested="低保户") in reviewer.text
    assert f"stf:override:{REF}" in reviewer.buttons
    await reviewer.press(f"stf:override:{REF}")
    await reviewer.say(" ")  # an empty reason files nothing
    assert msg("staff.err.text", max=200) in reviewer.text
    assert await status_of(assistant, REF) == "in_public_notice"
    await reviewer.say("核查时低保证已过期，单位集体研究按低保边缘户认定")
    assert await status_of(assistant, REF) == "filed", reviewer.story()
    async with assistant.db.transaction() as tx:
        [moved] = [a for a in await tx.audit.list_for(f"draft:{REF}") if a.after == "filed"]
        assert (await tx.cases.filing(REF)).category == "marginal"
    assert moved.actor == REVIEWER and "低保证已过期" in moved.comment


async def test_a_case_missing_its_records_and_a_short_notice_says_each_problem(assistant, calendar):
    _, reviewer, _ = await staff(assistant)
    await seed_draft(assistant, REF, status="in_public_notice")  # no visit, no decision on record
    async with assistant.db.transaction() as tx:  # a notice one working day short
        await tx.cases.add_notice("某中学", dt.date(2016, 9, 29), dt.date(2016, 10, 9), dt.date(2016, 10, 9),
                                  REVIEWER, [REF])
    calendar.day = dt.date(2016, 10, 11)
    await open_at_desk(reviewer, REF)
    await reviewer.press(f"stf:file:{REF}")
    assert await status_of(assistant, REF) == "in_public_notice"
    assert msg("staff.file.problems", ref=REF, count=4) in reviewer.text
    for code in ("visit_category_missing", "unit_opinion_missing", "decision_missing"):
        assert msg(f"staff.file.problem.{code}") in reviewer.text
    assert msg("staff.file.problem.notice_length", start="2016年9月29日 星期四", end="2016年10月9日 星期日", days=5,
               expected="2016年10月10日 星期一") in reviewer.text
    assert f"stf:override:{REF}" not in reviewer.buttons


async def test_the_file_list_marks_a_case_with_a_problem_and_says_why(assistant, calendar):
    reviewer = await to_the_end_of_the_notice(assistant, calendar, suggested="low_income")  # form: 低保边缘户
    await reviewer.command("file")
    assert msg("staff.file.ready", count=0) in reviewer.text
    assert msg("staff.file.blocked", count=1) in reviewer.text
    assert f"stf:open:{REF}" not in reviewer.buttons and f"stf:why:{REF}" in reviewer.buttons
    await reviewer.press(f"stf:why:{REF}")
    assert await status_of(assistant, REF) == "in_public_notice"
    assert msg("staff.file.problems", ref=REF, count=1) in reviewer.text
    assert msg("staff.file.problem.category_differs", category="低保边缘户", suggested="低保户") in reviewer.text
    assert f"stf:override:{REF}" in reviewer.buttons  # only a reason is missing: it can be given here


async def test_the_file_list_offers_a_case_without_problems_as_ready(assistant, calendar):
    reviewer = await to_the_end_of_the_notice(assistant, calendar, suggested="marginal")
    await reviewer.command("file")
    assert msg("staff.file.ready", count=1) in reviewer.text
    assert "还不能建档" not in reviewer.text  # no line of households with problems
    assert f"stf:open:{REF}" in reviewer.buttons and f"stf:why:{REF}" not in reviewer.buttons
