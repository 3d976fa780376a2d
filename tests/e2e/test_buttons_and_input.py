"""Buttons that no longer apply, forged button data and HTML in what people type:
nothing changes, nothing breaks, and the conversation goes on."""
from __future__ import annotations

from .bot_runner import TODAY, serving
from .profiles import profile
from .screening_user import ScriptedUser, check_result, fact_asked, settle, t, transcript_questions


def seq_of(msg) -> int:
    """The question number in a message's button data (``<seq>.<index>``)."""
    return int(msg.buttons[0][0][1].split(".", 1)[0])


async def test_stale_and_forged_buttons_change_nothing(fake_telegram, tmp_path):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        zhao = ScriptedUser(tg.user(3001, "赵", language_code="zh-hans"), "zh_CN", profile(), how="buttons")
        await zhao.start()
        first = await zhao.read_question()
        assert fact_asked(first, "zh_CN") == "group:scope"
        first_buttons = dict(b for row in first.buttons for b in row)
        zhao.how = "typed"  # typed: the first question's buttons are taken off (room in the budget)
        await zhao.answer(first)
        second = await zhao.read_question()
        assert fact_asked(second, "zh_CN") == "group:exclusions"
        await settle(tg)
        assert first.buttons == [] and second.buttons
        edits_before = len(zhao.user.edits)
        seq = seq_of(second)

        stale_toast = t("zh_CN", "nav.stale")
        presses = [
            await zhao.user.press_data(first, first_buttons[t("zh_CN", "group.scope.all")]),  # an earlier question's
            await zhao.user.press_data(first, first_buttons[t("zh_CN", "btn.back")]),  # ... its navigation too
            await zhao.user.press_data(second, "garbage"),            # forged: not even <seq>.<i>
            await zhao.user.press_data(second, f"{seq}.99"),          # well-formed, no such choice
            await zhao.user.press_data(second, f"{seq}|chg:union_member"),  # a value, not a position
            await zhao.user.press_data(second, f"{seq}.-1"),          # a negative position
            await zhao.user.press_data(second, f"{seq + 1}.0"),       # a future question
            await zhao.user.press_data(second, "."),
        ]
        for q in presses:
            assert (await zhao.user.wait_answer(q)).get("text") == stale_toast, q.data
        await zhao.user.no_message(0.5)  # no new question, no re-ask
        assert len(zhao.user.edits) == edits_before  # and no question marked as answered

        # the real answer still works, once, even when tapped twice
        yes = dict((label, data) for row in second.buttons for label, data in row)[t("zh_CN", "group.exclusions.none")]
        q1 = await zhao.user.press_data(second, yes)
        q2 = await zhao.user.press_data(second, yes)
        assert (await zhao.user.wait_answer(q1)).get("text") is None
        assert (await zhao.user.wait_answer(q2)).get("text") == stale_toast
        zhao.asked.append("group:exclusions")
        zhao.questions.append(second)
        zhao.pressed.append(True)
        zhao.pending, zhao.how = None, "mixed"
        await zhao.finish()
        await settle(tg)

    check_result(zhao, TODAY)
    assert transcript_questions(zhao.user, "zh_CN") == zhao.asked  # nothing asked twice
    assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]


HTML = "<b>1</b> & <script>alert(1)</script>"


async def test_html_in_what_people_type_never_breaks_a_send(fake_telegram, tmp_path):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        eve = ScriptedUser(tg.user(3002, "<b>Eve</b> & <i>", language_code="en"), "en",
                           profile(), how="mixed")
        await eve.user.send(HTML)                        # before any conversation
        assert (await eve.user.next_message()).text.startswith(t("en", "menu.not_understood"))  # with the menu
        await eve.user.send(f"/start {HTML}")            # a start payload
        await eve.user.next_message()                    # the menu again
        await eve.user.send(f"/language {HTML}")         # a command argument
        assert (await eve.user.next_message()).text == t("en", "lang.choose")
        await eve.user.send(f"/{HTML}")                  # an unknown "command"
        assert (await eve.user.next_message()).text.startswith(t("en", "nav.unknown_command"))  # with the menu

        await eve.start()
        for _ in range(3):                               # as the answer to a yes/no question
            assert fact_asked(await eve.read_question(), "en") == "group:scope"
            await eve.user.send(HTML)
            eve.pending = None
        assert not await eve.answer_questions(8)  # the scope and exclusions, homes, hukou, consent, birth, hardship, residence
        assert fact_asked(await eve.read_question(), "en") == "household_size"
        await eve.user.send(HTML)                        # as a number of people
        eve.pending = None
        assert fact_asked(await eve.read_question(), "en") == "household_size"
        await eve.user.send("<3")
        eve.pending = None
        await eve.finish()
        await settle(tg)

    sends = tg.calls_of("sendMessage")
    assert sends and all(c.status == 200 for c in sends), [c.error for c in sends if c.error]
    assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]
    assert all("<script>" not in m.text for m in eve.user.messages)  # never echoed, not even escaped
    # each bad answer got one error and the same question again; then the screening went on
    assert len(eve.other) == 1 + 5  # the intro, five errors
    asked = transcript_questions(eve.user, "en")
    assert asked.count("group:scope") == 4 and asked.count("household_size") == 3
    assert [f for i, f in enumerate(asked) if i == 0 or asked[i - 1] != f] == eve.asked
    check_result(eve, TODAY)
