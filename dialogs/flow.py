"""What a flow is, and the turn it handles.

A flow is one conversation (the menu, the screening, the result, the checklist;
next the form, the staff inbox...). Each lives in one module that ends with its
:class:`Flow`: its name, its typed state, the commands it answers while open, its
handlers for a typed answer and a button, how it repeats its open question, and
its Mermaid diagram (the module docstring). :data:`dialogs.router.FLOWS` is the
table of them.

A :class:`Turn` is one input being handled: the person's session, the context
(edition, today, roles), each flow's typed state (loaded on first use, written
back at the end), and messages addressed to other people, which the assistant
writes to the durable outbox in the same transaction.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from pydantic import BaseModel

from dialogs.context import Context
from dialogs.state import SessionState
from dialogs.types import Choice, Msg, Pick, Reply, Text

S = TypeVar("S", bound="FlowState")


class FlowState(BaseModel):
    """A flow's own state; ``key`` is where it is kept in the session."""

    key: ClassVar[str]


@dataclass(frozen=True)
class Outgoing:
    """A reply addressed to someone other than the sender (a person's key)."""

    to: str
    reply: Reply


class Turn:
    """One input of one person being handled."""

    def __init__(self, session: SessionState, ctx: Context) -> None:
        self.session = session
        self.ctx = ctx
        self.outgoing: list[Outgoing] = []
        self._states: dict[str, FlowState] = {}

    @property
    def flow(self) -> str:
        """The open flow's name."""
        return self.session.flow

    def open(self, name: str) -> None:
        """Makes ``name`` the open flow (it reads typed text and buttons from now on)."""
        self.session.flow = name

    def state(self, model: type[S]) -> S:
        """The typed state of a flow (empty on first use)."""
        if model.key not in self._states:
            self._states[model.key] = model.model_validate(self.session.flows.get(model.key, {}))
        return self._states[model.key]  # type: ignore[return-value]

    def reset(self, model: type[S]) -> S:
        """A flow's state started afresh."""
        self._states[model.key] = fresh = model()
        return fresh

    def ask(self, lines: Iterable[Msg], choices: Iterable[Choice] = (), *, expects: str | None = None,
            asks: str | None = None) -> Reply:
        """A question: a new question number, so buttons of older ones become stale."""
        return Reply(tuple(lines), tuple(choices), self.session.next_seq(), expects, asks)

    def send_to(self, user_key: str, reply: Reply) -> None:
        """Addresses ``reply`` to another person (sent through the outbox after commit)."""
        self.outgoing.append(Outgoing(user_key, reply))

    def finish(self) -> None:
        """Writes every flow state used in this turn back into the session."""
        for key, st in self._states.items():
            self.session.flows[key] = st.model_dump(mode="json")


Replies = list[Reply]


@dataclass(frozen=True)
class Flow:
    """One conversation, as the router sees it."""

    name: str
    diagram: str
    on_text: Callable[[Turn, Text], Replies]
    on_pick: Callable[[Turn, Pick], Replies]
    repeat: Callable[[Turn], Replies]
    commands: Mapping[str, Callable[[Turn], Replies]] = field(default_factory=dict)
    state: type[FlowState] | None = None
