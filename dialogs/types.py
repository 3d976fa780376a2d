"""What goes into a dialog and what comes out: inputs, typed choices, messages, replies.

Replies carry message ids and parameters, not sentences; :mod:`dialogs.render`
turns them into text in the person's language. A button's value is a typed
:class:`Pick` (kind and value); :func:`token` is the one function that writes it
as a string (kept on the server with the open question; channels only ever send
back a question number and a position, see :func:`pressed`). Everything here
serialises to JSON so the last replies can be stored and re-sent after a crash.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel

from rules.text import pick_language
from pydantic import Field as PydanticField


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


def choice_number(text: str, count: int, *, digits: int = 3) -> int | None:
    """The position (0-based) of the choice a typed number stands for, of ``count``
    choices: "2", or "２" as a phone's Chinese keyboard types it, spaces around; None for
    anything else (① and ² are symbols, never read as numbers)."""
    s = text.strip()
    if not s or len(s) > digits or not all(ch.isdecimal() for ch in s):
        return None
    plain = unicodedata.normalize("NFKC", s)  # full-width digits to ASCII; Arabic-Indic stay as they are
    if not (plain.isascii() and plain.isdigit()) or not 1 <= int(plain) <= count:
        return None
    return int(plain) - 1


@dataclass(frozen=True)
class Command:
    """A command such as /back, /why, /lang en, /start screen."""

    name: str
    arg: str = ""


Input = Text | Button | Command

PickKind = Literal["answer", "nav", "menu", "lang", "change", "checklist", "category", "worker_type", "skip",
                   "confirm", "open", "deadline", "remind", "form", "staff", "privacy"]
# How each kind is written in a token: "yes", "nav:back", "chg:sex", "cat:dibao"...
_PREFIX: dict[str, str] = {"nav": "nav", "form": "f", "menu": "menu", "lang": "lang", "change": "chg", "checklist": "mat",
                           "category": "cat", "worker_type": "wt", "skip": "skip", "confirm": "ok",
                           "open": "open", "deadline": "dl", "remind": "rmd", "staff": "stf", "privacy": "pv"}
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
        """From an edition ``Text`` (or anything that extends it)."""
        return cls(text.zh_CN, text.en)

    def get(self, lang: str) -> str:
        """The label in ``lang``."""
        return pick_language(self.zh_CN, self.en, lang)


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
    delete_input: bool = False  # the person's message held an ID or bank number: a channel that can, deletes it
    document: tuple[str, str] | None = None  # (file name, kind) of a document the assistant attaches
    protect: bool = False  # a case shown to staff: channels that can forbid forwarding and saving do


def with_note(note: Msg, replies: list[Reply]) -> list[Reply]:
    """``note`` as the first line of the first reply (one message, not two: on Telegram
    every message counts against the rate limit, and the person reads one thing)."""
    if not replies:
        return [Reply((note,))]
    first = replies[0]
    return [dataclasses.replace(first, lines=(note, *first.lines)), *replies[1:]]


# ---- stored replies: JSON through pydantic models ------------------------------------------
# A reply is stored with the session (re-sent after a crash) and in the outbox. Each
# parameter value is one of these tagged models, so Decimal stays Decimal and a date
# stays a date, and a corrupted row fails validation instead of rendering nonsense.

class _Amount(BaseModel):
    t: Literal["dec"] = "dec"
    v: Decimal


class _Date(BaseModel):
    t: Literal["date"] = "date"
    v: dt.date


class _Day(BaseModel):
    t: Literal["day"] = "day"
    v: dt.date


class _Label(BaseModel):
    t: Literal["label"] = "label"
    zh_CN: str
    en: str


class _Plain(BaseModel):
    t: Literal["plain"] = "plain"
    v: bool | int | str | None


class _Msg(BaseModel):
    t: Literal["msg"] = "msg"
    id: str
    p: dict[str, _Param] = {}


class _List(BaseModel):
    t: Literal["list"] = "list"
    items: list[_Param]


_Param = Annotated[_Amount | _Date | _Day | _Label | _Plain | _Msg | _List, PydanticField(discriminator="t")]
for _model in (_Msg, _List):
    _model.model_rebuild()


class StoredReply(BaseModel):
    """A reply as stored: lines, choices (token and label), question number, input kind."""

    lines: list[_Msg]
    choices: list[tuple[str, _Msg | _Label]] = []
    seq: int | None = None
    expects: str | None = None
    asks: str | None = None
    delete_input: bool = False
    document: tuple[str, str] | None = None
    protect: bool = False


def _to_param(v: Any) -> BaseModel:
    if isinstance(v, Decimal):
        return _Amount(v=v)
    if isinstance(v, Day):
        return _Day(v=v.date)
    if isinstance(v, dt.date):
        return _Date(v=v)
    if isinstance(v, Label):
        return _Label(zh_CN=v.zh_CN, en=v.en)
    if isinstance(v, Msg):
        return _Msg(id=v.id, p={k: _to_param(x) for k, x in v.params.items()})
    if isinstance(v, list | tuple):
        return _List(items=[_to_param(x) for x in v])
    return _Plain(v=v)


def _from_param(m: BaseModel) -> Any:
    if isinstance(m, _Amount | _Date | _Plain):
        return m.v
    if isinstance(m, _Day):
        return Day(m.v)
    if isinstance(m, _Label):
        return Label(m.zh_CN, m.en)
    if isinstance(m, _Msg):
        return Msg(m.id, {k: _from_param(x) for k, x in m.p.items()})
    if isinstance(m, _List):
        return tuple(_from_param(x) for x in m.items)
    raise TypeError(type(m).__name__)


def reply_to_json(r: Reply) -> dict[str, Any]:
    """A reply as plain JSON (for the session's last replies and the outbox)."""
    stored = StoredReply(lines=[_to_param(m) for m in r.lines],
                         choices=[(c.value, _to_param(c.label)) for c in r.choices],
                         seq=r.seq, expects=r.expects, asks=r.asks, delete_input=r.delete_input,
                         document=r.document, protect=r.protect)
    return stored.model_dump(mode="json")


def reply_from_json(d: dict[str, Any]) -> Reply:
    """The inverse of :func:`reply_to_json` (a malformed row raises ValidationError)."""
    stored = StoredReply.model_validate(d)
    return Reply(tuple(_from_param(m) for m in stored.lines),
                 tuple(Choice(pick_of(v), _from_param(label)) for v, label in stored.choices),
                 stored.seq, stored.expects, stored.asks, delete_input=stored.delete_input,
                 document=stored.document, protect=stored.protect)
