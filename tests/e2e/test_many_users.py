"""Fifty people screen themselves at the same time: each gets their own questions,
in order, once, and their own result."""
from __future__ import annotations

import asyncio
import collections

from .bot_runner import TODAY, serving
from .profiles import crowd_profile
from .screening_user import ScriptedUser, check_result, settle, transcript_questions

USERS = 50


async def test_fifty_users_at_once_each_get_their_own_result(fake_telegram, tmp_path):
    # The bot keeps to Telegram's ~30 messages a second; 50 full screenings are ~1,100
    # messages, i.e. ~40 s spent waiting on the budget. It runs here without the cap
    # (BOT_TELEGRAM_RATE=0, as for a local Bot API server; test_unreliable_network has 429s).
    tg = fake_telegram
    people = []
    for i in range(USERS):
        lang = "zh_CN" if i % 2 == 0 else "en"
        user = tg.user(10_000 + i, f"user{i}", language_code="zh-hans" if lang == "zh_CN" else "en")
        people.append(ScriptedUser(user, lang, crowd_profile(i), how=("buttons", "mixed", "typed", "burst")[i % 4]))

    async def screening(p: ScriptedUser) -> None:
        if p.how == "burst":  # every answer typed at once, before the questions come
            await p.burst(TODAY, timeout=40)
        else:
            await p.start()
            await p.finish(timeout=40)

    async with serving(tg, tmp_path, BOT_TELEGRAM_RATE="0"):
        await asyncio.wait_for(asyncio.gather(*(screening(p) for p in people)), 120)
        await settle(tg, timeout=30)

    outcomes = collections.Counter()
    for p in people:
        exp = check_result(p, TODAY)  # own questions in order, own decision and checklist
        outcomes[exp.decision["primary"] or "not eligible"] += 1
        assert transcript_questions(p.user, p.lang) == p.asked, f"user {p.user.id}: duplicate or lost question"
        assert len(p.result) == 1  # the decision, the checklist and what next: one message
        # one message per question (the introduction in the first one's) and the result's
        assert len(p.user.messages) == len(p.asked) + len(p.result), f"user {p.user.id}: extra messages"
    assert set(outcomes) == {"marginal", "illness", "not eligible"}, outcomes
    assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]
