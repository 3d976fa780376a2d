"""The user's side of a screening over the fake Telegram server.

A :class:`ScriptedUser` reads each question the bot sends, recognises the fact it
asks by the question's text (the catalog's ``ask.<fact>`` sentence in the user's
language), and answers it from a profile (raw facts, as ``python -m rules screen``
reads them), by pressing the button or by typing. :func:`expected` replays the
rules step by step (``missing[0]`` is the next question) to know which questions a
profile must get, and :func:`check_result` compares a finished screening with it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from locales import translator
from rules import checklist, facts_for, load_edition, screen
from rules.parse import parse_yes_no

from dialogs.consent import SENSITIVE_FACTS
from dialogs.consent import VERSION as CONSENT_VERSION

from .fake_telegram import FakeUser, Message

ED = load_edition()
TIMEOUT = 15.0
TYPED_BOOL = {"zh_CN": ("是", "否"), "en": ("yes", "no")}


def t(lang: str, msgid: str, **params: Any) -> str:
    """A catalog sentence in ``lang`` (the edition's document names filled in)."""
    if "{documents}" in translator(lang).gettext(msgid):
        params = {"documents": ED.documents.get(lang)} | params
    return translator(lang)(msgid, **params)


QUESTIONS = {lang: {fact: t(lang, f"ask.{fact}") for fact in ED.facts}
             | {f"group:{name}": t(lang, f"group.{name}.ask") for name in ED.question_groups}
             | {"consent:screening": t(lang, "consent.text.screening", version=CONSENT_VERSION)}
             for lang in ("zh_CN", "en")}


def group_answer(profile: dict[str, Any], asks: str) -> str:
    """The answer a person with ``profile`` gives to the question group ``group:<name>``."""
    group = ED.question_groups[asks.removeprefix("group:")]
    return group.answer_of({f: parse_yes_no(v) if isinstance(v, str) else v
                            for f, v in profile.items() if f in group.facts})


CHOSEN = "➡️ "  # the first line of the message after a pressed answer: the answer chosen


def body(msg: Message) -> str:
    """A bot message's text without the line recalling the answer chosen before it."""
    text = msg.text or ""
    return text.split("\n", 1)[1] if text.startswith(CHOSEN) and "\n" in text else text


def chosen(msg: Message) -> str | None:
    """The answer a message recalls on its first line ("➡️ 是"), or None."""
    text = msg.text or ""
    return text.split("\n", 1)[0][len(CHOSEN):] if text.startswith(CHOSEN) else None


def fact_asked(msg: Message, lang: str) -> str | None:
    """The fact a bot message asks (by its first sentence, which may follow a note line:
    what an ID number said, a consent recorded), or None."""
    text = "\n" + body(msg)
    hits = [f for f, q in QUESTIONS[lang].items() if "\n" + q in text]
    return max(hits, key=lambda f: len(QUESTIONS[lang][f]), default=None)


def prefaced(msg: Message, lang: str) -> bool:
    """Whether a question's message starts with other replies joined before it (the
    introduction, an error, a notice: a blank line between them and the question)."""
    fact, text = fact_asked(msg, lang), body(msg)
    return fact is not None and not text.startswith(QUESTIONS[lang][fact]) and "\n\n" + QUESTIONS[lang][fact] in text


def answer_of(profile: dict[str, Any], fact: str) -> tuple[str, Any]:
    """(fact answered, value): the birth-date question takes the ID number if there is one;
    a question group is answered for all its facts, or "not all" / "some"."""
    if fact.startswith("group:"):
        return fact, group_answer(profile, fact)
    if fact.startswith("consent:"):  # the scripted person agrees
        return fact, "yes"
    if fact == "birth_date" and "id_number" in profile:
        return "id_number", profile["id_number"]
    if fact not in profile:
        raise KeyError(f"the profile has no answer for {fact!r}")
    return fact, profile[fact]


@dataclass
class Expected:
    asked: list[str]
    decision: dict[str, Any]
    answers: dict[str, Any]


def expected(profile: dict[str, Any], today: dt.date | None) -> Expected:
    """The questions the rules ask for ``profile``, in order, and the decision."""
    answers: dict[str, Any] = {}
    asked: list[str] = []
    declined: set[str] = set()
    while True:
        decision = screen(answers, today=today)
        if decision["decided"]:
            return Expected(asked, decision, answers)
        fact = decision["missing"][0]
        group = next((name for name, g in ED.question_groups.items() if g.facts[0] == fact
                      and name not in declined and not any(f in answers for f in g.facts)), None)
        if fact in SENSITIVE_FACTS and "consent:screening" not in asked:  # consent first
            asked.append("consent:screening")
        if group:  # the dialog asks the group's facts as one question
            asked.append(f"group:{group}")
            setting = ED.question_groups[group].setting(group_answer(profile, f"group:{group}"))
            if setting is not None:  # the profile's own spelling where it states the fact
                answers |= {f: profile.get(f, v) for f, v in setting.items()}
            else:
                declined.add(group)
            continue
        asked.append(fact)
        key, value = answer_of(profile, fact)
        answers[key] = value
        assert len(asked) < 40, "the rules keep asking"


def button_label(fact: str, value: Any, lang: str) -> str | None:
    """The label of the button that answers ``fact`` with ``value`` (None: typed only)."""
    if fact.startswith("group:"):
        name = fact.removeprefix("group:")
        return t(lang, f"fact.{value}" if value in ED.question_groups[name].facts else f"group.{name}.{value}")
    if fact.startswith("consent:"):
        return t(lang, "btn.consent_agree")
    kind = ED.facts[fact].kind
    if kind == "bool":
        return t(lang, "ans.yes" if value else "ans.no")
    if kind == "choice":
        return t(lang, f"choice.{fact}.{value}")
    if kind == "locality":
        if value == "other":
            return t(lang, "choice.locality.other")
        return ED.localities.items[value].name.get(lang)
    if kind == "count":
        limit = ED.exclusions.homes_owned_at_least
        return t(lang, "choice.count.plus", n=limit) if int(value) >= limit else t(lang, f"choice.count.{value}")
    return None


def typed(fact: str, value: Any, lang: str) -> str:
    """What a user types to answer ``fact`` with ``value`` (yes/no to a question group)."""
    if fact.startswith("group:"):
        group = ED.question_groups[fact.removeprefix("group:")]
        if value in group.facts:  # "which one applies?": the one's own label
            return t(lang, f"fact.{value}")
        return TYPED_BOOL[lang][0 if value in ("all", "some", "several") else 1]
    if fact.startswith("consent:"):
        return TYPED_BOOL[lang][0]
    kind = ED.facts[fact].kind
    if kind == "bool":
        return TYPED_BOOL[lang][0 if value else 1]
    if kind in ("choice", "locality"):
        return button_label(fact, value, lang) or str(value)
    return str(value)


@dataclass
class ScriptedUser:
    """A fake Telegram user who answers every question from ``profile``.

    ``how``: "buttons" (press whenever there is a button), "typed" (type everything),
    or "mixed" (press and type in turn); anything else types (see :meth:`burst`)."""

    user: FakeUser
    lang: str
    profile: dict[str, Any]
    how: str = "mixed"
    asked: list[str] = field(default_factory=list)      # the questions answered, in order
    questions: list[Message] = field(default_factory=list)
    pressed: list[bool] = field(default_factory=list)     # per question: button (True) or typed
    other: list[Message] = field(default_factory=list)   # intro, errors, notes (and questions they preface)
    result: list[Message] = field(default_factory=list)  # headline ... next steps
    pending: Message | None = None                        # read, not yet answered

    async def start(self, command: str = "/start screen") -> None:
        await self.user.send(command)

    async def read_question(self, timeout: float = TIMEOUT) -> Message | None:
        """Reads bot messages until a question (returned) or the end of the result (None)."""
        if self.pending is not None:
            return self.pending
        while True:
            msg = await self.user.next_message(timeout)
            if fact_asked(msg, self.lang):
                if prefaced(msg, self.lang):  # the introduction, an error... in the question's message
                    self.other.append(msg)
                self.pending = msg
                return msg
            if self.result or self._is_headline(msg):
                self.result.append(msg)
                if self._is_last(msg):
                    return None
            else:
                self.other.append(msg)

    async def answer(self, msg: Message) -> None:
        """Answers the question ``msg`` from the profile (button or typed)."""
        fact = fact_asked(msg, self.lang)
        assert fact, f"not a question: {msg.text!r}"
        key, value = answer_of(self.profile, fact)
        label = button_label(key, value, self.lang) if key == fact else None
        press = label is not None and (self.how == "buttons"
                                       or (self.how == "mixed" and len(self.asked) % 2 == 0))
        self.asked.append(fact)
        self.questions.append(msg)
        self.pressed.append(press)
        self.pending = None
        if press:
            await self.user.press(msg, label)
        else:
            await self.user.send(typed(key, value, self.lang))

    async def answer_questions(self, n: int | None = None, timeout: float = TIMEOUT) -> bool:
        """Answers the next ``n`` questions (all when None); True once the result is in."""
        done = 0
        while n is None or done < n:
            msg = await self.read_question(timeout)
            if msg is None:
                return True
            await self.answer(msg)
            done += 1
        return False

    async def finish(self, timeout: float = TIMEOUT) -> None:
        """Answers every remaining question and reads the result."""
        assert await self.answer_questions(None, timeout)

    async def burst(self, today: dt.date | None, timeout: float = TIMEOUT) -> None:
        """Starts and types every answer at once, without waiting for the questions (a
        user who knows them by heart, or a slow network delivering a backlog); then
        reads the questions and the result as they come."""
        await self.start()
        for fact in expected(self.profile, today).asked:
            key, value = answer_of(self.profile, fact)
            await self.user.send(typed(key, value, self.lang))
        while (msg := await self.read_question(timeout)) is not None:
            self.asked.append(fact_asked(msg, self.lang))
            self.questions.append(msg)
            self.pressed.append(False)
            self.pending = None

    def _is_headline(self, msg: Message) -> bool:
        return any(body(msg).startswith(t(self.lang, m))
                   for m in ("result.eligible", "result.not_eligible", "result.undecided"))

    def _is_last(self, msg: Message) -> bool:
        return t(self.lang, "btn.restart") in [label for row in msg.buttons for label, _ in row]


def check_result(s: ScriptedUser, today: dt.date | None) -> Expected:
    """The screening asked exactly the profile's questions, once each, and its result
    (headline, clause-by-clause reasons, checklist) is the profile's own."""
    exp = expected(s.profile, today)
    assert s.asked == exp.asked, f"user {s.user.id}: asked {s.asked}, expected {exp.asked}"
    d, lang = exp.decision, s.lang
    headline = body(s.result[0])
    want = {True: "result.eligible", False: "result.not_eligible", None: "result.undecided"}[d["eligible"]]
    assert headline.startswith(t(lang, want)), f"user {s.user.id}: {headline[:80]!r} is not {want}"
    settled = [r for r in d["reasons"] if r["outcome"] in ("pass", "fail")]
    marks = [line for line in headline.splitlines()
             if line.startswith((t(lang, "mark.pass"), t(lang, "mark.fail")))]
    assert len(marks) == len(settled), f"user {s.user.id}: {len(marks)} reasons shown, {len(settled)} settled"
    for reason, line in zip(settled, marks):
        assert reason["clause"] in line
        assert line.startswith(t(lang, f"mark.{reason['outcome']}"))
    if d["primary"]:
        assert d["primary"] in d["categories"]
        assert ED.category_names[d["primary"]].get(lang) in headline
        facts = facts_for(exp.answers, edition=ED, today=today)
        cl = checklist(facts, d["primary"], None, ED)
        lists = checklists(s.result)  # in the result's one message
        assert len(lists) == 1, f"user {s.user.id}: {len(lists)} checklists"
        assert ED.category_names[d["primary"]].get(lang) in lists[0]
        for item in cl.items:
            assert item.text(ED, lang) in lists[0]
        rule = ED.materials.copies_rule
        assert (rule.zh_CN if lang == "zh_CN" else rule.en) in lists[0]
    else:
        assert not checklists(s.result)
    return exp


def checklists(messages: list[Message]) -> list[str]:
    """The checklists in the messages: each from its 📋 line to the next one (or the end)."""
    return [part for m in messages for part in ("\n" + (m.text or "")).split("\n📋")[1:]]


def transcript_questions(user: FakeUser, lang: str) -> list[str]:
    """Every question the bot sent to ``user`` (to spot duplicates and gaps)."""
    return [f for m in user.messages if (f := fact_asked(m, lang))]


async def settle(tg, quiet: float = 0.5, timeout: float = 20.0) -> None:
    """Waits until the bot has nothing left to do."""
    await tg.wait_idle(quiet=quiet, timeout=timeout)
    await asyncio.sleep(0)
