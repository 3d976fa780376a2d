"""What a dialog step may consult besides the state: the edition, today's date
(from the injected clock) and the person's roles."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rules.edition import Edition


@dataclass(frozen=True)
class Context:
    """The boundaries a dialog step sees."""

    edition: Edition
    today: dt.date
    roles: frozenset[str] = field(default_factory=frozenset)
