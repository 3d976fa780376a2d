"""Replies into text in the person's language, through the catalogs and babel."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locales import Translator, translator

from dialogs.types import Choice, Day, Label, Msg, Reply

# Navigation buttons that stand for a command a person can also type.
NAV_COMMANDS = {"why": "why", "idk": "idk", "back": "back", "clerk": "clerk", "summary": "change",
                "restart": "restart"}
# Input kinds (``Rendered.expects``) answered by typing digits: there a typed number is the
# answer, never the position of a choice (the screening's, then the form's).
TYPED_NUMBERS = frozenset({"count", "size", "money", "date", "id", "months", "mobile", "bank_card", "postcode"})


@dataclass(frozen=True)
class Shown:
    """A button as a channel shows it: its label, whether it is navigation (why,
    back...) rather than an answer, and the command it stands for, if any. A press
    is sent back as :func:`dialogs.types.pressed` (question number and position)."""

    label: str
    nav: bool = False
    command: str | None = None


@dataclass(frozen=True)
class Rendered:
    """A reply ready for a channel: text and buttons. ``choices`` pairs each button's
    token with its label (for tests and logs of the server side); channels use
    ``buttons`` and never parse tokens."""

    text: str
    choices: tuple[tuple[str, str], ...]
    seq: int | None
    expects: str | None
    asks: str | None = None
    stale: bool = False
    buttons: tuple[Shown, ...] = ()
    delete_input: str | None = None  # delete the person's message, then say this (Telegram)
    document: tuple[str, bytes] | None = None  # (file name, content), attached by the assistant
    protect: bool = False  # forbid forwarding and saving where the channel can (Telegram protect_content)


def text_of(item: Any, t: Translator) -> str:
    """One message or parameter as text in ``t``'s language."""
    if isinstance(item, Msg):
        return t(item.id, **{k: _param(v, t) for k, v in item.params.items()})
    if isinstance(item, Label):
        return item.get(t.lang)
    return t.value(item)


def _param(v: Any, t: Translator) -> Any:
    if isinstance(v, Msg | Label):
        return text_of(v, t)
    if isinstance(v, Day):
        return t.date(v.date)
    if isinstance(v, tuple | list):
        return t.gettext("fmt.list_sep").join(text_of(x, t) for x in v)
    return v


def render(reply: Reply, lang: str) -> Rendered:
    """The reply in ``lang``: its lines joined, its choices labelled."""
    t = translator(lang)
    text = "\n".join(text_of(line, t) for line in reply.lines)
    labels = [text_of(c.label, t) for c in reply.choices]
    choices = tuple((c.value, label) for c, label in zip(reply.choices, labels, strict=True))
    buttons = tuple(_shown(c, label) for c, label in zip(reply.choices, labels, strict=True))
    deleted = t("form.input_deleted") if reply.delete_input else None
    return Rendered(text, choices, reply.seq, reply.expects, reply.asks, reply.stale, buttons, deleted,
                    protect=reply.protect)


def _shown(choice: Choice, label: str) -> Shown:
    nav = choice.pick.nav
    return Shown(label, nav, NAV_COMMANDS.get(choice.pick.value) if nav else None)
