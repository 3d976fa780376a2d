"""Logging without personal data: errors are logged by type and place, never by message."""
from __future__ import annotations

import traceback


def safe_trace(err: BaseException | None) -> str:
    """The error's type and where it happened, without its message (which may quote
    what the person typed: an ID number, an illness)."""
    if err is None:
        return "unknown error"
    frames = [f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(err.__traceback__)]
    return "\n".join([f"{type(err).__module__}.{type(err).__qualname__}", *frames])
