"""Privacy through the real ``python -m bot`` process and ``python -m storage``:

* a worker screens (typing an ID number), asks /mydata (two files), then /forget:
  nothing of them is left in the database file; a command in a group chat gets no
  dialog at all; the process's log never holds the token, the ID number, an illness
  name or a bank number;
* ``python -m storage rotate-key`` killed half-way and run again leaves every record
  readable under the new key only, and the bot refuses to start in between.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from storage import Database, DataCipher, StorageError, StoredDraft
from storage.keys import load_or_create_key_file

from .bot_runner import BotProcess, subprocess_env
from .profiles import ID_NUMBER, profile
from .screening_user import ScriptedUser, t

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CARD = "6222020200112345678"


def scan(path: Path, needle: str) -> bool:
    return needle.encode() in b"".join(p.read_bytes() for p in path.parent.iterdir()
                                        if p.name.startswith(path.name))


async def test_mydata_forget_and_a_group_chat_over_telegram(fake_telegram, tmp_path):
    tg = fake_telegram
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        kim = ScriptedUser(tg.user(5001, "Kim", language_code="en"), "en", profile(id_number=ID_NUMBER))
        await kim.start()
        await kim.finish()
        await kim.user.send("/mydata")
        await tg.wait_for(lambda: len(tg.calls_of("sendDocument")) >= 2, 15, "the two /mydata files")
        await kim.user.send("/forget")
        sure = await kim.user.next_message()
        while t("en", "btn.privacy_forget_yes") not in [label for row in sure.buttons for label, _ in row]:
            sure = await kim.user.next_message()
        await kim.user.press(sure, t("en", "btn.privacy_forget_yes"))
        done = await kim.user.next_message()
        assert t("en", "privacy.forgotten") in done.text

        # a group chat: a command reaches no dialog and nothing is stored about its sender
        lee = tg.user(5002, "Lee", language_code="en")
        tg.state.push_update("message", {
            "message_id": 1, "date": 0, "text": "/start", "from": tg.state.user_dict(5002),
            "chat": {"id": -100500, "type": "supergroup", "title": "union"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]})
        await tg.wait_for(lambda: not tg.state.updates, 10, "the group update to be confirmed")
        await lee.no_message(1.0)
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    db = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(db)) as conn:
        users = [row[0] for row in conn.execute("SELECT key FROM users")]
    assert "tg:5001" not in users and "tg:5002" not in users
    assert not scan(db, "tg:5001") and not scan(db, ID_NUMBER)
    log = bot.stderr()
    for secret in ("123:ABC", ID_NUMBER, ID_NUMBER[:14], CARD, "尿毒症", "uremia", "major illness"):
        assert secret not in log, secret


async def _populate(path: Path, cipher: DataCipher, n: int) -> None:
    db = await Database.open(path, cipher)
    try:
        async with db.transaction() as tx:
            for i in range(n):
                key = f"tg:{70000 + i}"
                await tx.users.get_or_create(key, language="zh_CN")
                await tx.drafts.save(StoredDraft(reference=f"ROT{i:05d}", status="draft", applicant_key=key,
                                                 created_by=key, content={"form": {"id_number": ID_NUMBER,
                                                                                   "bank_card": CARD}}))
                await tx.audit.add(key, "note", f"draft:ROT{i:05d}", comment="家访", at=db.clock())
    finally:
        await db.close()


async def test_rotate_key_killed_half_way_and_resumed(tmp_path):
    db_path = tmp_path / "data" / "bot.sqlite3"
    key_file = db_path.parent / "data.key"
    old = DataCipher(load_or_create_key_file(key_file))  # key file mode: the new key is made beside it
    await _populate(db_path, old, 400)
    env = subprocess_env({"BOT_DATABASE": str(db_path)})
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "storage", "rotate-key", "--batch", "20", "--pause", "0.05", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    while True:  # the progress, until half the drafts are done
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line, (await proc.stderr.read()).decode()
        if line.startswith("rotate-key: drafts") and int(line.split()[2].split("/")[0]) >= 200:
            break
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    assert (db_path.parent / "data.key.new").exists() and key_file.exists()
    with pytest.raises(StorageError, match="rotation is unfinished"):
        await Database.open(db_path, old)  # the bot refuses to start half-way
    again = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "storage", "rotate-key", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(again.communicate(), 60)
    assert again.returncode == 0, err.decode()
    assert "rotate-key: done" in out.decode()
    new = DataCipher(load_or_create_key_file(key_file))  # data.key now holds the new key
    assert not (db_path.parent / "data.key.new").exists()
    with pytest.raises(StorageError):
        await Database.open(db_path, old)
    db = await Database.open(db_path, new)
    try:
        async with db.transaction() as tx:
            for i in range(0, 400, 37):
                assert (await tx.drafts.get(f"ROT{i:05d}")).content["form"]["bank_card"] == CARD
                assert (await tx.audit.list_for(f"draft:ROT{i:05d}"))[0].comment == "家访"
            assert len(await tx.privacy.drafts_with_id(ID_NUMBER)) == 400
    finally:
        await db.close()
    assert os.stat(key_file).st_mode & 0o077 == 0  # the new key file is owner-only too
