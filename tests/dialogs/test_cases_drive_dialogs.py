"""Every decided rule case, played as a conversation.

For each case of ``tests/rules/cases/*.yaml`` that the rules decide (error cases,
undecided ones and ``dialog: false`` ones are skipped), a person starts with
/screen and answers each question from the case's profile, the way people answer:
yes/no alternately pressed and typed (是/否, yes/no, 对/不是, y/n), choices pressed,
amounts, dates and counts typed in varied spellings (25,200元, 2.52万, full-width
digits, Chinese numerals, 1975年6月1日), the ID number typed when the birth date is
asked and the profile has one.

It must never ask a fact the profile lacks (the case would not be a complete
profile), never ask a fact twice, and end with the same decision as
``rules.screen(profile)``: eligible or not, the primary category, and (eligible)
the checklist of materials. One case in four is played in English.
"""
from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from harness import Person, assert_checklist, case_today, load_cases, msg, plain_facts, progress, group_answer

import rules
from rules import checklist, facts_for, load_edition

ED = load_edition()


def _select() -> list[Any]:
    params = []
    for n, (stem, case) in enumerate(load_cases()):
        ident = f"{stem}::{case['name']}"
        if "error" in case or "expect" not in case:
            continue
        if case.get("dialog") is False:
            continue
        try:
            decided = rules.screen(plain_facts(case), today=case_today(case))["decided"]
        except rules.FactError:
            continue  # a bad profile is the rules tests' business
        if not decided:
            continue
        params.append(pytest.param(case, "en" if n % 4 == 3 else "zh_CN", id=ident))
    return params


CASES = _select()


# ---- how a person spells an answer --------------------------------------------

_CN = "零一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789.,-/", "０１２３４５６７８９．，－／")


def chinese_numeral(n: int) -> str:
    """An integer below 100 million in Chinese numerals: 25200 -> 二万五千二百."""
    if n == 0:
        return "零"

    def section(v: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = v // unit % 10
            if d:
                if zero and out:
                    out += "零"
                out += _CN[d] + name
                zero = False
            else:
                zero = True
        return out

    def lead(text: str) -> str:  # 一十二 is said 十二 at the start of a number
        return text[1:] if text.startswith("一十") else text

    high, low = divmod(n, 10_000)
    if not high:
        return lead(section(low))
    text = lead(section(high)) + "万"
    if low:
        text += ("零" if low < 1000 else "") + section(low)
    return text


def money_spellings(value: Decimal) -> list[str]:
    """Ways to type ``value`` yuan that must all be read as exactly ``value``."""
    whole = value == value.to_integral_value()
    plain = f"{int(value)}" if whole else f"{value:f}"
    grouped = f"{int(value):,}" if whole else f"{value:,.2f}"
    ways = [f"{grouped}元", plain.translate(FULL_WIDTH), f"¥{plain}", f"{plain}元", plain]
    if value == value.to_integral_value():
        n = int(value)
        if n >= 10_000 and n % 100 == 0:
            ways.insert(1, f"{(value / 10_000).normalize():f}万")
        if n < 100_000_000:
            ways.append(chinese_numeral(n))
    return ways


def date_spellings(iso: str) -> list[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    return [f"{y}年{m}月{d}日", f"{y}/{m}/{d}", f"{y:04d}{m:02d}{d:02d}", iso,
            iso.translate(FULL_WIDTH)]


def id_spellings(number: str) -> list[str]:
    return [number, number.lower(), number.translate(FULL_WIDTH),
            f"{number[:6]} {number[6:14]} {number[14:]}"]


YES_NO = [("是", "否"), ("yes", "no"), ("对", "不是"), ("y", "n"), ("是的", "没有")]
COUNT_WORDS = {0: "零套", 1: "一套", 2: "两套", 3: "三套"}
SIZE_WORDS = {1: "一个人", 2: "两口人", 3: "三口人", 4: "四口人", 5: "五口人", 7: "七口人"}


class Answerer:
    """Answers each question from the profile, varying the spelling every time."""

    def __init__(self, profile: dict[str, Any], today: Any):
        self.profile = profile  # as the case spells it (given back to rules.checklist)
        self.canonical = facts_for(profile, edition=ED, today=today)  # as the rules read it
        self.turn = itertools.count()

    async def answer_group(self, p: Person, name: str, lang: str) -> dict[str, Any]:
        """Answers a question group (pressed or typed yes/no); returns the facts it gave."""
        n = next(self.turn)
        group = ED.question_groups[name]
        values = {f: getattr(self.canonical, f) for f in group.facts}
        answer = group_answer(name, {f: v for f, v in values.items() if v is not None})
        if n % 2 == 0:
            await p.press(answer)
        elif answer in group.facts:  # typed: "which one applies?" answered with its label
            await p.say(msg(f"fact.{answer}", lang))
        else:  # typed: 是 to "are all true?", 否 to "does any apply?"
            yes, no = YES_NO[(n // 2) % len(YES_NO)]
            await p.say(yes if answer in ("all", "some", "several") else no)
        setting = group.setting(answer)  # the case's own spelling where it states the fact
        return {} if setting is None else {f: self.profile.get(f, v) for f, v in setting.items()}

    async def answer(self, p: Person, fact: str) -> dict[str, Any]:
        """Answers ``fact``; returns the facts the answer gave the assistant."""
        n = next(self.turn)
        kind = ED.facts[fact].kind
        if fact == "birth_date" and "id_number" in self.profile:
            number = self.canonical.id_number
            await p.say(id_spellings(number)[n % 4])
            return {"id_number": number}
        value = getattr(self.canonical, fact)
        if kind == "bool":
            if n % 2 == 0:
                await p.press("yes" if value else "no")
            else:
                yes, no = YES_NO[(n // 2) % len(YES_NO)]
                await p.say(yes if value else no)
        elif kind in ("choice", "locality"):
            await p.press(value)
        elif kind == "count":
            ways = [str(value), str(value).translate(FULL_WIDTH), COUNT_WORDS.get(value, f"{value}套")]
            if value <= 1:
                await p.press(str(value)) if n % 4 == 0 else await p.say(ways[n % 3])
            else:
                await p.say(ways[n % 3])
        elif kind == "size":
            ways = [str(value), SIZE_WORDS.get(value, f"{value}人"), str(value).translate(FULL_WIDTH)]
            await p.say(ways[n % 3])
        elif kind == "money":
            ways = money_spellings(value)
            await p.say(ways[n % len(ways)])
        elif kind == "date":
            await p.say(date_spellings(value.isoformat())[n % 5])
        else:  # pragma: no cover - no other kind is asked in a screening
            pytest.fail(f"the screening asked {fact!r} of kind {kind!r}")
        return {fact: self.profile[fact]}


def _category(key: str, lang: str) -> str:
    return ED.category_names[key].get(lang)


@pytest.mark.parametrize(("case", "lang"), CASES)
async def test_case_played_as_a_conversation(open_assistant, case: dict[str, Any], lang: str) -> None:
    today = case_today(case)
    profile = plain_facts(case)
    expected = rules.screen(profile, today=today)
    p = Person(await open_assistant(today=today, language=lang), "tg:2001")

    await p.command("screen")
    asked: list[str] = []
    given: dict[str, Any] = {}
    left: list[int | None] = []  # "about N questions left" at each question
    answerer = Answerer(profile, today)
    while p.asks is not None:
        fact = p.asks
        assert fact not in asked, (
            f"asked {fact!r} a second time (after {asked}); the last answer was not taken?\n{p.story()}")
        if fact.startswith("consent:"):  # consent before the first sensitive question
            await p.press("ok:yes")
            continue
        if fact.startswith("group:"):
            asked.append(fact)
            left.append(progress(p.question.text, lang))
            given |= await answerer.answer_group(p, fact.removeprefix("group:"), lang)
            continue
        needs_id = fact == "birth_date" and "id_number" in profile
        assert fact in profile or needs_id, (
            f"the dialog asks {fact!r}, which this case's profile does not have: the case is not a "
            f"complete profile (asked so far: {asked}); add the fact or mark the case `dialog: false`")
        asked.append(fact)
        left.append(progress(p.question.text, lang))
        given |= await answerer.answer(p, fact)
        assert len(asked) <= len(ED.facts), "the screening does not end"

    assert None not in left, f"a question without its progress line: {list(zip(asked, left))}"
    assert left == sorted(left, reverse=True), f"the progress went up: {list(zip(asked, left))}"

    text = p.text
    headline = "result.eligible" if expected["eligible"] else "result.not_eligible"
    assert msg(headline, lang) in text, f"expected {headline} like rules.screen:\n{p.story()}"
    if "eligible" in case["expect"]:
        assert expected["eligible"] == case["expect"]["eligible"]
    if expected["eligible"]:
        primary = expected["primary"]
        assert msg("result.primary", lang, category=_category(primary, lang)) in text, text
        # the list for the answers given, which never misses an item of the full profile's list
        dialog_facts = facts_for(given, edition=ED, today=today)
        shown = assert_checklist(text, checklist(dialog_facts, primary, None, ED), lang, "dialog")
        # (the person's full facts: the case's, and what they answered beyond it: "which one
        # applies?" answered with one says the others do not)
        full = checklist(facts_for(given | profile, edition=ED, today=today), primary, None, ED)
        for item in full.items:
            assert any(item.text(ED, lang) in line for line in shown), f"{item.key} missing:\n{text}"
    else:
        assert msg("result.eligible", lang) not in text
        failed = [r for r in expected["reasons"] if r["outcome"] == "fail"]
        assert any(msg(f"reason.{r['rule']}.{r['detail']}", lang).split("{")[0] in text for r in failed), (
            f"none of the failing rules {[r['rule'] for r in failed]} is given as the reason:\n{text}")
        assert not any(line.startswith("📋") for line in text.splitlines()), "a checklist for a refusal"
