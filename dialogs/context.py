"""What a dialog step may consult besides the state: the edition, today's date
(from the injected clock), the person's roles, and the draft records loaded for
the step (:class:`dialogs.drafts.Desk`: read before, written after, in the step's
transaction)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules.edition import Edition


@dataclass(frozen=True)
class Context:
    """The boundaries a dialog step sees."""

    edition: Edition
    today: dt.date
    roles: frozenset[str] = field(default_factory=frozenset)
    desk: Any = None  # dialogs.drafts.Desk (None where no records were loaded)
