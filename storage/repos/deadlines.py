"""DeadlineRepo: campaign deadlines (name, local date, audience, what to do, clause).

A campaign deadline is not personal data: its columns are in clear. Codes are unique
within a campaign (``jiangxi-2016``'s ``paper_files``; ``local`` for deadlines an
admin adds). Planning and withdrawing its reminders is :mod:`dialogs.reminder_plan`'s.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from storage.repos.base import Conn, Row, fetch_all, fetch_one, run
from storage.times import Clock, from_db, to_db

DeadlineAudience = Literal["drafts", "clerks", "reviewers", "everyone"]
_COLUMNS = ("id, campaign, code, name_zh, name_en, due_date, audience, action_zh, action_en, reference, "
            "workdays, created_by, created_at, updated_at")


class Deadline(BaseModel):
    """One campaign deadline; ``subject`` names it for reminders and the audit log."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    campaign: str
    code: str
    name_zh: str
    name_en: str
    due_date: dt.date
    audience: DeadlineAudience
    action_zh: str | None = None
    action_en: str | None = None
    reference: str | None = None
    workdays: bool = False
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def subject(self) -> str:
        """What its reminders and audit rows are filed under."""
        return f"deadline:{self.id}"


class DeadlineRepo:
    """Campaign deadlines, by id or (campaign, code)."""

    def __init__(self, conn: Conn, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    async def add(self, *, campaign: str, code: str, name_zh: str, name_en: str, due_date: dt.date,
                  audience: str, created_by: str, action_zh: str | None = None, action_en: str | None = None,
                  reference: str | None = None, workdays: bool = False) -> Deadline | None:
        """A new deadline; None if the campaign already has one with this code."""
        now = to_db(self._clock())
        row = await fetch_one(
            self._conn,
            f"INSERT INTO deadlines (campaign, code, name_zh, name_en, due_date, audience, action_zh, action_en, "
            f"reference, workdays, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT DO NOTHING RETURNING {_COLUMNS}",
            (campaign, code, name_zh, name_en, due_date.isoformat(), audience, action_zh, action_en, reference,
             int(workdays), created_by, now, now),
        )
        return _deadline(row) if row else None

    async def get(self, deadline_id: int) -> Deadline | None:
        """One deadline, or None."""
        row = await fetch_one(self._conn, f"SELECT {_COLUMNS} FROM deadlines WHERE id = ?", (int(deadline_id),))
        return _deadline(row) if row else None

    async def by_code(self, campaign: str, code: str) -> Deadline | None:
        """The campaign's deadline with this code, or None."""
        row = await fetch_one(self._conn, f"SELECT {_COLUMNS} FROM deadlines WHERE campaign = ? AND code = ?",
                              (campaign, code))
        return _deadline(row) if row else None

    async def list(self, *, since: dt.date | None = None) -> list[Deadline]:
        """Every deadline (on or after ``since``), soonest first."""
        where, params = ("WHERE due_date >= ?", (since.isoformat(),)) if since else ("", ())
        rows = await fetch_all(self._conn, f"SELECT {_COLUMNS} FROM deadlines {where} ORDER BY due_date, id", params)
        return [_deadline(r) for r in rows]

    async def change(self, deadline_id: int, **fields: object) -> Deadline | None:
        """Changes name_zh/name_en/due_date/audience/action_*/reference/workdays; the
        deadline as it is now (None if unknown)."""
        allowed = {"name_zh", "name_en", "due_date", "audience", "action_zh", "action_en", "reference", "workdays"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)}")
        values = {k: (v.isoformat() if isinstance(v, dt.date) else int(v) if isinstance(v, bool) else v)
                  for k, v in fields.items()}
        sets = ", ".join(f"{k} = ?" for k in values)
        await run(self._conn, f"UPDATE deadlines SET {sets + ', ' if sets else ''}updated_at = ? WHERE id = ?",
                  (*values.values(), to_db(self._clock()), int(deadline_id)))
        return await self.get(deadline_id)

    async def remove(self, deadline_id: int) -> bool:
        """Deletes the deadline; False if unknown."""
        return bool(await run(self._conn, "DELETE FROM deadlines WHERE id = ?", (int(deadline_id),)))


def _deadline(row: Row) -> Deadline:
    (did, campaign, code, name_zh, name_en, due, audience, action_zh, action_en, reference, workdays,
     created_by, created_at, updated_at) = row
    return Deadline(id=did, campaign=campaign, code=code, name_zh=name_zh, name_en=name_en,
                    due_date=dt.date.fromisoformat(due), audience=audience, action_zh=action_zh,
                    action_en=action_en, reference=reference, workdays=bool(workdays), created_by=created_by,
                    created_at=from_db(created_at), updated_at=from_db(updated_at))
