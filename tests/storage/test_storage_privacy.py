"""Privacy in storage: keyed hashes find the same person or a spouse in another draft
without decrypting; retention reminds a week before and purges idle data (submitted
records stay); erasing a person masks them in the audit log; key rotation, interrupted
and resumed, leaves every record readable under the new key only; the file and the WAL
hold no ID or bank number in clear."""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing

import pytest

from storage import Database, DataCipher, DialogSession, StorageError, StoredDraft
from storage.repos.privacy import mask_key
from storage.retention import RetentionPolicy, mark_warned, purge, stale
from storage.rotation import rotate_database

ID_A, ID_WIFE, ID_OTHER = "360102197506011234", "36010219780302246X", "360102198001011111"
CARD = "6222020200112345678"


def content(applicant: str | None, *members: tuple[str, str]) -> dict:
    return {"form": {"name": "张三", "id_number": applicant, "bank_card": CARD,
                     "members": [{"name": "李四", "relation": rel, "id_number": number} for number, rel in members]}}


async def save(db: Database, ref: str, status: str = "draft", who: str = "tg:1", body: dict | None = None) -> None:
    async with db.transaction() as tx:
        await tx.users.get_or_create(who, language="zh_CN")
        await tx.drafts.save(StoredDraft(reference=ref, status=status, applicant_key=who, created_by=who,
                                         content=body if body is not None else content(ID_A)))


async def test_the_same_person_or_a_spouse_in_another_draft_is_found_without_decrypting(db, db_path):
    await save(db, "AAAA1111", "filed", "tg:1", content(ID_A, (ID_WIFE, "wife")))
    await save(db, "BBBB2222", "draft", "tg:2", content(ID_WIFE, (ID_A, "husband")))
    await save(db, "CCCC3333", "draft", "tg:3", content(ID_OTHER))
    async with db.transaction() as tx:
        found = await tx.privacy.duplicates("BBBB2222")
        assert {(d.reference, d.status, d.role_here, d.role_there) for d in found} == {
            ("AAAA1111", "filed", "applicant", "spouse"), ("AAAA1111", "filed", "spouse", "applicant")}
        assert await tx.privacy.duplicates("CCCC3333") == []
        assert [r for r, _, _ in await tx.privacy.drafts_with_id(ID_WIFE.lower())] == ["AAAA1111", "BBBB2222"]
    with closing(sqlite3.connect(db_path)) as conn:
        hashes = [row[0] for row in conn.execute("SELECT id_hash FROM id_hashes")]
    assert hashes and all(len(h) == 64 and ID_A not in h for h in hashes)
    assert DataCipher(os.urandom(32)).id_hash(ID_A) not in hashes  # keyed: another key, other hashes


async def test_the_database_file_and_wal_hold_no_id_or_bank_number_in_clear(db, db_path):
    await save(db, "AAAA1111", body=content(ID_A, (ID_WIFE, "wife")))
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir())  # the WAL is still there: db open
    assert (db_path.parent / (db_path.name + "-wal")).exists()
    for number in (ID_A, ID_WIFE, CARD, "张三"):
        assert number.encode() not in raw


async def test_retention_reminds_a_week_before_then_purges_unfinished_only(db, clock):
    policy = RetentionPolicy(days=90, warn_days=7)
    await save(db, "DRAF1111", "draft", "tg:1")
    await save(db, "SUBM2222", "submitted", "tg:2")
    async with db.transaction() as tx:
        await tx.sessions.save(DialogSession(user_key="tg:1", dialog="screening", state={"flows": {"x": {}}}))
    clock.advance(days=82)
    async with db.transaction() as tx:
        assert await stale(tx, clock(), policy) == []
    clock.advance(days=1, hours=1)
    async with db.transaction() as tx:
        due = await stale(tx, clock(), policy)
        assert sorted(s.subject for s in due) == ["draft:DRAF1111", "session:tg:1"]
        assert all((s.deleted_on - s.idle_since).days == 90 and (s.deleted_on - clock()).days == 6 for s in due)
        for item in due:
            await mark_warned(tx, item, clock())
        assert await stale(tx, clock(), policy) == []  # told once
    clock.advance(days=7)
    async with db.transaction() as tx:
        gone = await purge(tx, clock(), policy)
        assert (gone.sessions, gone.drafts, gone.people) == (1, 1, 1)  # tg:1 had nothing else left
        assert await tx.drafts.get("DRAF1111") is None and await tx.sessions.load("tg:1") is None
        assert (await tx.drafts.get("SUBM2222")).status == "submitted"  # the union's file stays
        assert await tx.privacy.drafts_with_id(ID_A) == [("SUBM2222", "submitted", "applicant")]


async def test_erasing_a_person_masks_them_in_the_audit_log(db, clock):
    await save(db, "DRAF1111", "draft", "tg:123456")
    async with db.transaction() as tx:
        await tx.audit.add("tg:123456", "consent_given", "tg:123456", comment="张三 同意", at=clock())
        await tx.audit.add("tg:123456", "draft_status", "draft:DRAF1111", after="submitted", at=clock())
        await tx.outbox.add("tg:123456", {"lines": []})
        await tx.privacy.erase_draft("DRAF1111")
        counts = await tx.privacy.erase_person("tg:123456")
        assert counts["account"] == 1 and counts["outbox"] == 1
        assert await tx.audit.list_for("tg:123456") == []
        masked = await tx.audit.list_for(mask_key("tg:123456"))
        assert [(e.actor, e.comment) for e in masked] == [("tg:••56", None)]
        assert [e.actor for e in await tx.audit.list_for("draft:DRAF1111")] == ["tg:••56"]


async def test_key_rotation_interrupted_and_resumed_leaves_everything_under_the_new_key(db_path, cipher, clock):
    db = await Database.open(db_path, cipher, clock=clock)
    for i in range(30):
        await save(db, f"REF{i:05d}", "draft", f"tg:{i}", content(ID_A if i == 0 else ID_OTHER, (ID_WIFE, "wife")))
    async with db.transaction() as tx:
        await tx.audit.add("tg:1", "note", "draft:REF00001", comment="家访 记录", at=clock())
        await tx.outbox.add("tg:1", {"lines": ["hello"]})
        await tx.privacy.answer(await tx.privacy.request_deletion("REF00002", "tg:2"), "refused", "tg:9", "档案")
    await db.close()
    new = DataCipher(os.urandom(32))
    seen = []

    def killed_halfway(table, done, total):
        seen.append((table, done))
        if table == "drafts" and done >= 10:
            raise KeyboardInterrupt  # the process dies here

    with pytest.raises(KeyboardInterrupt):
        rotate_database(db_path, cipher, new, batch=5, progress=killed_halfway)
    with pytest.raises(StorageError, match="rotation is unfinished"):
        await Database.open(db_path, cipher, clock=clock)  # not with the old key half-way
    with pytest.raises(StorageError):
        rotate_database(db_path, cipher, DataCipher(os.urandom(32)))  # nor towards a third key
    changed = rotate_database(db_path, cipher, new, batch=7)
    assert changed["drafts"] == 20 and changed["id_hashes"] == 60  # only what was left; hashes redone
    with pytest.raises(StorageError, match="different data key"):
        await Database.open(db_path, cipher, clock=clock)
    db = await Database.open(db_path, new, clock=clock)
    try:
        async with db.transaction() as tx:
            for i in range(30):
                assert (await tx.drafts.get(f"REF{i:05d}")).content["form"]["bank_card"] == CARD
            assert (await tx.audit.list_for("draft:REF00001"))[-1].comment == "家访 记录"
            assert (await tx.outbox.list_for("tg:1"))[0].payload == {"lines": ["hello"]}
            assert (await tx.privacy.requests("refused"))[0].reason == "档案"
            assert [r for r, _, _ in await tx.privacy.drafts_with_id(ID_A)] == ["REF00000"]
    finally:
        await db.close()
    with closing(sqlite3.connect(db_path)) as conn:
        tokens = [row[0] for row in conn.execute("SELECT content FROM drafts")]
    for token in tokens:
        with pytest.raises(StorageError):
            cipher.decrypt(token, aad=b"draft:REF00000")


async def test_a_purged_person_with_nothing_left_is_kept_in_the_audit_log_only_masked(db, clock):
    """Retention, like /forget: once a person's conversation and unfinished drafts are
    purged and nothing else of theirs is kept, the account goes and the audit log keeps
    their key only masked. Whoever still has a record, a role or an open request stays."""
    policy = RetentionPolicy(days=90, warn_days=7)
    for who, ref, status in (("tg:111111", "DRAF1111", "draft"), ("tg:222222", "SUBM2222", "submitted")):
        await save(db, ref, status, who)
        async with db.transaction() as tx:
            await tx.sessions.save(DialogSession(user_key=who, dialog="screening", state={"flows": {}}))
            await tx.audit.add(who, "consent_given", who, at=clock())
    async with db.transaction() as tx:
        await tx.users.get_or_create("tg:333333", language="zh_CN")  # a reviewer, idle too
        await tx.users.grant_role("tg:333333", "reviewer")
        await tx.sessions.save(DialogSession(user_key="tg:333333", dialog="menu", state={"flows": {}}))
    clock.advance(days=91)
    async with db.transaction() as tx:
        gone = await purge(tx, clock(), policy)
        assert (gone.sessions, gone.drafts, gone.people) == (3, 1, 1)
        assert await tx.users.get("tg:111111") is None
        assert await tx.audit.list_for("tg:111111") == []
        assert [a.action for a in await tx.audit.list_for(mask_key("tg:111111"))] == ["consent_given"]
        assert await tx.users.get("tg:222222") is not None    # their record is the union's file
        assert await tx.users.get("tg:333333") is not None    # staff keep their role
        assert [a.action for a in await tx.audit.list_for("tg:222222")] == ["consent_given"]


async def test_retention_keeps_a_former_staff_member_or_an_admin_named_in_the_audit_log(db, clock):
    """Who read or decided on others' records, or granted roles, stays named in the audit
    log after their role is gone (an admin holds no role row) and they fall idle: the log
    is the union's account of who saw personal data, not the person's own data."""
    policy = RetentionPolicy(days=90, warn_days=7)
    async with db.transaction() as tx:
        for who in ("tg:444444", "tg:555555"):
            await tx.users.get_or_create(who, language="zh_CN")
            await tx.sessions.save(DialogSession(user_key=who, dialog="menu", state={"flows": {}}))
        await tx.audit.add("tg:444444", "draft_read", "draft:SUBM2222", after="case", at=clock())  # revoked since
        await tx.audit.add("tg:555555", "staff_invited", "role:reviewer", at=clock())  # an admin by settings
    clock.advance(days=91)
    async with db.transaction() as tx:
        gone = await purge(tx, clock(), policy)
        assert (gone.sessions, gone.people) == (2, 0)
        assert [a.actor for a in await tx.audit.list_for("draft:SUBM2222")] == ["tg:444444"]
        assert await tx.users.get("tg:555555") is not None
