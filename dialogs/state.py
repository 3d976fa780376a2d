"""A person's conversation state, stored (encrypted) with the session after every step."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Mode = Literal["menu", "screen", "result", "summary", "checklist", "idk", "stuck"]


class ScreenState(BaseModel):
    """A screening in progress: the answers as JSON values, in the order given."""

    answers: dict[str, Any] = Field(default_factory=dict)
    order: list[str] = Field(default_factory=list)
    asking: str | None = None
    changing: bool = False
    failures: int = 0


class ChecklistState(BaseModel):
    """A clerk's checklist: category, worker type and the conditions picked."""

    category: str | None = None
    worker_type: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)
    asking: str | None = None


class SessionState(BaseModel):
    """Everything needed to continue a conversation exactly where it was left."""

    lang: str = "zh_CN"
    mode: Mode = "menu"
    seq: int = 0  # increases with every question; buttons of older questions are stale
    choices: list[str] = Field(default_factory=list)  # the button values of question ``seq``
    screen: ScreenState = Field(default_factory=ScreenState)
    checklist: ChecklistState = Field(default_factory=ChecklistState)
    last_update_id: int | None = None
    outbox: list[dict[str, Any]] = Field(default_factory=list)  # the last replies, re-sent on redelivery

    def next_seq(self) -> int:
        """A new question number."""
        self.seq += 1
        return self.seq
