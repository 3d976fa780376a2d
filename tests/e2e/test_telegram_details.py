"""Telegram details over HTTP: one send per answer (the chosen answer recalled, no edit),
a choice typed by its number, files and stickers, languages Telegram reports that the
bot does not speak as such, slow sends that must not go out twice, a kill in the middle
of a step's several messages (/mydata's files), and failures talking to Telegram in the log."""
from __future__ import annotations

import logging

import pytest

from .bot_runner import BotProcess, serving
from .screening_user import body, chosen, fact_asked, t


def answer_buttons(msg) -> list[tuple[str, str]]:
    """(label, data) of a question's answer buttons (navigation's data has a ':')."""
    return [(label, data) for row in msg.buttons for label, data in row if ":" not in data]


async def first_question(user):
    await user.send("/start screen")
    return await user.next_message()  # the introduction and the first question: one message


@pytest.mark.parametrize("lang, code", [("zh_CN", "zh-hans"), ("en", "en")])
async def test_a_choice_typed_by_its_number_is_a_press_and_is_recalled(fake_telegram, tmp_path, lang, code):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        user = tg.user(7001, "Ann", language_code=code)
        question = await first_question(user)
        label, _ = answer_buttons(question)[0]
        await user.send("1")
        following = await user.next_message()
        assert chosen(following) == label  # "➡️ <the first answer>" on top of the next question
        assert body(following) != body(question)
        await tg.wait_idle()
        assert question.buttons == []  # answered by typing: its buttons are taken off (the bot was idle)
    assert not tg.calls_of("editMessageText")
    assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]


@pytest.mark.parametrize("lang, code", [("zh_CN", "zh-hans"), ("en", "en")])
async def test_a_file_gets_a_notice_and_the_open_question_again(fake_telegram, tmp_path, lang, code):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        user = tg.user(7002, "Bo", language_code=code)
        question = await first_question(user)
        await user.send_document(b"%PDF-1.4 not really", "scan.pdf", "application/pdf")
        messages = [await user.next_message()]  # the notice starts the message with the open question again
        assert messages[0].text.startswith(t(lang, "bot.only_text") + "\n\n")
        while not messages[-1].buttons:
            messages.append(await user.next_message())
        assert fact_asked(messages[-1], lang) == fact_asked(question, lang)  # the same question again
        await user.no_message(0.3)


@pytest.mark.parametrize("code, lang, note", [("zh-TW", "zh_CN", "bot.note_traditional_chinese"),
                                              ("zh-hk", "zh_CN", "bot.note_traditional_chinese"),
                                              ("fr", "en", "bot.note_other_language"),
                                              ("zh-hans", "zh_CN", None), ("en-GB", "en", None)])
async def test_languages_the_bot_does_not_speak_as_such(fake_telegram, tmp_path, code, lang, note):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        user = tg.user(7003, "Chen", language_code=code)
        await user.send("/start")
        first = await user.next_message()
        if note:  # the note starts the first message
            assert first.text.startswith(t(lang, note) + "\n\n")
        await user.send("/start")  # a note only on first contact
        again = await user.next_message()
        assert not note or not again.text.startswith(t(lang, note))


async def test_a_reply_slower_than_ptbs_old_timeout_goes_out_once(fake_telegram, tmp_path):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        user = tg.user(7004, "Dai", language_code="zh-hans")
        label = answer_buttons(await first_question(user))[0][0]
        tg.fail_next("sendMessage", "timeout_applied", delay=6.5)  # accepted; the answer takes 6.5 s
        await user.send("1")
        following = await user.next_message(timeout=15)
        await tg.wait_idle(timeout=20)
    assert chosen(following) == label
    assert [body(m) for m in user.messages].count(body(following)) == 1  # not sent a second time


async def test_failures_talking_to_telegram_are_logged_without_content(fake_telegram, tmp_path, caplog):
    tg = fake_telegram
    caplog.set_level(logging.INFO, logger="bot.send_budget")
    async with serving(tg, tmp_path):
        user = tg.user(7005, "Eve", language_code="en")
        tg.fail_next("sendMessage", 500)
        tg.fail_next("sendMessage", 429, retry_after=1)
        await first_question(user)
        await tg.wait_idle()
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.send_budget"]
    assert any("sendMessage" in line and "429" in line and "attempt 1" in line for line in lines), lines
    assert any("sendMessage" in line and "NetworkError" in line for line in lines), lines
    assert all(t("en", "screen.intro").split("\n")[0] not in line for line in lines)


@pytest.mark.e2e
async def test_killed_after_the_first_of_several_replies_sends_only_the_rest(fake_telegram, tmp_path):
    tg = fake_telegram
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        user = tg.user(7006, "Fu", language_code="zh-hans")
        await user.send("/start")
        await user.next_message()
        await tg.wait_idle()
        # "/mydata" is answered by several messages (a file ends one): the JSON file's note
        # and the file, then the text file's note and the file
        tg.fail_next("sendMessage", "timeout_applied", delay=0.01)  # the first goes out, then its file
        tg.fail_next("sendMessage", "timeout", delay=30)  # the second is held: the bot is killed meanwhile
        await user.send("/mydata")
        first = await user.next_message()
        await tg.wait_for(lambda: any(c.injected == "timeout" for c in tg.calls_of("sendMessage")), 10,
                          "the second reply to be held")
        assert await bot.kill() == -9
        await bot.start()
        rest = [await user.next_message(timeout=15)]
        while sum(m.document is not None for m in [first, *rest]) < 2:
            rest.append(await user.next_message(timeout=15))
        await user.no_message(1.0)
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    files = [m.document.file_name for m in user.messages if m.document]
    assert [name.rsplit(".", 1)[1] for name in files] == ["json", "txt"]  # each file once, in order
    notes = [m.text for m in [first, *rest] if m.document is None]
    assert len(notes) == 2 and ".json" in notes[0] and ".txt" in notes[1]
    assert [m.text for m in user.messages].count(first.text) == 1  # the first reply was not sent again
    assert "handling 1 update(s) left from the last run" in bot.stderr()
