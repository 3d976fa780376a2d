"""No input crashes a channel's parser or a prompt: the terminal's line parser, the
Telegram callback decoder and every kind of question, fuzzed with hypothesis
(digits Python counts as digits but int() refuses, huge numbers, control characters...)."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.console import parse_line
from bot.keyboards import decode
from dialogs.assistant import Assistant
from dialogs.render import Shown
from dialogs.types import Button, Command, Text
from storage import Database, DataCipher

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogs"))
from harness import DEFAULT_TODAY, WORKER, Person  # noqa: E402

NASTY = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["①", "²", "٣", "1" * 5000, "#²", "1.²", "-1", "0", "99999", "\x00", "\u202e12", "1\u200b2",
                     "/", "/ ", "/back\x00", "/lang ²", "#" * 40, " " * 10, "\n"]),
    st.from_regex(r"[0-9٠-٩①-⑨²³]{1,8}", fullmatch=True),
)
BUTTONS = (Shown("是"), Shown("否"), Shown("为什么", nav=True, command="why"))
KINDS = [None, "choice", "bool", "count", "size", "money", "date", "id", "locality"]


@settings(max_examples=400, deadline=None)
@given(NASTY, st.sampled_from(KINDS), st.integers(min_value=-3, max_value=10**6))
def test_the_terminal_line_parser_never_fails(line: str, expects: str | None, seq: int) -> None:
    parsed = parse_line(line, BUTTONS, seq, expects)
    assert parsed is None or isinstance(parsed, Text | Command | Button)
    if isinstance(parsed, Button):  # a number becomes a press only of an offered button
        position = int(parsed.value[1:])
        assert 0 <= position < len(BUTTONS) and parsed.seq == seq


@settings(max_examples=400, deadline=None)
@given(st.one_of(NASTY, st.none(), st.from_regex(r"[0-9²①]{0,12}\.[0-9²①٣]{0,12}", fullmatch=True)))
def test_the_callback_decoder_never_fails(data: str | None) -> None:
    button = decode(data)
    assert isinstance(button, Button)
    if button.seq != -1:
        assert button.value[1:].isascii() and button.value[1:].isdigit()


# A profile that reaches a question of each kind: (fact to stop at, its kind).
STOPS = [("union_member", "bool"), ("homes_owned", "count"), ("hukou", "choice"), ("birth_date", "date"),
         ("residence", "locality"), ("household_size", "size"), ("household_annual_income", "money")]


def test_every_kind_of_question_answers_any_input(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    db = loop.run_until_complete(Database.open(tmp_path / "fuzz.sqlite3", DataCipher(os.urandom(32)),
                                               synchronous="NORMAL"))
    assistant = Assistant(db, today=lambda: DEFAULT_TODAY)
    try:
        for n, (stop, _kind) in enumerate(STOPS):
            person = Person(assistant, f"tg:{9000 + n}")
            loop.run_until_complete(person.command("screen"))
            loop.run_until_complete(person.answer_until(WORKER, stop=stop))
            fuzz_one_question(loop, person, stop)
    finally:
        loop.run_until_complete(db.close())
        loop.close()


def fuzz_one_question(loop: asyncio.AbstractEventLoop, person: Person, stop: str) -> None:
    """Any text at the question ``stop``: an answer every time, never a crash, and the
    conversation still at that question (after /back when the text was a valid answer)."""

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(NASTY)
    def answer(text: str) -> None:
        replies = loop.run_until_complete(person.send(Text(text)))
        assert replies, "every input gets an answer"
        if "ok:no" in person.buttons:  # an odd answer (a worker under 16) questioned: it is wrong
            loop.run_until_complete(person.press("ok:no"))
        if person.asks != stop:  # a valid answer moved on: go back to the same question
            loop.run_until_complete(person.command("back"))
        assert person.asks == stop, person.story()

    answer()
