"""Dialog replies as Telegram messages: HTML-escaped text, inline keyboards, and
short callback data that names the question (``seq``) and the choice."""
from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs.render import Rendered
from dialogs.types import Button

MAX_ROW_CHARS = 24  # answer buttons share a row while their labels are this short


def encode(seq: int | None, value: str) -> str:
    """Callback data: ``<seq>|<value>`` (Telegram allows 64 bytes)."""
    return f"{seq}|{value}"[:64]


def decode(data: str | None) -> Button:
    """A pressed button; malformed (forged) data becomes a button of no question."""
    seq, sep, value = (data or "").partition("|")
    if not sep or not seq.isdigit():
        return Button("", -1)
    return Button(value, int(seq))


def keyboard(reply: Rendered) -> InlineKeyboardMarkup | None:
    """Answer buttons first (short ones side by side), navigation on the last row."""
    if not reply.choices:
        return None
    answers = [c for c in reply.choices if not c[0].startswith("nav:")]
    nav = [c for c in reply.choices if c[0].startswith("nav:")]
    rows: list[list[InlineKeyboardButton]] = []
    short = sum(len(label) for _, label in answers) <= MAX_ROW_CHARS and len(answers) <= 4
    for value, label in answers:
        button = InlineKeyboardButton(label, callback_data=encode(reply.seq, value))
        if short and rows:
            rows[-1].append(button)
        else:
            rows.append([button])
    if nav:
        rows.append([InlineKeyboardButton(label, callback_data=encode(reply.seq, value)) for value, label in nav])
    return InlineKeyboardMarkup(rows)


def html_text(reply: Rendered) -> str:
    """The reply's text for HTML parse mode: everything escaped (the catalogs hold no markup)."""
    return html.escape(reply.text, quote=False)


def chosen_label(markup: InlineKeyboardMarkup | None, data: str | None) -> str | None:
    """The label of the pressed button, read back from the message's keyboard."""
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
