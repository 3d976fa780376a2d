"""Dialog replies as Telegram messages: HTML-escaped text, inline keyboards, short,
opaque callback data (the question number, ``seq``, and the choice's position), and
a step's replies joined into one message where they fit (each message is one call
against Telegram's ~30 messages/s; a note or preface goes into the question after it)."""
from __future__ import annotations

import html
import re
from typing import NamedTuple

from telegram import InlineKeyboardMarkup

from dialogs.render import Rendered
from dialogs.types import Button, pressed

MAX_ROW_CHARS = 24  # answer buttons share a row while their labels are this short
MAX_TEXT = 4096  # Telegram's limit on a message's text


def encode(seq: int | None, index: int, nav: bool = False) -> str:
    """Opaque callback data: the question number and the choice's position, ``<seq>.<i>``
    (``<seq>:<i>`` for navigation: why, back..., so that it is not shown as an answer).
    The value behind it stays on the server, so forged data can only point at a choice
    that was offered."""
    return f"{seq}{':' if nav else '.'}{index}"


def is_nav(data: str | None) -> bool:
    """Whether callback data is a navigation button's."""
    return ":" in (data or "")


def decode(data: str | None) -> Button:
    """A pressed button as ``#<i>`` of question ``seq``; malformed data matches no question."""
    seq, sep, index = (data or "").partition(":" if is_nav(data) else ".")
    if not sep or len(data or "") > 16 or not _ascii_number(seq) or not _ascii_number(index):
        return Button("", -1)
    return pressed(int(seq), int(index))


def _ascii_number(s: str) -> bool:
    """Plain ASCII digits only (``"²".isdigit()`` is true, but int() refuses it)."""
    return s.isascii() and s.isdigit()


def keyboard(reply: Rendered) -> dict | None:
    """The reply's inline keyboard as the Bot API's JSON (``reply_markup``): answer buttons
    first (short ones side by side), navigation on the last row. Plain data rather than
    PTB's InlineKeyboardMarkup: building and serialising those objects for every message
    cost more than the rest of the send (docs/benchmarks.md, fourth round)."""
    if not reply.buttons:
        return None
    numbered = list(enumerate(reply.buttons))
    answers = [(i, b.label) for i, b in numbered if not b.nav]
    nav = [(i, b.label) for i, b in numbered if b.nav]
    rows: list[list[dict[str, str]]] = []
    short = sum(len(label) for _, label in answers) <= MAX_ROW_CHARS and len(answers) <= 4
    for i, label in answers:
        button = {"text": label, "callback_data": encode(reply.seq, i)}
        if short and rows:
            rows[-1].append(button)
        else:
            rows.append([button])
    if nav:
        rows.append([{"text": label, "callback_data": encode(reply.seq, i, nav=True)} for i, label in nav])
    return {"inline_keyboard": rows}


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


class Message(NamedTuple):
    """One Telegram message: its HTML text, the reply whose keyboard, document and
    protection it carries (the last one joined), and how many replies it holds (0: the
    head alone, too long to go with the first reply)."""

    text: str
    reply: Rendered
    replies: int


def messages(replies: list[Rendered], head: str = "", limit: int = MAX_TEXT) -> list[Message]:
    """The step's replies as messages: each reply is joined to the one before it (a
    blank line between; the keyboard is the last one's, so a note or a preface goes
    into the question after it) while the text stays within ``limit`` (as Telegram counts:
    :func:`telegram_length`), unless the one
    before has buttons, asks or carries a file, or the two are protected differently.
    ``head`` starts the first message (notes, the answer chosen). A step is one message
    unless its text is over ``limit``, a file is sent, or protection differs."""
    out: list[Message] = []
    if head and replies and telegram_length(head + html_text(replies[0])) > limit:
        out.append(Message(head.rstrip("\n"), Rendered("", (), None, None), 0))  # the head alone: no reply in it
        head = ""
    for reply in replies:
        text = html_text(reply)
        if out and out[-1].replies and _joinable(out[-1].reply, reply) \
                and telegram_length(out[-1].text) + 2 + telegram_length(text) <= limit:
            out[-1] = Message(f"{out[-1].text}\n\n{text}", reply, out[-1].replies + 1)
        else:
            out.append(Message(text if out else head + text, reply, 1))
    return out


_TAG = re.compile("<[^>]*>")


def telegram_length(html_message: str) -> int:
    """A message's length as Telegram limits it: in UTF-16 code units of the text once
    its HTML is parsed (tags count nothing, ``&lt;`` one; an emoji or a rare CJK
    character outside the BMP, such as 𠮷, two)."""
    return len(html.unescape(_TAG.sub("", html_message)).encode("utf-16-le")) // 2


def _joinable(before: Rendered, after: Rendered) -> bool:
    """Whether ``after`` may share ``before``'s message: ``before`` has no buttons, asks
    nothing and carries no file (its message ends with it), and both are protected alike
    (content protection covers a whole message: a protected reply is never joined with an
    unprotected one)."""
    return not (before.buttons or before.expects or before.asks or before.document) and before.protect == after.protect
