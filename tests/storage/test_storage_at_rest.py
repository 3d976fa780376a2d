"""Personal data never reaches the database file (WAL included) or the logs in clear."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from storage import Database, DataCipher, DialogSession, StorageError
from storage.repos import SessionRepo

ID_NUMBER = "110101199003074518"
DISEASE = "尿毒症"
USER = "tg:424242"


def needles() -> list[bytes]:
    found = []
    for text in (ID_NUMBER, DISEASE):
        found += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    found.append(DISEASE.encode("unicode_escape"))  # as json.dumps(ensure_ascii=True) would
    return found


def raw_bytes(db_path) -> bytes:
    files = sorted(db_path.parent.glob(db_path.name + "*"))
    return b"".join(path.read_bytes() for path in files)


async def write_personal_data(db):
    state = {"id_number": ID_NUMBER, "health": {"disease": DISEASE, "note": f"患{DISEASE}三年"}}
    async with db.transaction() as tx:
        await tx.users.get_or_create(USER, language="zh_CN")
        session = await tx.sessions.save(DialogSession(user_key=USER, dialog="screening", state=state))
    for step in range(3):  # several versions: old pages stay in the WAL too
        async with db.transaction() as tx:
            session = await tx.sessions.save(session.model_copy(update={"state": {**state, "step": step}}))
            await tx.audit.add(
                "tg:1", "return", "draft:1", before="submitted", after="returned",
                comment=f"家访核实：{DISEASE}，身份证 {ID_NUMBER}", at=datetime.now(timezone.utc),
            )


async def test_raw_file_and_wal_hold_no_plaintext(db_path, cipher, clock):
    db = await Database.open(db_path, cipher, clock=clock)
    await write_personal_data(db)
    while_open = raw_bytes(db_path)
    assert (db_path.parent / (db_path.name + "-wal")).stat().st_size > 0
    assert USER.encode() in while_open  # the grep sees the data that is stored in clear
    await db.close()
    after_close = raw_bytes(db_path)
    assert USER.encode() in after_close
    for needle in needles():
        assert needle not in while_open
        assert needle not in after_close


async def test_logs_hold_no_plaintext(db, caplog):
    caplog.set_level(logging.DEBUG)
    await write_personal_data(db)
    assert caplog.records  # aiosqlite logs every call at DEBUG, parameters included
    assert ID_NUMBER not in caplog.text and DISEASE not in caplog.text


async def test_wrong_key_is_refused_at_open(db_path, cipher):
    async with await Database.open(db_path, cipher) as db:
        await write_personal_data(db)
    with pytest.raises(StorageError, match="different data key"):
        await Database.open(db_path, DataCipher(bytes(32)))


async def test_wrong_key_is_refused_on_load(db, clock):
    await write_personal_data(db)
    async with db.transaction() as tx:
        repo = SessionRepo(tx.sql, DataCipher(bytes(32)), clock)
        with pytest.raises(StorageError, match="wrong BOT_DATA_KEY") as info:
            await repo.load(USER)
    assert ID_NUMBER not in str(info.value)


async def test_state_copied_to_another_user_does_not_decrypt(db):
    await write_personal_data(db)
    async with db.transaction() as tx:
        await tx.users.get_or_create("tg:2", language="zh_CN")
        await tx.conn.execute(
            "INSERT INTO dialog_sessions SELECT 'tg:2', dialog, state, version, updated_at "
            "FROM dialog_sessions WHERE user_key = ?", (USER,),
        )
        with pytest.raises(StorageError):
            await tx.sessions.load("tg:2")
        assert (await tx.sessions.load(USER)).state["id_number"] == ID_NUMBER
