"""What a Telegram update says: a choice's number typed on Telegram is a press, except
where the question is answered by typing digits (the same kinds as the terminal's)."""
from __future__ import annotations

from telegram import Message, Update, User
from telegram.constants import ChatType
from telegram import Chat

from bot.telegram_input import OpenQuestion, to_input
from dialogs.render import TYPED_NUMBERS
from dialogs.types import Text, pressed


def typed(text: str) -> Update:
    chat = Chat(7, ChatType.PRIVATE)
    return Update(1, message=Message(1, None, chat, from_user=User(7, "a", False), text=text))


def question(expects: str | None) -> OpenQuestion:
    return OpenQuestion(seq=4, answers=((0, "跳过"), (1, "是")), expects=expects, message_id=9, has_keyboard=True)


def test_a_typed_number_presses_a_choice_only_where_digits_are_not_the_answer() -> None:
    assert to_input(typed("2"), question("choice")) == pressed(4, 1)
    for kind in sorted(TYPED_NUMBERS):  # a one-digit postcode or month count is the answer, not "skip"
        assert to_input(typed("1"), question(kind)) == Text("1"), kind
    assert {"months", "mobile", "bank_card", "postcode"} <= TYPED_NUMBERS  # the form's, as in the terminal
