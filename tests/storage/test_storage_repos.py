"""Repositories: users and roles, sessions with versions, update dedupe, audit log."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from storage import ConflictError, DialogSession, StorageError, User


async def test_users_first_contact_sets_language(db, clock):
    async with db.transaction() as tx:
        assert await tx.users.get("tg:1") is None
        user = await tx.users.get_or_create("tg:1", language="en")
        again = await tx.users.get_or_create("tg:1", language="zh_CN")
    assert isinstance(user, User) and user == again
    assert user.language == "en" and user.roles == frozenset() and user.created_at == clock()


async def test_users_set_language(db):
    async with db.transaction() as tx:
        assert not await tx.users.set_language("console:alice", "en")
        await tx.users.get_or_create("console:alice", language="zh_CN")
        assert await tx.users.set_language("console:alice", "en")
        assert (await tx.users.get("console:alice")).language == "en"


async def test_roles_grant_revoke_list(db):
    async with db.transaction() as tx:
        for key in ("tg:3", "tg:1", "tg:2"):
            await tx.users.get_or_create(key, language="zh_CN")
        assert await tx.users.grant_role("tg:3", "reviewer")
        assert await tx.users.grant_role("tg:1", "reviewer")
        assert not await tx.users.grant_role("tg:1", "reviewer")
        await tx.users.grant_role("tg:1", "admin")
        assert [u.key for u in await tx.users.list_with_role("reviewer")] == ["tg:1", "tg:3"]
        assert (await tx.users.get("tg:1")).roles == {"reviewer", "admin"}
        assert await tx.users.revoke_role("tg:3", "reviewer")
        assert not await tx.users.revoke_role("tg:3", "reviewer")
        assert [u.key for u in await tx.users.list_with_role("reviewer")] == ["tg:1"]


async def test_role_granted_before_first_contact(db):
    async with db.transaction() as tx:
        assert await tx.users.grant_role("tg:99", "admin")  # from BOT_ADMIN_IDS
        assert await tx.users.list_with_role("admin") == []  # no contact yet
        user = await tx.users.get_or_create("tg:99", language="en")
    assert user.roles == {"admin"} and user.language == "en"


@pytest.mark.parametrize("call", [
    lambda users: users.grant_role("tg:1", "superuser"),
    lambda users: users.list_with_role("root"),
    lambda users: users.get("12345"),
    lambda users: users.get_or_create("tg:1", language="zh CN; drop"),
])
async def test_users_validate_inputs(db, call):
    async with db.transaction() as tx:
        with pytest.raises(ValueError):
            await call(tx.users)


async def test_session_versions(db, clock):
    async with db.transaction() as tx:
        await tx.users.get_or_create("tg:1", language="zh_CN")
        assert await tx.sessions.load("tg:1") is None
        first = await tx.sessions.save(DialogSession(user_key="tg:1", dialog="screening"))
    assert first.version == 1 and first.updated_at == clock() and first.state == {}
    clock.advance(minutes=5)
    async with db.transaction() as tx:
        loaded = await tx.sessions.load("tg:1")
        assert loaded == first
        second = await tx.sessions.save(loaded.model_copy(update={"state": {"income": 1800}}))
    assert second.version == 2 and second.updated_at == clock()
    async with db.transaction() as tx:
        assert await tx.sessions.load("tg:1") == second
        with pytest.raises(ConflictError):
            await tx.sessions.save(loaded.model_copy(update={"state": {"stale": True}}))
        with pytest.raises(ConflictError):
            await tx.sessions.save(DialogSession(user_key="tg:1", dialog="other"))
        assert (await tx.sessions.load("tg:1")).state == {"income": 1800}
    assert issubclass(ConflictError, StorageError)


async def test_session_delete_and_new_start(db):
    async with db.transaction() as tx:
        await tx.users.get_or_create("tg:1", language="zh_CN")
        await tx.sessions.save(DialogSession(user_key="tg:1", dialog="screening", state={"a": 1}))
        assert await tx.sessions.delete("tg:1")
        assert not await tx.sessions.delete("tg:1")
        assert await tx.sessions.load("tg:1") is None
        again = await tx.sessions.save(DialogSession(user_key="tg:1", dialog="form"))
    assert again.version == 1


async def test_session_needs_a_known_user(db):
    with pytest.raises(StorageError, match="FOREIGN KEY"):
        async with db.transaction() as tx:
            await tx.sessions.save(DialogSession(user_key="tg:404", dialog="screening"))


async def test_session_state_must_be_json(db):
    with pytest.raises(TypeError):
        async with db.transaction() as tx:
            await tx.users.get_or_create("tg:1", language="zh_CN")
            await tx.sessions.save(
                DialogSession(user_key="tg:1", dialog="d", state={"when": datetime.now()})
            )


async def test_update_dedupe_and_prune(db, clock):
    async with db.transaction() as tx:
        assert not await tx.updates.is_processed(10, "tg:1")
        assert await tx.updates.mark_processed(10, "tg:1")
        assert not await tx.updates.mark_processed(10, "tg:1")
        assert await tx.updates.is_processed(10, "tg:1")
    clock.advance(days=2)
    async with db.transaction() as tx:
        assert await tx.updates.mark_processed(11, "tg:1")
        assert await tx.updates.prune(clock() - timedelta(days=1)) == 1
        assert not await tx.updates.is_processed(10, "tg:1")
        assert await tx.updates.is_processed(11, "tg:1")


async def test_update_mark_rolls_back_with_its_transaction(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            assert await tx.updates.mark_processed(5, "tg:1")
            raise RuntimeError("handler failed")
    async with db.transaction() as tx:
        assert await tx.updates.mark_processed(5, "tg:1")  # redelivery is applied


async def test_audit_round_trip(db):
    shanghai = timezone(timedelta(hours=8))
    at = datetime(2025, 3, 3, 9, 30, tzinfo=shanghai)
    async with db.transaction() as tx:
        first = await tx.audit.add("tg:7", "submit", "draft:1", before="draft", after="submitted", at=at)
        second = await tx.audit.add(
            "tg:8", "return", "draft:1", before="submitted", after="returned",
            comment="请补充低保证明（收入 1,234.50 元）", at=at + timedelta(hours=1),
        )
        await tx.audit.add("tg:8", "submit", "draft:2", at=at)
    async with db.transaction() as tx:
        entries = await tx.audit.list_for("draft:1")
    assert entries == [first, second]
    assert entries[0].at == at and entries[0].at.tzinfo == timezone.utc
    assert entries[0].comment is None and entries[1].comment.startswith("请补充")
    assert (entries[1].before, entries[1].after) == ("submitted", "returned")


async def test_naive_datetimes_are_refused(db):
    with pytest.raises(ValueError, match="naive"):
        async with db.transaction() as tx:
            await tx.audit.add("tg:1", "x", "draft:1", at=datetime(2025, 1, 1))


async def test_update_ids_are_counted_per_channel(db):
    async with db.transaction() as tx:
        assert await tx.updates.mark_processed(1, "tg:1")
        assert await tx.updates.mark_processed(1, "console:x")  # the same id, another channel
        assert await tx.updates.mark_processed(1, "web:abc")
        assert not await tx.updates.mark_processed(1, "tg:2")  # Telegram's ids are global
        assert not await tx.updates.mark_processed(1, "web:def")
        assert await tx.updates.is_processed(1, "console:y")
        assert not await tx.updates.is_processed(2, "tg:1")
        with pytest.raises(ValueError):
            await tx.updates.mark_processed(3, "no-channel")


@pytest.mark.parametrize("channel, ident, key", [
    ("tg", 123, "tg:123"), ("console", "alice", "console:alice"), ("web", "abc", "web:abc"),
])
def test_user_key_is_built_in_one_place(channel, ident, key):
    from storage import channel_of, user_key
    assert user_key(channel, ident) == key and channel_of(key) == channel


@pytest.mark.parametrize("channel, ident", [("TG", 1), ("", 1), ("tg:x", 1), ("tg", ""), ("tg", "a b")])
def test_user_key_refuses_what_is_not_a_key(channel, ident):
    from storage import user_key
    with pytest.raises(ValueError):
        user_key(channel, ident)
