"""A person's conversation state, stored (encrypted) with the session after every step.

``flow`` names the open flow (a key of :data:`dialogs.router.FLOWS`); ``flows``
holds each flow's own typed state as JSON (see :class:`dialogs.flow.FlowState`),
so adding a flow adds no field here. ``edition`` is the edition the person's
conversation started under, kept for its whole life.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

# Sessions stored before the flow table: their mode, and the flow each mode belongs to.
_LEGACY_MODES = {"menu": "menu", "stuck": "menu", "screen": "screening", "idk": "screening",
                 "result": "result", "summary": "result", "checklist": "checklist"}


class SessionState(BaseModel):
    """Everything needed to continue a conversation exactly where it was left."""

    lang: str = "zh_CN"
    edition: str | None = None
    flow: str = "menu"
    seq: int = 0  # increases with every question; buttons of older questions are stale
    choices: list[str] = Field(default_factory=list)  # the button tokens of question ``seq``
    flows: dict[str, dict[str, Any]] = Field(default_factory=dict)
    last_update_id: int | None = None
    outbox: list[dict[str, Any]] = Field(default_factory=list)  # the last replies, re-sent on redelivery

    @model_validator(mode="before")
    @classmethod
    def _from_modes(cls, data: Any) -> Any:
        """Reads a session saved before the flow table (``mode``, ``screen``, ``checklist``)."""
        if not isinstance(data, dict) or "mode" not in data:
            return data
        data = dict(data)
        mode = data.pop("mode")
        flows = dict(data.get("flows") or {})
        screen = data.pop("screen", None)
        if screen is not None:
            flows["screening"] = {**screen, "idk": mode == "idk"}
        if (checklist := data.pop("checklist", None)) is not None:
            flows["checklist"] = checklist
        if mode in ("result", "summary"):
            flows["result"] = {"view": mode}
        data["flows"], data["flow"] = flows, _LEGACY_MODES.get(mode, "menu")
        data["outbox"] = []  # stored in the old reply format; a redelivery gets no stale copy
        return data

    def next_seq(self) -> int:
        """A new question number."""
        self.seq += 1
        return self.seq
