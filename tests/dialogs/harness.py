"""A person talking to the assistant, for tests that read like a user's session.

``Person`` sends typed text, presses buttons and types commands, and keeps what
the assistant said last: the replies, their text, and the open question (the last
reply that carries a question number). Buttons are pressed with the open
question's number unless a test passes another one (a stale or forged press).

The rule cases (``tests/rules/cases/*.yaml``) are loaded here too, so the same
fixture set drives the rules tests and the dialog tests.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dialogs.render import Rendered
from dialogs.assistant import Assistant
from dialogs.types import Button, Command, Input, Text
from locales import translator

DEFAULT_TODAY = dt.date(2016, 10, 15)
CASES_DIR = Path(__file__).resolve().parents[1] / "rules" / "cases"

_update_ids = itertools.count(1_000_000)
RAW_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")  # a msgid shown as is: not in the catalog


@dataclass
class Person:
    """One person (``user_key``) in conversation with ``assistant``."""

    assistant: Assistant
    key: str = "tg:1001"
    replies: list[Rendered] = field(default_factory=list)
    question: Rendered | None = None
    transcript: list[str] = field(default_factory=list)

    async def send(self, inp: Input, *, update_id: int | None = None,
                   language_hint: str | None = None) -> list[Rendered]:
        """Sends one input; remembers the replies and the open question."""
        self.transcript.append(f"> {inp!r}")
        self.replies = await self.assistant.handle(self.key, inp, update_id=update_id,
                                                   language_hint=language_hint)
        for r in self.replies:
            self.transcript.append(r.text)
            untranslated = [x for x in (*r.text.splitlines(), *(label for _, label in r.choices))
                            if RAW_ID.match(x.strip())]
            assert not untranslated, f"untranslated message ids shown: {untranslated}"
        asked = [r for r in self.replies if r.seq is not None]
        if asked:
            self.question = asked[-1]
        return self.replies

    async def say(self, text: str, **kw: Any) -> list[Rendered]:
        """Types ``text``."""
        return await self.send(Text(text), **kw)

    async def press(self, value: str, seq: int | None | str = "current", **kw: Any) -> list[Rendered]:
        """Presses the button ``value`` of the open question (or of question ``seq``)."""
        if seq == "current":
            assert self.question is not None, "no question is open: nothing to press"
            seq = self.question.seq
        return await self.send(Button(value, seq), **kw)

    async def command(self, name: str, arg: str = "", **kw: Any) -> list[Rendered]:
        """Types /name arg."""
        return await self.send(Command(name, arg), **kw)

    @property
    def text(self) -> str:
        """Everything the assistant said in its last answer."""
        return "\n".join(r.text for r in self.replies)

    @property
    def asks(self) -> str | None:
        """The fact the open question asks (None at a menu or a result)."""
        return self.question.asks if self.question else None

    @property
    def buttons(self) -> list[str]:
        """The values of the open question's buttons."""
        return [v for v, _ in self.question.choices] if self.question else []

    def label(self, value: str) -> str:
        """The label of the open question's button ``value``."""
        assert self.question is not None
        return dict(self.question.choices)[value]

    async def state(self) -> dict[str, Any]:
        """The session state as stored in the database (decrypted)."""
        async with self.assistant.db.transaction() as tx:
            session = await tx.sessions.load(self.key)
        return session.state if session else {}

    async def answers(self) -> dict[str, Any]:
        """The screening answers as stored."""
        return (await self.state())["flows"]["screening"]["answers"]

    async def answer(self, value: Any) -> list[Rendered]:
        """Answers the open question plainly: a button for yes/no and choices, else typed."""
        assert self.question is not None and self.question.asks, f"no question is open:\n{self.story()}"
        if isinstance(value, bool):
            return await self.press("yes" if value else "no")
        buttons = [v for v, _ in self.question.choices]
        if self.question.expects in ("choice", "locality") and value in buttons:
            return await self.press(value)
        return await self.say(str(value))

    async def one_by_one(self, **kw: Any) -> list[Rendered]:
        """At a question group ("are all of these true?"): "not all", so that its facts
        are asked one by one (what a test of single questions needs)."""
        assert self.asks and self.asks.startswith("group:"), f"no question group is open:\n{self.story()}"
        from rules import load_edition

        group = load_edition().question_groups[self.asks.removeprefix("group:")]
        return await self.press(group.one_by_one, **kw)

    async def answer_group(self, profile: dict[str, Any], *, one_by_one: bool = False) -> str:
        """Answers an open question group from ``profile`` (or asks for its facts one by one)."""
        from rules import load_edition

        name = self.asks.removeprefix("group:")
        answer = load_edition().question_groups[name].one_by_one if one_by_one else group_answer(name, profile)
        await self.press(answer)
        return answer

    async def answer_until(self, profile: dict[str, Any], stop: str | None = None) -> list[str]:
        """Answers from ``profile`` until ``stop`` is asked (or the result); returns the facts asked
        (a question group as ``group:<name>``; it is answered one by one when ``stop`` is in it)."""
        asked = []
        while self.asks is not None and self.asks != stop:
            fact = self.asks
            if fact.startswith("consent:"):  # the person agrees (tests of refusal press ok:no)
                await self.press("ok:yes")
                continue
            asked.append(fact)
            if fact.startswith("group:"):
                await self.answer_group(profile, one_by_one=stop in group_facts(fact))
                continue
            assert fact in profile, f"asked {fact!r}, not in the profile:\n{self.story()}"
            await self.answer(profile[fact])
            assert len(asked) < 40, f"the screening does not end:\n{self.story()}"
        if stop is not None:
            assert self.asks == stop, f"{stop!r} was never asked (asked {asked}):\n{self.story()}"
        return asked

    def story(self, last: int = 30) -> str:
        """The end of the conversation, for failure messages."""
        return "\n".join(self.transcript[-last:])


def group_facts(asks: str) -> list[str]:
    """The facts of the question group ``group:<name>``."""
    from rules import load_edition

    return load_edition().question_groups[asks.removeprefix("group:")].facts


def group_answer(name: str, profile: dict[str, Any]) -> str:
    """The button a person with ``profile`` presses at question group ``name`` (a yes/no
    the case spells in words, such as 是, read as the rules read it)."""
    from rules import load_edition
    from rules.parse import parse_yes_no

    group = load_edition().question_groups[name]
    return group.answer_of({f: parse_yes_no(v) if isinstance(v, str) else v
                            for f, v in profile.items() if f in group.facts})


def edition_params(lang: str) -> dict[str, str]:
    """The edition's names and limits that sentences take as parameters."""
    from rules import load_edition

    ed = load_edition()
    return {"documents": ed.documents.get(lang), "limit": ed.exclusions.homes_owned_at_least}


def msg(msgid: str, lang: str = "zh_CN", **params: Any) -> str:
    """A catalog sentence, to compare with what the assistant said (the edition's
    document names filled in where the sentence names them)."""
    t = translator(lang)
    named = {k: v for k, v in edition_params(lang).items() if "{" + k + "}" in t.gettext(msgid)}
    if params:
        return t(msgid, **(named | params))
    text = t.gettext(msgid)  # other placeholders stay as they are (tests compare the fixed part)
    for k, v in named.items():
        text = text.replace("{" + k + "}", t.value(v))
    return text


def msg_head(msgid: str, lang: str = "zh_CN") -> str:
    """The fixed text of a message before its first placeholder."""
    return translator(lang).gettext(msgid).split("{")[0]


def next_update_id() -> int:
    """A fresh Telegram-like update id."""
    return next(_update_ids)


# A complete urban household of 3 in Nanchang city, 25,200 a year (700.00 a month
# per person, within 765.00), with a major illness: eligible, primary 低保边缘户.
WORKER = {
    "union_member": True, "labor_relation": True, "wage_earner_head": True, "filed_elsewhere": False,
    "homes_owned": 1, "owns_business": False, "child_private_or_abroad": False,
    "operates_vehicles": False, "hukou": "urban", "birth_date": "1975-06-01", "sex": "male",
    "cadre": False, "dibao_certificate": False, "major_illness": True, "disease_paralysis": False,
    "child_education_hardship": False, "disaster": False, "residence": "nanchang-city",
    "household_size": 3, "household_annual_income": "25200", "workplace": "nanchang-city",
    "medical_out_of_pocket": "3000", "disaster_costs": "0",
}


# ---- the rule cases -------------------------------------------------------------

def load_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case of every file under tests/rules/cases, as (file stem, case)."""
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        cases += [(path.stem, case) for case in data if isinstance(case, dict)]
    return cases


def case_today(case: dict[str, Any]) -> dt.date:
    """The case's ``today`` (2016-10-15 unless it says otherwise)."""
    today = case.get("today", DEFAULT_TODAY)
    return today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today))


def plain_facts(case: dict[str, Any]) -> dict[str, Any]:
    """The case's facts as JSON-like values (YAML dates as ISO strings, nulls dropped)."""
    out = {}
    for k, v in (case.get("facts") or {}).items():
        if v is None:
            continue
        out[k] = v.isoformat() if isinstance(v, dt.date) else v
    return out


def progress(text: str, lang: str = "zh_CN") -> int | None:
    """N of "about N questions left" in ``text`` (None when it is not shown)."""
    t = translator(lang)
    for msgid in ("progress.left", "progress.left.one"):  # the plural forms of the language
        pattern = re.escape(t.gettext(msgid)).replace(re.escape("{n}"), r"([\d,]+)")
        if m := re.search(pattern, text):
            return int(m.group(1).replace(",", ""))
    return None


# ---- checklists as shown ----------------------------------------------------------

def checklist_block(text: str, lang: str) -> list[str]:
    """The lines of the checklist shown in ``text``: title, items, copies rule."""
    from rules import load_edition

    rule = load_edition().materials.copies_rule
    copies = rule.zh_CN if lang.startswith("zh") else rule.en
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("📋")), None)
    assert start is not None, f"no checklist in:\n{text}"
    end = next(i for i, line in enumerate(lines) if i > start and copies in line)
    return lines[start:end + 1]


def assert_checklist(text: str, expected: Any, lang: str, where: str = "") -> list[str]:
    """The checklist in ``text`` is ``expected`` (a rules.Checklist): the same items in
    the same order, conditional ones saying when they apply, the copies rule last."""
    from rules import load_edition

    ed = load_edition()
    block = checklist_block(text, lang)
    title, items = block[0], block[1:-1]
    rule = ed.materials.copies_rule
    copies = rule.zh_CN if lang.startswith("zh") else rule.en
    assert block[-1] == msg("materials.copies", lang, text=copies), f"{where}: the list must end with the copies rule"
    assert ed.category_names[expected.category].get(lang) in title, f"{where}: title {title!r}"
    assert ed.worker_types[expected.worker_type].get(lang) in title, f"{where}: title {title!r}"
    assert expected.reference in title, f"{where}: title {title!r} lacks the clause"
    shown = "\n".join(items)
    assert len(items) == len(expected.items), (
        f"{where}: {len(items)} items shown, rules.checklist has {len(expected.items)} "
        f"({[i.key for i in expected.items]}):\n{shown}")
    for n, (line, item) in enumerate(zip(items, expected.items, strict=True), 1):
        text, condition = item.text(ed, lang), item.condition(ed, lang)
        if item.status == "conditional":  # says when it applies
            want = msg("materials.item_if", lang, n=n, text=text, condition=condition)
        else:
            want = msg("materials.item", lang, n=n, text=text)
        assert line == want, f"{where}: item {n} should be {item.key} ({item.status}):\n{line!r}\n{want!r}"
    return items
