"""Drafts and consent records: stored, listed, versioned, encrypted at rest."""
from __future__ import annotations

import pytest

from storage import ConflictError, Database, StoredDraft


def draft(**kw) -> StoredDraft:
    data = dict(reference="K7M3Q9XA", status="draft", category="marginal", unit="某中学",
                applicant_key="tg:1", created_by="tg:1",
                content={"form": {"name": "张三", "id_number": "360102197506011235"}})
    return StoredDraft(**(data | kw))


async def test_a_draft_is_saved_listed_and_versioned(db: Database, clock):
    async with db.transaction() as tx:
        stored = await tx.drafts.save(draft())
    assert stored.version == 1 and stored.created_at == clock.now and not stored.on_behalf
    clock.advance(minutes=5)
    async with db.transaction() as tx:
        again = await tx.drafts.save(stored.model_copy(update={"status": "submitted", "submitted_by": "tg:1"}))
        assert again.version == 2 and again.updated_at == clock.now and again.created_at == stored.created_at
        assert [d.reference for d in await tx.drafts.list_for("tg:1")] == ["K7M3Q9XA"]
        assert await tx.drafts.list_for("tg:2") == []
        assert [d.reference for d in await tx.drafts.list_by_status("submitted")] == ["K7M3Q9XA"]
        assert (await tx.drafts.get("K7M3Q9XA")).content["form"]["name"] == "张三"
        with pytest.raises(ConflictError):  # a stale copy
            await tx.drafts.save(stored.model_copy(update={"status": "withdrawn"}))


async def test_a_clerk_sees_the_drafts_they_started(db: Database):
    async with db.transaction() as tx:
        mine = await tx.drafts.save(draft(reference="CLERK001", applicant_key=None, created_by="tg:9"))
        assert mine.on_behalf
        assert [d.reference for d in await tx.drafts.list_for("tg:9")] == ["CLERK001"]


async def test_a_reference_is_taken_once(db: Database):
    async with db.transaction() as tx:
        await tx.drafts.save(draft())
        with pytest.raises(ConflictError):
            await tx.drafts.save(draft(created_by="tg:2", applicant_key="tg:2"))


async def test_the_content_is_not_in_clear_in_the_file(db: Database, db_path):
    async with db.transaction() as tx:
        await tx.drafts.save(draft())
    await db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    assert b"360102197506011235" not in raw and "张三".encode() not in raw
    assert b"K7M3Q9XA" in raw  # the reference is a column in clear


async def test_an_unknown_status_is_refused_by_the_schema(db: Database):
    from storage import StorageError
    with pytest.raises(StorageError):
        async with db.transaction() as tx:
            await tx.drafts.save(draft(status="approved_by_me"))


async def test_the_newest_consent_counts(db: Database, clock):
    async with db.transaction() as tx:
        assert await tx.consents.latest("tg:1", "form") is None
        await tx.consents.record("tg:1", "form", "2016-1", True, "tg:1")
        clock.advance(minutes=1)
        await tx.consents.record("tg:1", "form", "2016-1", False, "tg:1")
        latest = await tx.consents.latest("tg:1", "form")
        assert latest.given is False and latest.at == clock.now and latest.version == "2016-1"
        assert await tx.consents.latest("tg:1", "screening") is None


async def test_the_queue_is_oldest_submission_first_not_last_touched(db: Database, clock):
    """A reviewer's queue counts waiting from the submission: a draft submitted first but
    touched since (a note, a re-save) still comes first."""
    first_submitted = clock.now
    async with db.transaction() as tx:
        early = await tx.drafts.save(draft(reference="EARLY001", status="submitted", submitted_at=first_submitted))
    clock.advance(days=2)
    async with db.transaction() as tx:
        await tx.drafts.save(draft(reference="LATER001", status="submitted", submitted_at=clock.now))
    clock.advance(days=1)
    async with db.transaction() as tx:  # the early one is touched after the later one was submitted
        await tx.drafts.save(early.model_copy(update={"category": "illness"}))
        queue = [d.reference for d in await tx.drafts.list_by_status("submitted")]
    assert queue == ["EARLY001", "LATER001"]
