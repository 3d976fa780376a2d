"""Users screen themselves through the real bot over HTTP, in Chinese and in English,
with buttons and typed answers, and get the reasons and the checklist."""
from __future__ import annotations

from .bot_runner import TODAY, serving
from .profiles import ID_NUMBER, profile
from .screening_user import (ScriptedUser, answer_of, body, button_label, check_result, checklists, chosen,
                             fact_asked, settle, t, transcript_questions)


async def test_chinese_user_completes_a_screening_with_buttons_and_typing(fake_telegram, tmp_path):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        wang = ScriptedUser(tg.user(2001, "王", language_code="zh-hans"), "zh_CN",
                            profile(id_number=ID_NUMBER), how="mixed")
        await wang.start()
        await wang.finish()
        await settle(tg)

    exp = check_result(wang, TODAY)
    assert exp.decision["eligible"] is True and exp.decision["primary"] == "marginal"
    assert wang.other[0].text.startswith(t("zh_CN", "screen.intro").splitlines()[0])
    assert "低保边缘户" in wang.result[0].text
    assert "✓" in wang.result[0].text and "6号" in wang.result[0].text
    # a pressed answer is recalled at the top of the next message (one send, no edit);
    # a typed answer is the person's own message
    assert any(wang.pressed) and not all(wang.pressed)
    following = wang.questions[1:] + wang.result[:1]
    for question, nxt, pressed in zip(wang.questions, following, wang.pressed):
        assert (chosen(nxt) is not None) == pressed
        if pressed:
            fact = fact_asked(question, "zh_CN")
            assert chosen(nxt) == button_label(fact, answer_of(wang.profile, fact)[1], "zh_CN")
    assert not tg.calls_of("editMessageText")
    # the ID number answered the birth-date question (and sex with it)
    assert "birth_date" in wang.asked and "sex" not in wang.asked
    assert transcript_questions(wang.user, "zh_CN") == wang.asked  # each question once
    assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]


async def test_english_user_gets_english_from_the_language_code(fake_telegram, tmp_path):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        # 30,000 a year for 3 is above the marginal line, but the medical costs bring it under
        alice = ScriptedUser(tg.user(2002, "Alice", language_code="en"), "en",
                             profile(household_annual_income="30000", sex="female",
                                     birth_date="1964-02-29", cadre=True), how="mixed")
        await alice.start()
        await alice.finish()
        await settle(tg)

    exp = check_result(alice, TODAY)
    assert exp.decision["primary"] == "illness"
    assert {"sex", "cadre", "workplace", "medical_out_of_pocket"} <= set(alice.asked)
    assert body(alice.result[0]).startswith("✅ Your household qualifies")
    assert "Clause by clause:" in alice.result[0].text
    (checklist,) = checklists(alice.result)  # in the result's one message
    assert "materials to submit" in checklist
    for m in alice.user.messages:  # nothing in Chinese but the names of documents and places
        assert not m.text.startswith(tuple(t("zh_CN", f"ask.{f}") for f in alice.asked))
    assert transcript_questions(alice.user, "en") == alice.asked


async def test_language_comes_from_first_contact_and_language_switches_it(fake_telegram, tmp_path):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        li = ScriptedUser(tg.user(2003, "李", language_code="zh-hans"), "zh_CN",
                          profile(household_annual_income="40000"), how="buttons")
        await li.start()
        assert not await li.answer_questions(1)  # the scope conditions, as one question
        open_question = await li.read_question()
        assert fact_asked(open_question, "zh_CN") == "group:exclusions"

        # /language offers both languages; pressing English switches and re-asks in English
        await li.user.send("/language")
        choose = await li.user.next_message()
        assert choose.text == t("zh_CN", "lang.choose")
        await li.user.press(choose, t("zh_CN", "lang.name.en"))
        again = await li.user.next_message()  # switched, and the question again: one message
        assert again.text.startswith("Switched to English.\n\n")
        assert fact_asked(again, "en") == "group:exclusions"
        li.lang, li.pending = "en", again
        # the old (Chinese) copy of the question is stale now: its button changes nothing
        q = await li.user.press(open_question, t("zh_CN", "group.exclusions.none"))
        assert (await li.user.wait_answer(q)).get("text") == t("en", "nav.stale")
        await li.user.no_message(0.3)
        assert not await li.answer_questions(4)
        assert fact_asked(await li.read_question(), "en")  # the next one came in English

        # "/language zh" switches straight back; the screening goes on where it was
        await li.user.send("/language zh")
        switched = await li.user.next_message()  # with the open question again
        assert switched.text.startswith(t("zh_CN", "lang.switched") + "\n\n")
        assert fact_asked(switched, "zh_CN")
        li.lang, li.pending = "zh_CN", switched
        await li.finish()

        # a user whose Telegram is in English, first contact by typing: English menu
        bob = tg.user(2004, "Bob", language_code="en-US")
        await bob.send("hello")
        menu = await bob.next_message()  # not understood, and the menu: one message
        assert menu.text.startswith(t("en", "menu.not_understood") + "\n\nHello!")
        await settle(tg)

    exp = check_result(li, TODAY)
    assert exp.decision["eligible"] is False
    assert body(li.result[0]).startswith(t("zh_CN", "result.not_eligible"))
    asked_in = {lang: transcript_questions(li.user, lang) for lang in ("zh_CN", "en")}
    assert asked_in["en"] == li.asked[1:6]  # re-asked after the switch + the 4 answered in English
    assert asked_in["zh_CN"] == li.asked[:2] + li.asked[5:]
