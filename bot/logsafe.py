"""Logging without personal data: errors are logged by type and place, never by message."""
from __future__ import annotations

import traceback


def safe_trace(err: BaseException | None) -> str:
    """The error's type and where it happened, without its message (which may quote
    what the person typed: an ID number, an illness)."""
    if err is None:
        return "unknown error"
    frames = "".join(traceback.format_tb(err.__traceback__)) if err.__traceback__ else ""
    return f"{type(err).__module__}.{type(err).__qualname__}\n{frames}".rstrip()
