"""The staff desk's records: the statistics table agrees with a hand count over 36
seeded households and is refused naming the households that break B = B1 = B2 = B3;
the never-helped files before 2014-09-01 cancelled together (records kept); an open
objection blocks filing; the actions offered are transitions of the life cycle and
nothing else is accepted."""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from form_filler import APPLICANT, SON, WIFE
from harness import msg, msg_head
from openpyxl import load_workbook
from staff_helpers import CLERK, REVIEWER, seed_draft, staff, status_of
from test_staff_desk import assistant, calendar, open_at_desk, raise_objection  # noqa: F401 (fixtures)

from dialogs import staff_inbox
from dialogs.access import STAFF_READ
from dialogs.drafts import Desk
from documents.text import load_data
from rules import lifecycle
from rules.form_checks import enumeration
from storage import Filing

CATEGORIES = ["low_income", "marginal", "accident"]
CAUSES = ["self_major_illness", "laid_off", "schooling", "family_disabled", "other", "natural_disaster", "unable_to_work"]
GROUPS = ["dibao_able_underemployed", "below_dibao_uncovered", "expenditure_hardship", "urban_migrant",
          "supply_side_reform", "other"]
MEASURES = [None, "employment", "social_assistance", "other"]
REASONS = ["unassisted_two_years", "deceased", "relation_ended", "unreachable", "no_longer_eligible"]


async def seed_filed(assistant, ref: str, filed_on: dt.date, **codes) -> None:
    await seed_draft(assistant, ref, status="filed")
    async with assistant.db.transaction() as tx:
        await tx.cases.file(Filing(reference=ref, unit="某中学", filed_on=filed_on,
                                   entry_deadline=filed_on + dt.timedelta(days=45), filed_by="tg:2", **codes))


def households() -> list[dict]:
    """36 households: 30 open, 4 cancelled (one reason each), 2 escaped."""
    out = []
    for i in range(36):
        codes = {"category": CATEGORIES[i % 3], "primary_cause": CAUSES[i % 7], "key_group": GROUPS[i % 6],
                 "measure": MEASURES[i % 4], "plan": "golden_autumn" if i % 2 else None}
        if 30 <= i < 34:
            codes |= {"close_status": "cancelled", "close_reason": REASONS[i - 30], "closed_on": dt.date(2016, 9, 1)}
        elif i >= 34:
            codes |= {"close_status": "escaped", "closed_on": dt.date(2016, 9, 2)}
        out.append(codes)
    return out


def column_c(data: bytes) -> list:
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return [r[2] for r in rows[3:-1]]  # after the title, header and unit lines; before the cut-off line


async def test_the_statistics_table_agrees_with_a_hand_count(assistant, calendar):
    admin, reviewer, clerk = await staff(assistant)
    seeded = households()
    for i, codes in enumerate(seeded):
        await seed_filed(assistant, f"HH{i:04d}XX", dt.date(2015, 1, 5), **codes)
    await reviewer.command("stats")
    await reviewer.press("stf:unit:*")
    await reviewer.press("stf:today")
    docs = [r.document for r in reviewer.replies if r.document]
    assert len(docs) == 1, reviewer.text
    [(name, data)] = docs
    # the hand count, in the table's order
    groups = {k: o.group for k, o in enumeration("primary_causes", assistant.edition).options.items()}
    spec = load_data("statistics.yaml")
    open_ = [h for h in seeded if "close_status" not in h]
    closed = Counter(h.get("close_reason") or h["close_status"] for h in seeded if "close_status" in h)
    expected = [len(seeded) - len(open_)] + [closed[r["key"]] for r in spec["cleared"]["rows"]] + [len(open_)]
    for g in spec["groups"]:
        values = Counter(groups[h["primary_cause"]] if g["name"] == "B2" else h[g["field"]] for h in open_)
        expected += ([None] if g.get("optional") else []) + [values[r["key"]] for r in g["rows"]]
    assert column_c(data) == expected
    assert len(open_) == 30 and sum(expected[8:11]) == 30  # B = B1


async def test_the_table_is_refused_naming_the_households_that_break_it(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_filed(assistant, "GOOD0001", dt.date(2015, 1, 5), category="marginal",
                     primary_cause="laid_off", key_group="other")
    await seed_filed(assistant, "TEMP0001", dt.date(2015, 1, 5), category="temporary_relief",
                     primary_cause="laid_off", key_group="other")
    await seed_filed(assistant, "NOKG0001", dt.date(2015, 1, 5), category="marginal", primary_cause="laid_off")
    await reviewer.command("stats")
    await reviewer.press("stf:unit:0")
    await reviewer.press("stf:today")
    assert not [r for r in reviewer.replies if r.document]
    assert msg("staff.stats.refused", count=2) in reviewer.text
    assert "TEMP0001" in reviewer.text and "NOKG0001" in reviewer.text and "GOOD0001" not in reviewer.text
    assert msg("staff.stats.key_group_missing") in reviewer.text


async def test_never_helped_files_are_cancelled_together_and_kept(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_filed(assistant, "OLD00001", dt.date(2014, 5, 1), category="marginal")
    await seed_filed(assistant, "OLD00002", dt.date(2014, 8, 1), category="marginal")
    await seed_filed(assistant, "NEW00001", dt.date(2015, 1, 1), category="marginal")
    await open_at_desk(reviewer, "OLD00002")  # helped once: not on the list
    await reviewer.press("stf:help:OLD00002")
    await reviewer.say("2015-03-01")
    await reviewer.press("stf:measure:social_assistance")
    await reviewer.command("cleanup")
    assert msg("staff.cleanup.never_helped", count=1, date="2014年9月1日 星期一") in reviewer.text
    assert "OLD00001" in reviewer.text and "OLD00002" not in reviewer.text
    await reviewer.press("stf:batch")
    await reviewer.press("stf:yes")
    assert msg("staff.cleanup.batch_done", count=1) in reviewer.text
    assert [await status_of(assistant, r) for r in ("OLD00001", "OLD00002", "NEW00001")] == [
        "cancelled", "filed", "filed"]
    async with assistant.db.transaction() as tx:
        kept = await tx.cases.filing("OLD00001")
        audit = await tx.audit.list_for("draft:OLD00001")
    assert kept.close_reason == "unassisted_two_years" and kept.closed_on is not None
    assert [(a.before, a.after) for a in audit if a.action == "draft_status"] == [("filed", "cancelled")]
    # one household closed as out of hardship
    await open_at_desk(reviewer, "NEW00001")
    await reviewer.press("stf:close:NEW00001")
    await reviewer.press("stf:reason:escaped")
    await reviewer.press("stf:yes")
    assert await status_of(assistant, "NEW00001") == "escaped"


async def test_an_open_objection_blocks_filing(assistant, calendar):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "OBJ00001", status="in_public_notice", approved=True)
    async with assistant.db.transaction() as tx:  # the visit and the decision filing checks for
        await tx.cases.record("OBJ00001", "visit", dt.date(2016, 8, 22), "tg:2", code="marginal")
        await tx.cases.record("OBJ00001", "decision", dt.date(2016, 8, 25), "tg:2", details={"opinion": "同意"})
        await tx.cases.add_notice("某中学", dt.date(2016, 9, 1), dt.date(2016, 9, 7), dt.date(2016, 9, 7), "tg:2",
                                  ["OBJ00001"])
    await raise_objection(reviewer, "OBJ00001", "该户另有住房两套")
    await reviewer.press("stf:file:OBJ00001")
    assert msg("staff.file.objection_open") in reviewer.text
    assert await status_of(assistant, "OBJ00001") == "in_public_notice"
    await reviewer.press("stf:objection:OBJ00001")
    dismiss = next(v for v in reviewer.buttons if v.startswith("stf:dismiss:"))
    await reviewer.press(dismiss)
    await open_at_desk(reviewer, "OBJ00001")
    await reviewer.press("stf:file:OBJ00001")
    assert await status_of(assistant, "OBJ00001") == "filed"


TARGETS = {"start": {"under_review"}, "return": {"returned"}, "reject": {"rejected"}, "visit": {"home_visited"},
           "decide": {"approved"}, "notice": {"in_public_notice"}, "file": {"filed"}, "entered": {"entered"},
           "close": {"cancelled", "escaped"}}


def test_the_desk_offers_only_transitions_of_the_life_cycle_and_refuses_the_rest():
    for status, actions in staff_inbox.ACTIONS.items():
        for action in actions:
            assert TARGETS.get(action, set()) <= set(lifecycle.allowed(status, "reviewer")), (status, action)
    desk = Desk("tg:2")
    for before in lifecycle.STATUSES:
        for after in lifecycle.STATUSES:
            if after in lifecycle.allowed(before, "reviewer"):
                continue
            from dialogs.drafts import Draft

            draft = Draft(reference="LIFE0001", status=before, created_by="tg:1")
            with pytest.raises(lifecycle.LifecycleError):
                desk.move(draft, after, side="reviewer")
            assert draft.status == before
    assert not desk.transitions


async def test_a_second_file_of_the_same_household_is_shown_to_the_reviewer(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "ONE00001", status="filed")
    await seed_draft(assistant, "TWO00002")  # the same applicant's ID number, found by its keyed hash
    await open_at_desk(reviewer, "TWO00002")
    assert msg("staff.case_other_files", refs="ONE00001") in reviewer.text
    assert msg_head("staff.case_filed_elsewhere_contradicted") not in reviewer.text  # no screening answer to check


async def test_a_no_to_filed_elsewhere_is_flagged_where_the_spouse_has_a_file(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "ONE00001", status="filed")  # the husband's file, his wife a member
    husband = {**WIFE, "relation": "husband", "id_number": APPLICANT["id_number"], "name": APPLICANT["name"],
               "sex": "male", "birth_date": "1975-06-01"}
    wife = {"name": WIFE["name"], "id_number": WIFE["id_number"], "sex": "female", "birth_date": "1978-03-02",
            "members": [husband, SON]}
    await seed_draft(assistant, "TWO00002", applicant="tg:1002", screening={"filed_elsewhere": False}, **wife)
    await open_at_desk(reviewer, "TWO00002")
    assert msg("staff.case_other_files", refs="ONE00001") in reviewer.text  # each file once
    assert msg("staff.case_filed_elsewhere_contradicted", refs="ONE00001") in reviewer.text
    await seed_draft(assistant, "THR00003", applicant="tg:1003", screening={"filed_elsewhere": True}, **wife)
    await open_at_desk(reviewer, "THR00003")  # said so at the screening: shown, nothing contradicted
    assert msg("staff.case_other_files", refs="ONE00001, TWO00002") in reviewer.text
    assert msg_head("staff.case_filed_elsewhere_contradicted") not in reviewer.text


async def test_every_staff_read_of_a_whole_case_is_an_audit_row(assistant):
    admin, reviewer, clerk = await staff(assistant)
    await seed_draft(assistant, "ONE00001")
    await open_at_desk(reviewer, "ONE00001")
    await open_at_desk(clerk, "ONE00001")  # the clerk's unit
    await open_at_desk(reviewer, "ONE00001")
    async with assistant.db.transaction() as tx:
        reads = [(a.actor, a.after) for a in await tx.audit.list_for("draft:ONE00001") if a.action == STAFF_READ]
    assert reads == [(REVIEWER, "record"), (CLERK, "record"), (REVIEWER, "record")]


async def test_a_records_export_is_an_audit_row_naming_how_many_records(assistant):
    admin, reviewer, clerk = await staff(assistant)
    for ref in ("EXP00001", "EXP00002"):
        await seed_filed(assistant, ref, dt.date(2016, 9, 1))
    await reviewer.command("export")
    await reviewer.press("stf:unit:*")
    assert any(r.document for r in reviewer.replies), reviewer.text
    async with assistant.db.transaction() as tx:
        reads = [(a.actor, a.action, a.after) for a in await tx.audit.list_for("export:*")]
    assert reads == [(REVIEWER, STAFF_READ, "records:2")]


async def test_help_given_as_other_needs_its_note(assistant):
    """A help measure "其他(注明)" is recorded only with what it was (填表说明 20), as the
    decision's "其他" is; an empty note is asked again."""
    admin, reviewer, clerk = await staff(assistant)
    await seed_filed(assistant, "HELP0001", dt.date(2015, 5, 1), category="marginal")
    await open_at_desk(reviewer, "HELP0001")
    await reviewer.press("stf:help:HELP0001")
    await reviewer.say("2016-03-01")
    await reviewer.press("stf:measure:other")
    assert msg("staff.decide.ask_note", max=200) in reviewer.text
    async with assistant.db.transaction() as tx:
        assert await tx.cases.events("HELP0001", "help") == []  # nothing recorded without the note
    await reviewer.say("   ")
    assert msg("staff.err.text", max=200) in reviewer.text
    await reviewer.say("春节送温暖慰问金 500 元")
    assert msg("staff.cleanup.helped", ref="HELP0001", date="2016年3月1日 星期二") in reviewer.text
    async with assistant.db.transaction() as tx:
        [event] = await tx.cases.events("HELP0001", "help")
    assert event.code == "other" and event.details == {"note": "春节送温暖慰问金 500 元"}
