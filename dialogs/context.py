"""What a dialog step may consult besides the state: the edition, today's date
(from the injected clock), the person's roles, and the draft records loaded for
the step (:class:`dialogs.drafts.Desk`: read before, written after, in the step's
transaction)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules.edition import Edition
from rules.reminder_times import ReminderPolicy


@dataclass(frozen=True)
class Context:
    """The boundaries a dialog step sees."""

    edition: Edition
    today: dt.date
    roles: frozenset[str] = field(default_factory=frozenset)
    desk: Any = None  # dialogs.drafts.Desk (None where no records were loaded)
    tx: Any = None  # the step's storage Tx (run whole on the database's thread: see dialogs.reminder_plan.inline)
    person: str | None = None  # the key of the person this step is for
    reminders: ReminderPolicy = field(default_factory=ReminderPolicy)  # when reminders fall (settings)
