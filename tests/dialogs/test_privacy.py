"""The person's rights and least privilege, as a person and staff would notice them:
/privacy in plain words, consent withdrawn (no sensitive question after), /mydata as
JSON and text, /forget (nothing of the person left in any table or in the file but
masked audit rows), a deletion request staff answer, forged and replayed buttons and
other people's draft ids that change nothing, and a clerk kept to their own unit."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from form_filler import APPLICANT, APPLICANT_ID, CARD, SON, WIFE, FormFiller, RecordingPerson
from harness import msg, msg_head
from test_form_flow import make_reviewer, screened, start_form

from dialogs.access import STAFF_READ, audit_read, can_read, filed_elsewhere_contradicted
from dialogs.types import Button
from storage.repos.privacy import Duplicate, mask_key


@pytest.fixture
def person(assistant) -> RecordingPerson:
    return RecordingPerson(assistant, "tg:5550001")


async def draft_started(person) -> FormFiller:
    """Screened, consent given, the form filled up to the bank card (an unfinished draft
    holding the ID number)."""
    await screened(person)
    form = await start_form(person)
    await form.fill_fields(stop="bank_name")
    return form


async def submitted(person) -> None:
    await screened(person)
    form = await start_form(person)
    form.members = [dict(WIFE), dict(SON)]
    await form.fill_fields()
    await form.add_members()
    await person.press("f:members_done")
    await person.press("f:figures_ok")
    await form.fill_fields()
    while "f:next" in person.buttons:
        await person.press("f:next")
    await person.press("ok:declare")


def dump(db_path) -> dict[str, list[tuple]]:
    """Every row of every table (for 'nothing changed' and 'nothing left')."""
    with closing(sqlite3.connect(db_path)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f"SELECT * FROM {n}").fetchall() for n in names if n != "sqlite_sequence"}


def rows_naming(tables: dict[str, list[tuple]], needle: str) -> dict[str, list[tuple]]:
    found = {}
    for name, rows in tables.items():
        hits = [r for r in rows if any(isinstance(v, str) and needle in v for v in r)]
        if hits:
            found[name] = hits
    return found


async def test_privacy_says_what_is_kept_why_who_and_until_when(person):
    await person.command("privacy")
    assert msg_head("privacy.info") in person.text and "90" in person.text
    assert person.buttons == ["pv:mydata", "pv:forget"]  # no consent yet: nothing to withdraw


async def test_withdrawn_consent_asks_no_sensitive_question_after(person, assistant):
    await draft_started(person)
    await person.command("privacy")
    await person.press("pv:withdraw")
    await person.press("ok:withdraw_yes")
    assert msg("privacy.withdrawn", n=1) in person.text
    async with assistant.db.transaction() as tx:
        assert (await tx.consents.latest(person.key, "screening")).given is False
        assert (await tx.consents.latest(person.key, "form")).given is False
        assert [d.status for d in await tx.drafts.list_for(person.key)] == ["withdrawn"]
    await person.command("apply")  # consent asked again, never a field
    assert person.question.text.startswith(msg_head("consent.text.form"))
    await person.press("ok:no")
    assert not (person.asks or "").startswith("form:")
    await person.command("status")
    assert "f:open" not in " ".join(person.buttons)  # the withdrawn draft cannot be continued


async def test_mydata_sends_json_and_readable_text(person):
    await draft_started(person)
    await person.command("mydata")
    files = [r.document for r in person.replies if r.document]
    assert [name.rsplit(".", 1)[1] for name, _ in files] == ["json", "txt"]
    data = json.loads(files[0][1])
    assert data["drafts"][0]["content"]["form"]["id_number"] == APPLICANT_ID
    assert data["conversation"]["state"]["flows"]["screening"]["answers"]
    assert "form" in [c["scope"] for c in data["consents"]]
    text = files[1][1].decode("utf-8")
    assert APPLICANT_ID in text and APPLICANT["name"] in text and msg("privacy.export.draft") in text


async def test_forget_leaves_nothing_of_the_person_but_masked_audit_rows(person, assistant, db_path):
    await draft_started(person)
    await person.command("forget")
    assert msg("privacy.forget_sure", n=1) in person.text
    await person.press("ok:forget_yes")
    assert msg("privacy.forgotten") in person.text
    left = rows_naming(dump(db_path), person.key)
    assert left == {}, left
    audit = dump(db_path)["audit_log"]
    assert any(mask_key(person.key) in row for row in audit)
    for table, rows in dump(db_path).items():
        assert table in ("audit_log", "meta") or not rows or table in ("processed_updates",) and not any(
            person.key in r for r in rows), table
    await assistant.db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith("bot.sqlite3"))
    for needle in (person.key, APPLICANT_ID):
        assert needle.encode() not in raw


async def test_forget_keeps_a_submitted_record_until_staff_answer(person, assistant, db_path):
    reviewer = RecordingPerson(assistant, await make_reviewer(assistant))
    await submitted(person)
    async with assistant.db.transaction() as tx:
        ref = (await tx.drafts.list_for(person.key))[0].reference
    await person.command("forget")
    assert ref in person.text
    await person.press("ok:forget_yes")
    assert msg("privacy.forget_requested", refs=ref) in person.text
    async with assistant.db.transaction() as tx:
        assert (await tx.drafts.get(ref)).status == "submitted"  # the union's file is not broken silently
        assert [r.reference for r in await tx.privacy.requests("open")] == [ref]
    await reviewer.command("privacy")
    assert msg("privacy.requests_open", n=1) in reviewer.text
    await reviewer.press("pv:requests")
    request_id = reviewer.buttons[0].split(":")[2]
    await reviewer.press(f"pv:erase:{request_id}")
    assert msg("privacy.request_erased", ref=ref) in reviewer.text
    async with assistant.db.transaction() as tx:
        assert await tx.drafts.get(ref) is None
        told = await tx.outbox.list_for(person.key)
        assert any(m.payload["lines"][0]["id"] == "privacy.your_request_erased" for m in told)
        assert [a.action for a in await tx.audit.list_for(f"draft:{ref}")][-1] == "deletion_erased"
        assert await tx.privacy.duplicates(ref) == [] and (await tx.privacy.drafts_with_id(APPLICANT_ID)) == []


async def test_forged_buttons_and_commands_from_non_staff_change_nothing(person, assistant, db_path):
    await make_reviewer(assistant)
    await submitted(person)
    await person.command("forget")
    await person.press("ok:forget_yes")  # a deletion request is open
    async with assistant.db.transaction() as tx:
        ref = (await tx.privacy.requests("open"))[0].reference
    intruder = RecordingPerson(assistant, "tg:6660001")
    await intruder.command("privacy")
    before = dump(db_path)
    seq = intruder.question.seq
    for forged in ("pv:erase:1", "pv:refuse:1", "pv:requests", f"f:open:{ref}", f"f:copy:{ref}", "ok:forget_yes",
                   "#7", "#-1", "\x00" * 40, "pv:" + "9" * 500):
        await intruder.send(Button(forged, seq))
        await intruder.send(Button(forged, None))
    for command, arg in (("mydraft", ref), ("status", ref), ("privacy", "erase 1"), ("forget", ref)):
        await intruder.command(command, arg)
    after = dump(db_path)
    for table in ("drafts", "deletion_requests", "id_hashes", "consents", "outbox"):
        assert before[table] == after[table], table
    assert not any(r.document for r in intruder.all_replies)
    assert ref not in "\n".join(r.text for r in intruder.all_replies if not r.text.startswith(msg_head("privacy.forget_sure")))


async def test_a_clerk_reads_only_their_own_or_their_units_drafts(assistant):
    other = {"reference": "AAAA2222", "applicant_key": "tg:1", "created_by": "tg:2", "unit": "某中学"}
    assert can_read({"clerk"}, "tg:3", other, units={"某中学"})
    assert not can_read({"clerk"}, "tg:3", other, units={"某工厂"})
    assert not can_read({"clerk"}, "tg:3", {**other, "unit": None}, units={"某工厂"})
    assert can_read({"clerk"}, "tg:2", other)  # started it
    assert not can_read(set(), "tg:3", other) and can_read(set(), "tg:1", other)
    assert can_read({"reviewer"}, "tg:3", other) and can_read({"admin"}, "tg:3", other)
    assert not can_read({"reviewer"}, "tg:3", None)


async def test_idle_data_is_announced_a_week_before_and_then_purged(open_assistant, db_path):
    import datetime as dt

    from bot.retention import run_retention
    from storage.retention import RetentionPolicy

    first = await open_assistant()
    early = RecordingPerson(first, "tg:5550002")
    await draft_started(early)
    await first.db.close()
    start = dt.datetime.now(dt.timezone.utc)  # the database's clock: the real one here
    for days in (84, 97):  # a week before the 90 days: told; after them: gone
        moment = start + dt.timedelta(days=days)
        later = await open_assistant()
        later.db.clock = lambda moment=moment: moment
        done = await run_retention(later.db, RetentionPolicy(days=90))
        async with later.db.transaction() as tx:
            drafts = await tx.drafts.list_for(early.key)
            told = [m.payload["lines"][0]["id"] for m in await tx.outbox.list_for(early.key)]
        if days == 84:
            assert done.warned == 2 and len(drafts) == 1
            assert sorted(told) == ["privacy.retention_draft", "privacy.retention_session"]
        else:
            assert done.purged.drafts == 1 and done.purged.sessions == 1 and drafts == []
        await later.db.close()


def test_a_no_to_filed_elsewhere_is_checked_against_the_households_files():
    spouse_filed = Duplicate(reference="AAAA1111", status="filed", role_here="spouse", role_there="applicant")
    child_elsewhere = Duplicate(reference="BBBB2222", status="filed", role_here="member", role_there="member")
    withdrawn = Duplicate(reference="CCCC3333", status="withdrawn", role_here="applicant", role_there="applicant")
    found = [spouse_filed, child_elsewhere, withdrawn]
    assert filed_elsewhere_contradicted(found, {"filed_elsewhere": False}) == [spouse_filed]
    assert filed_elsewhere_contradicted(found, {"filed_elsewhere": True}) == []
    assert filed_elsewhere_contradicted(found, {}) == []


async def test_a_staff_read_of_a_whole_record_is_an_audit_row(assistant):
    async with assistant.db.transaction() as tx:
        await audit_read(tx, "tg:9001", "AAAA2222", at=tx.privacy.now(), view="case")
        [entry] = await tx.audit.list_for("draft:AAAA2222")
    assert (entry.actor, entry.action, entry.after) == ("tg:9001", STAFF_READ, "case")


async def test_withdrawn_consent_the_screening_takes_no_id_number_after(person):
    from harness import WORKER

    await draft_started(person)  # screened with consent: the screening took the ID number
    await person.command("privacy")
    await person.press("pv:withdraw")
    await person.press("ok:withdraw_yes")
    await person.command("restart")
    await person.press("ok:drop:restart")
    while person.asks and person.asks != "birth_date":
        assert not person.asks.startswith("consent:")  # withdrawn stays withdrawn: not asked again
        if person.asks.startswith("group:"):
            await person.answer_group(WORKER)
        else:
            await person.answer(WORKER[person.asks])
    await person.say(APPLICANT_ID)
    assert msg("err.date.id_needs_consent") in person.text and person.asks == "birth_date"
    assert "id_number" not in await person.answers()
