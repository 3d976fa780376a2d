"""The web chat over HTTP without JavaScript: a whole screening, both languages,
deep links, /back, resume after a restart and on a second device."""
from __future__ import annotations

import asyncio
import re

from bot.web.app import build_app
from bot.web.channel import WebChannel
from e2e.profiles import WORKER

from .conftest import RELAXED, TODAY, client_of
from .webuser import WebUser, expected_questions, fact_asked, is_headline, t


async def test_first_visit_greets_in_the_browser_language(client):
    zh = WebUser(client)
    page = await zh.open()
    assert page.lang == "zh-CN"
    assert page.bot_texts and page.answers
    assert client.cookies.get("sid")


async def test_english_from_accept_language(app):
    async with client_of(app, "en-GB,en;q=0.8,zh;q=0.5") as c:
        page = await WebUser(c, "en").open()
    assert page.lang == "en"
    assert page.bot_texts[0] == t("en", "menu.welcome") or page.bot_texts[0].startswith(t("en", "menu.welcome")[:10])


async def test_a_zh_screening_by_buttons_reaches_the_rules_result(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    result = await user.screen(WORKER, TODAY)
    assert user.asked == expected_questions(WORKER, TODAY)
    assert is_headline(result[0], "zh_CN") and result[0].startswith(t("zh_CN", "result.eligible"))


async def test_an_en_screening_typed(app):
    async with client_of(app, "en-US") as c:
        user = WebUser(c, "en")
        await user.open("/?start=screen")
        result = await user.screen(WORKER, TODAY, how="typed")
    assert user.asked == expected_questions(WORKER, TODAY)
    assert result[0].startswith(t("en", "result.eligible"))


async def test_language_switch_on_the_page(client):
    user = WebUser(client)
    await user.open()
    await user.submit(user.page.form("/command", name="lang"))
    assert user.page.lang == "en"
    await user.submit(user.page.form("/command", name="lang"))
    assert user.page.lang == "zh-CN"


async def test_back_from_the_menu_undoes_the_last_answer(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    first = fact_asked(user.since_my_last()[-1], "zh_CN")
    await user.press(t("zh_CN", "group.scope.all"))
    second = fact_asked(user.since_my_last()[-1], "zh_CN")
    assert second != first
    await user.command("back")
    assert fact_asked(user.since_my_last()[-1], "zh_CN") == first
    assert [m for m in user.page.messages if m[0] == "me"][-1] == ("me", t("zh_CN", "cmd.back"))


async def test_typed_command_works_like_the_menu(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    first = fact_asked(user.since_my_last()[-1], "zh_CN")
    await user.press(t("zh_CN", "group.scope.all"))
    await user.say("/back")
    assert fact_asked(user.since_my_last()[-1], "zh_CN") == first


async def test_resume_after_a_server_restart(settings, tmp_path):
    ch = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)
    async with client_of(build_app(ch)) as c:
        user = WebUser(c)
        await user.open("/?start=screen")
        await user.press(t("zh_CN", "group.scope.all"))
        before = user.page
        cookies = dict(c.cookies)
    await ch.close()
    ch = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)
    try:
        async with client_of(build_app(ch)) as c:
            c.cookies.update(cookies)
            user = WebUser(c)
            after = await user.open()
            assert after.messages == before.messages
            assert [f.button for f in after.answers] == [f.button for f in before.answers]
            result = await user.screen(WORKER, TODAY)  # and it goes on from there
            assert result[0].startswith(t("zh_CN", "result.eligible"))
    finally:
        await ch.close()


async def test_continue_code_on_a_second_device(app):
    async with client_of(app) as phone, client_of(app) as computer:
        a = WebUser(phone)
        await a.open("/?start=screen")
        await a.press(t("zh_CN", "group.scope.all"))
        await a.submit(a.page.form("/code"))
        notice = a.page.notice
        code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}", notice).group(0)
        b = WebUser(computer)
        await b.open()
        await b.submit(b.page.form("/resume"), code=code.lower())
        assert b.page.notice == t("zh_CN", "web.code.resumed")
        assert b.page.messages == a.page.messages[:len(b.page.messages)]
        assert fact_asked(b.since_my_last()[-1], "zh_CN") == fact_asked(a.since_my_last()[-1], "zh_CN")
        await b.press(t("zh_CN", "group.exclusions.none"))  # an answer on the computer...
        await a.open()
        assert a.page.messages == b.page.messages  # ...shows on the phone


async def test_a_wrong_continue_code_is_refused_and_guessing_is_slowed(client):
    user = WebUser(client)
    await user.open()
    notices = []
    for _ in range(7):
        await user.submit(user.page.form("/resume"), code="ABCD-EFGH")
        notices.append(user.page.notice)
    assert notices[0] == t("zh_CN", "web.code.unknown")
    assert notices[-1] == t("zh_CN", "web.slow_down")


async def test_deep_links(client):
    user = WebUser(client)
    r = await client.get("/?start=materials")
    assert r.status_code == 303 and r.headers["location"] == "/"
    await user.open()
    assert user.page.answers
    assert not any(x.startswith(t("zh_CN", "menu.welcome")) for x in user.page.bot_texts)  # straight to the checklist
    r = await client.get("/?start=<script>")  # not a payload: just the page
    assert r.status_code == 200
    r = await client.get("/?start=inv-Ab3_x9")  # an invite code goes to the dialogs as /start does
    assert r.status_code == 303
    assert (await user.open()).answers


async def test_stale_button_is_a_notice_not_an_answer(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    old = user.page.button(t("zh_CN", "group.scope.all"))
    await user.submit(old)
    count = len(user.page.messages)
    fresh = dict(old.fields, cid="ab" * 12)  # the passed question's button, in a new form
    await user.submit(type(old)(old.action, fresh))
    assert user.page.notice == t("zh_CN", "nav.stale")
    assert len(user.page.messages) == count


async def test_a_message_from_someone_elses_step_reaches_the_web_page(client, channel):
    from dialogs.types import Msg, Reply, reply_to_json

    user = WebUser(client)
    await user.open()
    person = next(iter(await channel.store._conn.execute_fetchall("SELECT person FROM web_sessions")))[0]
    async with channel.assistant.db.transaction() as tx:  # as a reviewer's step queues it
        await tx.outbox.add(f"web:{person}", reply_to_json(Reply((Msg("nav.stale"),))))
    channel.sender.wake()
    for _ in range(100):
        page = await user.open()
        if page.bot_texts[-1] == t("zh_CN", "nav.stale"):
            break
        await asyncio.sleep(0.05)
    assert page.bot_texts[-1] == t("zh_CN", "nav.stale")


async def test_documents_the_dialogs_produce_are_downloadable_by_their_owner_only(app):
    async with client_of(app) as mine, client_of(app) as someone_else:
        user = WebUser(mine)
        await user.open("/?start=screen")
        await user.press(t("zh_CN", "group.scope.all"))
        await user.say("/mydata")                          # everything kept about me, as files
        page = (await mine.get("/")).text
        links = re.findall(r'href="/file/(\d+)"', page)
        assert links, "the files are offered in the chat"
        r = await mine.get(f"/file/{links[0]}")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        assert "no-store" in r.headers["cache-control"]       # never kept by a browser or a proxy
        assert b"union_member" in r.content                 # my answers are in it
        await WebUser(someone_else).open()
        assert (await someone_else.get(f"/file/{links[0]}")).status_code == 404
        assert (await mine.get("/file/99999")).status_code == 404
