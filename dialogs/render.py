"""Replies into text in the person's language, through the catalogs and babel."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locales import Translator, translator

from dialogs.types import Day, Label, Msg, Reply


@dataclass(frozen=True)
class Rendered:
    """A reply ready for a channel: text, and buttons as (value, label)."""

    text: str
    choices: tuple[tuple[str, str], ...]
    seq: int | None
    expects: str | None
    asks: str | None = None
    stale: bool = False


def text_of(item: Any, t: Translator) -> str:
    """One message or parameter as text in ``t``'s language."""
    if isinstance(item, Msg):
        return t(item.id, **{k: _param(v, t) for k, v in item.params.items()})
    if isinstance(item, Label):
        return item.zh_CN if t.lang.startswith("zh") else item.en
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
    choices = tuple((c.value, text_of(c.label, t)) for c in reply.choices)
    return Rendered(text, choices, reply.seq, reply.expects, reply.asks, reply.stale)
