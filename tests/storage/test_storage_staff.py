"""The staff desk's records: units, invites (one-time, expiring, only a hash stored),
staff roles, case events (details encrypted), notices, filings and the never-helped list."""
from __future__ import annotations

import datetime as dt

from storage import Database, Filing
from storage.repos.staff import code_hash


async def test_an_invite_is_used_once_before_it_expires_and_grants_the_role(db: Database, clock, db_path):
    async with db.transaction() as tx:
        invite = await tx.staff.create_invite("clerk", "某中学工会", "tg:1", valid_for=dt.timedelta(days=2))
        late = await tx.staff.create_invite("reviewer", None, "tg:1", valid_for=dt.timedelta(hours=1))
        assert invite.unit == "某中学工会" and late.unit is None
    async with db.transaction() as tx:
        assert (await tx.staff.use_invite("nonsense", "tg:5")).refused == "unknown"
        used = await tx.staff.use_invite(invite.code, "tg:5")
        assert used.role == "clerk" and used.unit == "某中学工会" and used.refused is None
        assert (await tx.staff.use_invite(invite.code, "tg:6")).refused == "used"
        assert await tx.staff.unit_of("tg:5") == "某中学工会"
        await tx.users.get_or_create("tg:5", language="zh_CN")
        assert (await tx.users.get("tg:5")).roles == {"clerk"}
    clock.advance(hours=2)
    async with db.transaction() as tx:
        assert (await tx.staff.use_invite(late.code, "tg:7")).refused == "expired"
        [member] = await tx.staff.members()
        assert member.user_key == "tg:5" and member.role == "clerk" and member.granted_by == "tg:1"
        assert await tx.staff.remove_member("tg:5", "clerk") and not await tx.staff.remove_member("tg:5", "clerk")
        assert await tx.staff.members() == []
    await db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir())
    assert invite.code.encode() not in raw and code_hash(invite.code).encode() in raw


async def test_units_keep_the_notice_contact(db: Database):
    async with db.transaction() as tx:
        assert await tx.staff.unit("某中学工会") is None
        await tx.staff.set_unit("某中学工会", contact_person="王老师", report_phone="0791-1234567", by="tg:1")
        await tx.staff.set_unit("某中学工会", contact_person="李老师", report_phone="0791-7654321", by="tg:1")
        unit = await tx.staff.unit("某中学工会")
    assert (unit.contact_person, unit.report_phone) == ("李老师", "0791-7654321")


async def test_case_events_are_encrypted_and_objections_resolve_once(db: Database, db_path):
    async with db.transaction() as tx:
        visit = await tx.cases.record("REF1", "visit", dt.date(2016, 9, 1), "tg:2", code="marginal",
                                      details={"verifiers": ["赵入户", "钱签字"], "notes": "家中确有困难"})
        objection = await tx.cases.record("REF1", "objection", dt.date(2016, 9, 30), "tg:2",
                                          details={"text": "收入不实"}, notice_id=1)
        assert objection.state == "open" and await tx.cases.open_objections("REF1") == 1
        assert await tx.cases.resolve_objection(objection.id, "dismissed", "tg:2")
        assert not await tx.cases.resolve_objection(objection.id, "upheld", "tg:2")
        assert await tx.cases.open_objections("REF1") == 0
        events = await tx.cases.events("REF1")
    assert [e.kind for e in events] == ["visit", "objection"] and events[0].details["verifiers"][0] == "赵入户"
    assert visit.code == "marginal"
    await db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir())
    assert "赵入户".encode() not in raw and "收入不实".encode() not in raw


async def test_notices_and_filings(db: Database):
    async with db.transaction() as tx:
        notice = await tx.cases.add_notice("某中学工会", dt.date(2016, 9, 29), dt.date(2016, 10, 10),
                                           dt.date(2016, 10, 10), "tg:2", ["REF1", "REF2"])
        assert notice.references == ["REF1", "REF2"] and (await tx.cases.notice_of("REF2")).id == notice.id
        for ref, filed in (("REF1", dt.date(2014, 5, 1)), ("REF2", dt.date(2014, 8, 31)), ("REF3", dt.date(2016, 1, 1))):
            await tx.cases.file(Filing(reference=ref, unit="某中学工会", filed_on=filed,
                                       entry_deadline=filed + dt.timedelta(days=45), filed_by="tg:2"))
        await tx.cases.record("REF2", "help", dt.date(2015, 1, 20), "tg:2", code="social_assistance")
        never = await tx.cases.never_helped(dt.date(2014, 9, 1))
        assert [f.reference for f in never] == ["REF1"]
        await tx.cases.update_filing("REF1", closed_on=dt.date(2016, 10, 1), close_status="cancelled",
                                     close_reason="unassisted_two_years")
        assert await tx.cases.never_helped(dt.date(2014, 9, 1)) == []
        assert (await tx.cases.filing("REF1")).close_reason == "unassisted_two_years"
        every = [f.reference async for f in tx.cases.filings(batch=2)]
        assert every == ["REF1", "REF2", "REF3"]
        assert [f.reference async for f in tx.cases.filings(filed_to=dt.date(2015, 1, 1))] == ["REF1", "REF2"]
        assert [f.reference for f in await tx.cases.entry_due()] == ["REF2", "REF3"]


async def test_filed_households_are_read_in_batches_with_their_content(db: Database):
    from storage import StoredDraft

    async with db.transaction() as tx:
        for ref in ("REFA", "REFB", "REFC"):
            await tx.drafts.save(StoredDraft(reference=ref, status="filed", unit="某中学", applicant_key="tg:1",
                                             created_by="tg:1", content={"form": {"name": ref}}))
            await tx.cases.file(Filing(reference=ref, unit="某中学" if ref != "REFC" else "另一家", filed_by="tg:2",
                                       filed_on=dt.date(2016, 1, 1), entry_deadline=dt.date(2016, 2, 1)))
        first = await tx.cases.filed_contents(batch=2)
        rest = await tx.cases.filed_contents(after=first[-1][0], batch=2)
        assert [(r, s, c["form"]["name"]) for r, s, c in first + rest] == [
            ("REFA", "filed", "REFA"), ("REFB", "filed", "REFB"), ("REFC", "filed", "REFC")]
        assert [f.reference for f in await tx.cases.filing_batch(unit="某中学", after="REFA")] == ["REFB"]
        assert await tx.cases.count_filings() == 3 and await tx.cases.count_filings(unit="另一家") == 1
        assert await tx.cases.filing_units() == ["另一家", "某中学"]
