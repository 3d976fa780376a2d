"""The web chat forgets too: after /forget confirmed in the browser nothing of the person
is left in either database file (the bot's and the web chat's own) but masked audit
rows, and their documents no longer download; idle web people are purged by the web
chat's own retention task and by ``python -m bot retention``."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import runpy
import sqlite3
import sys
from contextlib import closing, redirect_stdout
from io import StringIO

import pytest

from bot.settings import load_settings
from bot.web.app import COOKIE, build_app
from bot.web.channel import STORE_FILE, WebChannel
from bot.web.retention import tidy_web_store
from bot.web.store import WebStore
from e2e.profiles import WORKER
from rules.idcard import check_digit
from storage import DataCipher
from storage.repos.privacy import mask_key
from storage.rotation import rotate_database

from .conftest import DATA_KEY, RELAXED, TODAY, client_of, web_env
from .webuser import WebUser, read_page, t

PLANTED_ID = "360102197506017" + "12"  # completed with its check digit below
PLANTED_ID += check_digit(PLANTED_ID)
DB_FILES = ("bot.sqlite3", STORE_FILE)


def every_row(path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(path)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f"SELECT * FROM {n}").fetchall() for n in names if n != "sqlite_sequence"}


def rows_with(tables: dict[str, list[tuple]], needle: str) -> dict[str, list[tuple]]:
    """Rows holding ``needle`` in any column (text, or bytes as stored)."""
    found = {}
    for name, rows in tables.items():
        hits = [r for r in rows if any(needle in v if isinstance(v, str) else
                                       isinstance(v, bytes) and needle.encode() in v for v in r)]
        if hits:
            found[name] = hits
    return found


def raw_bytes(folder) -> bytes:
    """Both database files with their WAL and shared-memory files, as on disk."""
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.name.startswith(DB_FILES))


async def person_of(channel: WebChannel, client) -> str:
    return (await channel.store.session(client.cookies[COOKIE])).person


async def test_forget_in_the_web_chat_leaves_nothing_of_the_person_in_either_database(settings, tmp_path):
    channel = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)
    try:
        async with client_of(build_app(channel)) as browser:
            user = WebUser(browser)
            await user.open("/?start=screen")
            await user.screen(WORKER, TODAY)                      # screening answers
            await user.say("/apply")
            await user.press(t("zh_CN", "btn.consent_agree"))
            for typed in ("张三", "汉族", PLANTED_ID):              # the form, up to the ID number
                await user.say(typed)
            await user.say("/mydata")                              # documents kept for download
            person = await person_of(channel, browser)
            key = f"web:{person}"
            links = re.findall(r'href="/file/(\d+)"', (await browser.get("/")).text)
            mydata = await browser.get(f"/file/{links[0]}")
            assert PLANTED_ID in json.loads(mydata.content)["drafts"][0]["content"]["form"]["id_number"]
            assert PLANTED_ID in json.dumps((await channel.store.chat(person)).to_json(), ensure_ascii=False)

            await user.say("/forget")
            await user.press(t("zh_CN", "btn.privacy_forget_yes"))
            assert t("zh_CN", "privacy.forgotten") in user.page.notice  # told, on a fresh page
            assert user.page.bot_texts and PLANTED_ID not in user.page.html and "张三" not in user.page.html
            assert await person_of(channel, browser) != person  # the browser goes on as someone new
            for link in links:
                assert (await browser.get(f"/file/{link}")).status_code == 404
    finally:
        await channel.close()

    bot, web = (every_row(tmp_path / name) for name in DB_FILES)
    assert rows_with(bot, person) == {} and rows_with(web, person) == {}
    assert rows_with(bot, PLANTED_ID) == {} and rows_with(web, PLANTED_ID) == {}
    assert web["web_files"] == []                          # the documents themselves are gone
    assert any(mask_key(key) in row for row in bot["audit_log"])  # the audit keeps them masked
    raw = raw_bytes(tmp_path)
    for needle in (person, PLANTED_ID, "张三"):
        assert needle.encode() not in raw, needle


async def visit_100_days_ago(settings) -> tuple[str, str]:
    """A web person who answered once 100 days ago; (person, their cookie)."""
    then = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=100)
    channel = await WebChannel.open(settings, today=lambda: TODAY, clock=lambda: then, limits=RELAXED)
    try:
        async with client_of(build_app(channel)) as browser:
            user = WebUser(browser)
            await user.open("/?start=screen")
            await user.press(t("zh_CN", "group.scope.all"))
            await user.say("/mydata")
            return await person_of(channel, browser), browser.cookies[COOKIE]
    finally:
        await channel.close()


def web_rows_of(tmp_path, person: str) -> dict[str, list[tuple]]:
    return rows_with(every_row(tmp_path / STORE_FILE), person)


async def test_the_web_chats_retention_task_purges_an_idle_web_person(settings, tmp_path):
    person, cookie = await visit_100_days_ago(settings)
    assert set(web_rows_of(tmp_path, person)) == {"web_people", "web_files", "web_steps", "web_sessions"}
    channel = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)  # today: 100 days on
    try:
        for _ in range(100):  # the task runs at start
            if not await channel.store.people(settled_before=float("inf")):
                break
            await asyncio.sleep(0.05)
        async with channel.assistant.db.transaction() as tx:
            assert await tx.sessions.load(f"web:{person}") is None
        async with client_of(build_app(channel)) as browser:
            r = await browser.get("/", headers={"cookie": f"{COOKIE}={cookie}"})  # the same browser, back
            assert COOKIE in r.cookies                            # its old session is gone: a new one
            assert [who for who, _ in read_page(r.text).messages] == ["bot"]  # greeted afresh, nothing of before
    finally:
        await channel.close()
    assert web_rows_of(tmp_path, person) == {}


def test_python_m_bot_retention_runs_once_for_a_terminal_only_deployment(tmp_path, monkeypatch):
    settings = load_settings(web_env(tmp_path), need_token=False)
    person, _ = asyncio.run(visit_100_days_ago(settings))
    for name, value in web_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["python -m bot", "retention"])
    out = StringIO()
    with redirect_stdout(out), pytest.raises(SystemExit) as done:
        runpy.run_module("bot", run_name="__main__")
    assert done.value.code == 0
    assert "1 session(s)" in out.getvalue() and "web chat records of 1 person(s) dropped" in out.getvalue()
    assert web_rows_of(tmp_path, person) == {}
    left = rows_with(every_row(tmp_path / "bot.sqlite3"), f"web:{person}")
    assert set(left) <= {"users", "audit_log"}, left  # the account (its language) stays, as for Telegram


async def test_a_document_is_kept_no_longer_than_the_retention_period(settings, tmp_path):
    moment = [dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=100)]
    channel = await WebChannel.open(settings, today=lambda: TODAY, clock=lambda: moment[0], limits=RELAXED)
    try:
        async with client_of(build_app(channel)) as browser:
            user = WebUser(browser)
            await user.open("/?start=screen")
            await user.say("/mydata")                          # made 100 days ago
            links = re.findall(r'href="/file/(\d+)"', (await browser.get("/")).text)
            moment[0] = dt.datetime.now(dt.timezone.utc)
            await user.say("/help")                            # still talking today: not idle
            assert await tidy_web_store(channel.store, channel.assistant.db, keep_days=90) == 0
            assert links and [(await browser.get(f"/file/{link}")).status_code for link in links] == [404] * len(links)
            assert len((await WebUser(browser).open()).messages) > 3  # the conversation itself stays
    finally:
        await channel.close()


async def test_the_files_of_a_web_store_made_before_they_aged_are_dated_at_opening(tmp_path):
    path = tmp_path / STORE_FILE
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE web_files (id INTEGER PRIMARY KEY AUTOINCREMENT, person TEXT NOT NULL, "
                     "name TEXT NOT NULL, data BLOB NOT NULL)")
        conn.execute("INSERT INTO web_files (person, name, data) VALUES ('p', 'a.json', x'00')")
        conn.commit()
    store = await WebStore.open(path, DataCipher.from_settings(DATA_KEY, None), now=lambda: 1000.0)
    try:
        assert await store.expire_files(999.0) == 0 and await store.expire_files(1001.0) == 1
    finally:
        await store.close()


async def test_a_rotated_key_still_opens_the_documents_of_the_web_chat(settings, tmp_path):
    channel = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)
    try:
        async with client_of(build_app(channel)) as browser:
            user = WebUser(browser)
            await user.open("/?start=screen")
            await user.say("/mydata")
            link = re.findall(r'href="/file/(\d+)"', (await browser.get("/")).text)[0]
            before = (await browser.get(f"/file/{link}")).content
            cookie = browser.cookies[COOKIE]
    finally:
        await channel.close()
    new_key = "another passphrase, long enough too"
    changed = rotate_database(settings.database, DataCipher.from_settings(DATA_KEY, None),
                              DataCipher.from_settings(new_key, None), web_store=tmp_path / STORE_FILE)
    assert changed["web_files"] == 2
    rotated = load_settings(web_env(tmp_path, BOT_DATA_KEY=new_key), need_token=False)
    channel = await WebChannel.open(rotated, today=lambda: TODAY, limits=RELAXED)
    try:
        async with client_of(build_app(channel)) as browser:
            r = await browser.get(f"/file/{link}", headers={"cookie": f"{COOKIE}={cookie}"})
            assert r.status_code == 200 and r.content == before
    finally:
        await channel.close()


async def test_an_idle_web_person_with_a_submitted_record_keeps_their_browser(tmp_path):
    """Their idle conversation goes (the page's copy with it), but their record is the
    union's file and still theirs: the same browser comes back as the same person (to
    /status, to read staff's answers), not as a stranger to their own record."""
    from storage import Database, StoredDraft
    from bot.web.store import Chat

    cipher = DataCipher.from_settings(DATA_KEY, tmp_path / "unused.key")
    db = await Database.open(tmp_path / "bot.sqlite3", cipher)
    store = await WebStore.open(tmp_path / STORE_FILE, cipher, now=lambda: 0.0)
    try:
        cookie, s = await store.new_session()
        await store.save_chat(s.person, Chat([{"who": "bot", "text": "quoted answers"}], None))
        async with db.transaction() as tx:
            await tx.users.get_or_create(f"web:{s.person}", language="zh_CN")
            await tx.drafts.save(StoredDraft(reference="SUBM3333", status="submitted",
                                             applicant_key=f"web:{s.person}", created_by=f"web:{s.person}",
                                             content={"form": {"name": "张三"}}))
        await tidy_web_store(store, db, keep_days=90, grace=0)
        assert (await store.session(cookie)).person == s.person
        assert await store.chat(s.person) == Chat()
    finally:
        await store.close()
        await db.close()
