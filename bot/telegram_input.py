"""What a Telegram update says: the dialog input it is (a command, typed text, a button
press, or a choice's number typed for a question answered by pressing) and the language
a first contact starts in. The adapter (bot/telegram_app.py) turns replies into calls."""
from __future__ import annotations

from typing import NamedTuple

from telegram import Update

from dialogs.render import TYPED_NUMBERS
from dialogs.types import Command, Input, Text, choice_number, pressed

from bot.keyboards import decode

class OpenQuestion(NamedTuple):
    """The last question sent to a chat: its number, answer labels, input kind, message."""

    seq: int | None
    answers: tuple[tuple[int, str], ...]  # (button position, label) of the answer buttons
    expects: str | None
    message_id: int
    has_keyboard: bool
    asks: str | None = None  # the fact asked (an answer to it is recalled on the next message)


def to_input(update: Update, open_q: OpenQuestion | None = None) -> Input | None:
    """A private message or button press as a dialog input (None: not text, e.g. a sticker).
    A choice's number ("1") typed for a question that is not answered by typing is a press."""
    if update.callback_query:
        return decode(update.callback_query.data)
    msg = update.message
    if msg is None or msg.text is None:
        return None
    if msg.text.startswith("/"):
        head, _, arg = msg.text[1:].partition(" ")
        return Command(head.split("@", 1)[0], arg)
    if open_q and open_q.expects not in TYPED_NUMBERS \
            and (position := choice_number(msg.text, len(open_q.answers), digits=2)) is not None:
        return pressed(open_q.seq, open_q.answers[position][0])
    return Text(msg.text)


def language_hint(code: str | None) -> str | None:
    """The language to start in: Chinese for any zh, English for en and every other language."""
    if not code:
        return None
    return code if code.lower().startswith(("zh", "en")) else "en"


def language_note(code: str | None) -> str | None:
    """The catalog note for a first contact whose language is not offered as such."""
    low = (code or "").lower().replace("_", "-")
    if not low or low.startswith("en"):
        return None
    if low.startswith("zh"):
        return "bot.note_traditional_chinese" if any(t in low for t in ("tw", "hk", "mo", "hant")) else None
    return "bot.note_other_language"
