"""The real ``python -m bot`` process: killed mid-conversation and started again,
stopped with SIGTERM, and started with bad settings. The fake Telegram server runs
in the test's event loop; the bot talks to it over HTTP like it would to Telegram.

The profiles here do not depend on today's date (the process reads the real clock)."""
from __future__ import annotations

import pytest

from .bot_runner import BotProcess, bot_env, run_bot_cli
from .profiles import ID_NUMBER, profile
from .screening_user import ScriptedUser, check_result, fact_asked, t, transcript_questions

HELD = 30.0  # a reply held this long by "Telegram" is, for the test, never answered


async def hold_next_reply(tg, action) -> None:
    """Makes Telegram hold the next sendMessage (not delivered), does ``action``, and
    returns once the bot's reply is being held: the answer is committed, its reply not sent."""
    before = len(tg.calls_of("sendMessage"))
    tg.fail_next("sendMessage", "timeout", delay=HELD)
    await action()
    await tg.wait_for(lambda: any(c.injected == "timeout" for c in tg.calls_of("sendMessage")[before:]),
                      15, "the bot's reply to be held")


def delivered_since(tg, first_call: int, wanted) -> bool:
    """Whether an update matching ``wanted`` was handed to the bot after call ``first_call``."""
    return any(wanted(u) for c in tg.calls[first_call:] if c.method == "getUpdates"
               for u in (c.result or []))


async def all_confirmed(tg) -> None:
    """Waits until the bot has confirmed every update to Telegram and is idle (its last
    reply sent and recorded: the recording follows the send by a few milliseconds)."""
    await tg.wait_for(lambda: not tg.state.updates, 10, "every update to be confirmed")
    await tg.wait_idle(quiet=0.3, timeout=10)


def no_secrets(log: str) -> None:
    assert "123:ABC" not in log, "the token is in the log"
    assert ID_NUMBER not in log and ID_NUMBER[:14] not in log, "a typed ID number is in the log"


async def test_killed_bot_continues_where_each_answer_left_off(fake_telegram, tmp_path):
    tg = fake_telegram
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        kim = ScriptedUser(tg.user(5001, "Kim", language_code="en"), "en", profile(id_number=ID_NUMBER))
        await kim.start()
        assert not await kim.answer_questions(2)  # the scope and the exclusions, one question each
        homes = await kim.read_question()
        assert fact_asked(homes, "en") == "homes_owned"

        # 1. killed while idle; the user answers while the bot is down (Telegram keeps it)
        await all_confirmed(tg)
        assert await bot.kill() == -9
        await kim.answer(homes)  # a button press on the dead bot's message
        await bot.start()
        assert not await kim.answer_questions(2)  # hukou, then consent to the sensitive questions

        # 2. killed after a typed answer was committed, while its reply was on its way:
        #    Telegram had the update confirmed at once; the bot finds it in its inbox at the
        #    start and sends the stored reply (no update is downloaded twice)
        birth = await kim.read_question()
        assert fact_asked(birth, "en") == "birth_date"
        await hold_next_reply(tg, lambda: kim.answer(birth))  # types the ID number
        assert await bot.kill() == -9
        restarted = len(tg.calls)
        await bot.start()
        dibao = await kim.read_question()
        assert fact_asked(dibao, "en") == "group:hardship"
        assert not delivered_since(tg, restarted, lambda u: u.get("message", {}).get("text") == ID_NUMBER)
        assert bot.stderr().count("handling 1 update(s) left from the last run") == 1

        # 3. the same after a button press (answered and marked before the reply)
        await hold_next_reply(tg, lambda: kim.answer(dibao))
        assert await bot.kill() == -9
        restarted = len(tg.calls)
        await bot.start()
        assert fact_asked(await kim.read_question(), "en") == "residence"
        assert not delivered_since(tg, restarted, lambda u: "callback_query" in u)
        assert bot.stderr().count("handling 1 update(s) left from the last run") == 2
        # the press was answered before the crash; answering it again is refused, the reply is not
        assert any(c.status == 400 for c in tg.calls_of("answerCallbackQuery")[-2:])

        await kim.finish()
        await kim.user.no_message(1.0)
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()

    check_result(kim, None)  # every answer applied once: the same questions, in order
    assert transcript_questions(kim.user, "en") == kim.asked  # no question lost or sent twice
    assert all(t("en", "bot.apology") not in m.text for m in kim.user.messages)
    assert all(q.answered for q in kim.user.queries)
    log = bot.stderr()
    no_secrets(log)
    assert "Traceback" not in log


async def test_sigterm_finishes_the_update_in_hand_and_exits_0(fake_telegram, tmp_path):
    tg = fake_telegram
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        lin = ScriptedUser(tg.user(5002, "林", language_code="zh-hans"), "zh_CN", profile(), how="buttons")
        await lin.start()
        first = await lin.read_question()
        # the reply to this answer takes 2 s (held, dropped, sent again): SIGTERM meanwhile
        before = len(tg.calls_of("sendMessage"))
        tg.fail_next("sendMessage", "timeout", delay=2.0)
        await lin.answer(first)
        await tg.wait_for(lambda: len(tg.calls_of("sendMessage")) > before, 10, "the reply to start")
        status, took = await bot.terminate(within=10)
        assert status == 0
        assert took < 10
        second = await lin.read_question(timeout=1)  # it was delivered before the exit
        assert fact_asked(second, "zh_CN") == "group:exclusions"
        assert not tg.state.updates, "an update was left unconfirmed: it would be answered twice"

        # started again: nothing is repeated, and the conversation goes on
        await bot.start()
        await lin.user.no_message(1.0)
        await lin.finish()
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    check_result(lin, None)
    assert transcript_questions(lin.user, "zh_CN") == lin.asked
    log = bot.stderr()
    no_secrets(log)
    assert "Traceback" not in log


async def test_the_log_never_holds_the_token_or_an_id_number(fake_telegram, tmp_path):
    tg = fake_telegram
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        zhou = ScriptedUser(tg.user(5003, "周", language_code="zh-hans"), "zh_CN", profile(id_number=ID_NUMBER),
                            how="typed")
        await zhou.user.send(f"/start {ID_NUMBER}")  # in a command
        await zhou.user.next_message()
        await zhou.start()
        assert not await zhou.answer_questions(5)  # the two groups, homes, hukou, consent
        birth = await zhou.read_question()
        zhou.pending = None
        await zhou.user.send(ID_NUMBER[:-1] + "5")  # a wrong check digit: re-asked
        await zhou.read_question()
        # the reply to the ID number fails for good (a 400): the error is logged, the user
        # gets an apology and nothing is lost
        tg.fail_next("sendMessage", 400, description="Bad Request: injected failure")
        await zhou.answer(birth)
        apology = await zhou.user.next_message()
        assert apology.text == t("zh_CN", "bot.apology")
        await zhou.user.send("/start")  # welcome back, and the question after the ID number: one message
        assert fact_asked(await zhou.user.next_message(), "zh_CN") == "group:hardship"
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.close()
    log = bot.stderr()
    assert "update" in log and "failed" in log and "BadRequest" in log  # the failure is in the log
    no_secrets(log)
    assert ID_NUMBER[:-1] + "5" not in log


@pytest.mark.parametrize("env, names", [
    ({}, ("TELEGRAM_BOT_TOKEN", "python -m bot console")),
    ({"TELEGRAM_BOT_TOKEN": "   "}, ("TELEGRAM_BOT_TOKEN", "python -m bot console")),
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, ("TELEGRAM_BOT_TOKEN",)),
    ({"TELEGRAM_BOT_TOKEN": "123:ABC", "BOT_TIMEZONE": "Mars/Olympus_Mons"}, ("BOT_TIMEZONE", "Mars/Olympus_Mons")),
    ({"TELEGRAM_BOT_TOKEN": "123:ABC", "BOT_ADMIN_IDS": "12,bob"}, ("BOT_ADMIN_IDS",)),
], ids=["no-token", "blank-token", "malformed-token", "bad-timezone", "bad-admin-ids"])
async def test_a_bad_setting_is_one_line_and_status_2(tmp_path, env, names):
    status, out, err = await run_bot_cli(env | {"BOT_DATABASE": str(tmp_path / "bot.sqlite3")}, tmp_path)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert all(name in lines[0] for name in names), lines[0]
    assert "Traceback" not in err and out == ""
    assert "ABC" not in err  # not even the token it rejects


async def test_a_token_telegram_rejects_is_one_line_and_status_2(fake_telegram, tmp_path):
    tg = fake_telegram
    env = bot_env(tg, tmp_path) | {"TELEGRAM_BOT_TOKEN": "999:WRONG"}
    status, out, err = await run_bot_cli(env, tmp_path)
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "TELEGRAM_BOT_TOKEN" in err, err
    assert "WRONG" not in err and "Traceback" not in err
