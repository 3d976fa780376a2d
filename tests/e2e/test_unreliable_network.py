"""Telegram answering 429 (retry after), 500 and timeouts for a share of the bot's
calls: every reply still arrives, exactly once, in order."""
from __future__ import annotations

import asyncio

from .bot_runner import TODAY, serving
from .profiles import crowd_profile
from .screening_user import ScriptedUser, check_result, settle, transcript_questions


async def test_every_reply_arrives_once_through_429_500_and_timeouts(fake_telegram, tmp_path):
    tg = fake_telegram
    # 15% of the calls fail, from the start on: 1 in 6 of those is a 429 (retry after 1 s,
    # which pauses all sends), the rest 500s and requests held 0.3 s then dropped (502)
    tg.fail_share(0.15, kinds=("429", "500", "500", "timeout", "timeout", "timeout"), seed=3, delay=0.3)
    # and, whatever the share picks, each kind hits each kind of call at least once
    for method, kind in (("sendMessage", "429"), ("answerCallbackQuery", "500"), ("editMessageReplyMarkup", "timeout"),
                         ("sendMessage", "timeout"), ("editMessageReplyMarkup", "429"), ("answerCallbackQuery", "timeout")):
        tg.fail_next(method, kind, delay=0.3)
    people = [ScriptedUser(tg.user(4000 + i, f"u{i}", language_code=("zh-hans", "en")[i % 2]),
                           ("zh_CN", "en")[i % 2], crowd_profile(i), how=("buttons", "mixed", "typed")[i % 3])
              for i in range(3)]

    async def screening(p: ScriptedUser) -> None:
        await p.start()
        await p.finish(timeout=30)

    async with serving(tg, tmp_path):
        await asyncio.wait_for(asyncio.gather(*(screening(p) for p in people)), 90)
        await settle(tg, timeout=30)
        tg.clear_failures()

    injected = [c for c in tg.calls if c.injected]
    kinds = {c.injected for c in injected}
    assert kinds == {"429", "500", "timeout"}, kinds
    assert {c.method for c in injected} >= {"sendMessage", "answerCallbackQuery", "editMessageReplyMarkup"}
    for p in people:
        check_result(p, TODAY)
        assert transcript_questions(p.user, p.lang) == p.asked, f"user {p.user.id}: duplicate or lost question"
        # one message per question (the introduction in the first one's) and the result's
        assert len(p.user.messages) == len(p.asked) + len(p.result)
        for q in p.user.queries:  # every button press was answered (once: a second answer is a 400)
            assert q.answered
    # what failed was failed by us; nothing the bot sent was rejected
    assert not [c for c in tg.calls if c.error and not c.injected and c.method != "getUpdates"]
