"""A choice's number typed the way a phone's Chinese keyboard types it (full-width "２")
picks that choice, in the terminal and on Telegram, as "2" does; digit-like symbols
(② ² ٢) never do, and where digits are the answer they stay the answer."""
from __future__ import annotations

import pytest
from telegram import Chat, Message, Update, User
from telegram.constants import ChatType

from bot.console import parse_line
from bot.telegram_input import OpenQuestion, to_input
from dialogs.render import Shown
from dialogs.types import Text, choice_number, pressed

CHOICES = (Shown("是"), Shown("否"), Shown("不知道"))


def typed(text: str) -> Update:
    chat = Chat(7, ChatType.PRIVATE)
    return Update(1, message=Message(1, None, chat, from_user=User(7, "a", False), text=text))


def question(expects: str | None) -> OpenQuestion:
    return OpenQuestion(seq=4, answers=((0, "是"), (1, "否"), (2, "不知道")), expects=expects, message_id=9,
                        has_keyboard=True)


@pytest.mark.parametrize("line, position", [("2", 1), ("２", 1), (" ３ ", 2), ("１", 0), ("002", 1)])
def test_a_number_or_a_full_width_number_picks_the_choice(line: str, position: int) -> None:
    assert choice_number(line, len(CHOICES)) == position
    assert parse_line(line, CHOICES, 8, "choice") == pressed(8, position)
    assert to_input(typed(line), question("choice")) == (pressed(4, position) if len(line.strip()) <= 2
                                                          else Text(line))


@pytest.mark.parametrize("line", ["②", "²", "٢", "۲", "0", "４", "1.", "一", "-1", "", "　"])
def test_symbols_other_scripts_and_numbers_out_of_range_are_typed_text(line: str) -> None:
    assert choice_number(line, len(CHOICES)) is None
    assert parse_line(line, CHOICES, 8, "choice") == Text(line)
    assert to_input(typed(line or " "), question("choice")) == Text(line or " ")


def test_where_digits_are_the_answer_a_full_width_number_stays_the_answer() -> None:
    assert parse_line("２", CHOICES, 8, "money") == Text("２")
    assert parse_line("＃２", CHOICES, 8, "money") == pressed(8, 1)  # a choice there is #<n>, ＃ as typed in Chinese
    assert to_input(typed("２"), question("money")) == Text("２")
