"""What goes into a dialog and what comes out: inputs, typed choices, messages, replies.

Replies carry message ids and parameters, not sentences; :mod:`dialogs.render`
turns them into text in the person's language. A button's value is a typed
:class:`Pick` (kind and value); :func:`token` is the one function that writes it
as a string (kept on the server with the open question; channels only ever send
back a question number and a position, see :func:`pressed`). Everything here
serialises to JSON so the last replies can be stored and re-sent after a crash.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal


@dataclass(frozen=True)
class Text:
    """Something the person typed."""

    text: str


@dataclass(frozen=True)
class Button:
    """A choice the person pressed; ``seq`` is the question it belongs to. ``value``
    is a choice's token, or ``#<position>`` as channels send it (:func:`pressed`)."""

    value: str
    seq: int | None = None


def pressed(seq: int | None, position: int) -> Button:
    """The press of the choice at ``position`` (0-based) of question ``seq``: all a
    channel sends back, so a forged press can only point at a choice that was offered."""
    return Button(f"#{position}", seq)


@dataclass(frozen=True)
class Command:
    """A command such as /back, /why, /lang en, /start screen."""

    name: str
    arg: str = ""


Input = Text | Button | Command

PickKind = Literal["answer", "nav", "menu", "lang", "change", "checklist", "category", "worker_type", "skip",
                   "confirm"]
# How each kind is written in a token: "yes", "nav:back", "chg:sex", "cat:dibao"...
_PREFIX: dict[str, str] = {"nav": "nav", "menu": "menu", "lang": "lang", "change": "chg", "checklist": "mat",
                           "category": "cat", "worker_type": "wt", "skip": "skip", "confirm": "ok"}
_KIND_OF_PREFIX = {v: k for k, v in _PREFIX.items()}


@dataclass(frozen=True)
class Pick:
    """What a button means: its kind (an answer, a navigation command, a menu item...)
    and its value."""

    kind: PickKind
    value: str = ""

    @property
    def nav(self) -> bool:
        """A navigation button (why, back, I don't know...), shown apart from the answers."""
        return self.kind == "nav"


def token(pick: Pick) -> str:
    """The one way a pick is written down (and :func:`pick_of` reads it back)."""
    if pick.kind == "answer":
        return pick.value
    prefix = _PREFIX[pick.kind]
    return f"{prefix}:{pick.value}" if pick.value else prefix


def pick_of(text: str) -> Pick:
    """The pick a token stands for (an unknown prefix is an answer value)."""
    prefix, sep, value = text.partition(":")
    if text in _KIND_OF_PREFIX:
        return Pick(_KIND_OF_PREFIX[text])  # type: ignore[arg-type]
    if sep and prefix in _KIND_OF_PREFIX:
        return Pick(_KIND_OF_PREFIX[prefix], value)  # type: ignore[arg-type]
    return Pick("answer", text)


@dataclass(frozen=True)
class Label:
    """A bilingual label from the edition data (locality, category, material)."""

    zh_CN: str
    en: str

    @classmethod
    def of(cls, text: Any) -> Label:
        """From an edition ``Text``-like object."""
        return cls(text.zh_CN, text.en)


@dataclass(frozen=True)
class Day:
    """A date shown with its weekday (deadlines, the date of a result)."""

    date: dt.date


@dataclass(frozen=True)
class Msg:
    """One catalog message with its parameters (Decimal, date, int, str, Label, Msg)."""

    id: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """A button: what it means and its label."""

    pick: Pick
    label: Msg | Label

    def __post_init__(self) -> None:
        if isinstance(self.pick, str):  # a token, as older stored replies hold
            object.__setattr__(self, "pick", pick_of(self.pick))

    @property
    def value(self) -> str:
        """The pick's token."""
        return token(self.pick)


@dataclass(frozen=True)
class Reply:
    """One message to the person: lines of text and, for a question, choices."""

    lines: tuple[Msg, ...]
    choices: tuple[Choice, ...] = ()
    seq: int | None = None  # the question these choices answer
    expects: str | None = None  # input kind for a typed answer (money, date, id, ...)
    asks: str | None = None  # the fact this question asks, if any
    stale: bool = False  # the answer to a button whose question has passed


def _enc(v: Any) -> Any:
    if isinstance(v, Decimal):
        return {"$dec": str(v)}
    if isinstance(v, dt.date):
        return {"$date": v.isoformat()}
    if isinstance(v, Label):
        return {"$label": [v.zh_CN, v.en]}
    if isinstance(v, Day):
        return {"$day": v.date.isoformat()}
    if isinstance(v, Msg):
        return {"$msg": v.id, "p": {k: _enc(x) for k, x in v.params.items()}}
    if isinstance(v, list | tuple):
        return {"$list": [_enc(x) for x in v]}
    return v


def _dec(v: Any) -> Any:
    if isinstance(v, dict):
        if "$dec" in v:
            return Decimal(v["$dec"])
        if "$date" in v:
            return dt.date.fromisoformat(v["$date"])
        if "$day" in v:
            return Day(dt.date.fromisoformat(v["$day"]))
        if "$label" in v:
            return Label(*v["$label"])
        if "$msg" in v:
            return Msg(v["$msg"], {k: _dec(x) for k, x in v["p"].items()})
        if "$list" in v:
            return tuple(_dec(x) for x in v["$list"])
    return v


def reply_to_json(r: Reply) -> dict[str, Any]:
    """A reply as plain JSON (for the session's outbox)."""
    return {"lines": [_enc(m) for m in r.lines],
            "choices": [[c.value, _enc(c.label)] for c in r.choices],
            "seq": r.seq, "expects": r.expects, "asks": r.asks}


def reply_from_json(d: dict[str, Any]) -> Reply:
    """The inverse of :func:`reply_to_json`."""
    return Reply(tuple(_dec(m) for m in d["lines"]),
                 tuple(Choice(pick_of(v), _dec(lbl)) for v, lbl in d["choices"]), d["seq"], d["expects"],
                 d.get("asks"))
