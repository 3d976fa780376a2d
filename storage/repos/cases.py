"""CaseRepo: what the staff desk records about a draft after it is submitted.

- case events: a home visit, the unit's opinion and collective decision, a relief
  target's decision, an objection to a notice, help given. Each is a row that is never
  changed (an objection's state excepted); its details (names of verifiers, notes,
  the objection's text) are AES-GCM ciphertext bound to the row (aad ``case:<id>``);
  the kind, the date and a code (recommended category, help measure) are in clear;
- notices: one unit's public notice, its period and the drafts it lists;
- filings: a filed household's dates (filed, entry deadline, entered, card made,
  closed) and its statistics codes (option keys of the edition, no names), so the
  statistics table is a query, not a decryption of every form
  (storage/repos/filing_statistics.py).

Nothing is deleted: a cancelled household keeps its filing row and its history.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from storage.crypto import DataCipher
from storage.repos.base import Conn, fetch_all, fetch_one, placeholders, run
from storage.repos.filing_statistics import FilingStatistics
from storage.times import Clock, from_db, to_db

EventKind = Literal["visit", "decision", "target", "objection", "help"]
_EVENT = "id, reference, kind, on_date, state, notice_id, code, recorded_by, recorded_at, content"
_FILING = ("reference, unit, filed_on, entry_deadline, entered_on, card_on, closed_on, close_status, close_reason, "
           "category, primary_cause, key_group, measure, plan, filed_by")


def _day(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


class CaseEvent(BaseModel):
    """One recorded fact about a case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    reference: str
    kind: EventKind
    on_date: dt.date
    state: Literal["open", "upheld", "dismissed"] | None = None
    notice_id: int | None = None
    code: str | None = None
    recorded_by: str
    recorded_at: dt.datetime
    details: dict[str, Any] = Field(default_factory=dict)


class Notice(BaseModel):
    """A public notice of one unit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    unit: str
    start: dt.date
    end: dt.date
    objections_by: dt.date
    created_by: str
    references: list[str]


class Filing(BaseModel):
    """A filed household (dates and statistics codes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str
    unit: str | None = None
    filed_on: dt.date
    entry_deadline: dt.date
    entered_on: dt.date | None = None
    card_on: dt.date | None = None
    closed_on: dt.date | None = None
    close_status: Literal["cancelled", "escaped"] | None = None
    close_reason: str | None = None
    category: str | None = None
    primary_cause: str | None = None
    key_group: str | None = None
    measure: str | None = None
    plan: str | None = None
    filed_by: str


class CaseRepo(FilingStatistics):
    """Case events, notices and filings."""

    _FILING_COLUMNS = _FILING

    def __init__(self, conn: Conn, cipher: DataCipher, clock: Clock) -> None:
        self._conn = conn
        self._cipher = cipher
        self._clock = clock

    # ---- events -------------------------------------------------------------------------------
    def _event(self, row: tuple) -> CaseEvent:
        id_, ref, kind, on, state, notice, code, by, at, token = row
        return CaseEvent(id=id_, reference=ref, kind=kind, on_date=_day(on), state=state, notice_id=notice,
                         code=code, recorded_by=by, recorded_at=from_db(at),
                         details=self._cipher.decrypt_json(token, aad=f"case:{id_}".encode()))

    async def record(self, reference: str, kind: EventKind, on_date: dt.date, by: str, *,
                     details: dict[str, Any] | None = None, code: str | None = None,
                     notice_id: int | None = None) -> CaseEvent:
        """Appends one event (an objection starts ``open``)."""
        now = to_db(self._clock())
        state = "open" if kind == "objection" else None
        row = await fetch_one(self._conn,
                              "INSERT INTO case_events (reference, kind, on_date, state, notice_id, code, recorded_by, "
                              "recorded_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              (reference, kind, on_date.isoformat(), state, notice_id, code, by, now, b""))
        id_ = int(row[0])
        token = self._cipher.encrypt_json(details or {}, aad=f"case:{id_}".encode())
        await run(self._conn, "UPDATE case_events SET content = ? WHERE id = ?", (token, id_))
        found = await self.event(id_)
        assert found is not None
        return found

    async def event(self, id_: int) -> CaseEvent | None:
        row = await fetch_one(self._conn, f"SELECT {_EVENT} FROM case_events WHERE id = ?", (id_,))
        return self._event(row) if row else None

    async def events(self, reference: str, kind: EventKind | None = None) -> list[CaseEvent]:
        """A case's events (of one kind), oldest first."""
        if kind is None:
            rows = await fetch_all(self._conn, f"SELECT {_EVENT} FROM case_events WHERE reference = ? ORDER BY id",
                                   (reference,))
        else:
            rows = await fetch_all(self._conn, f"SELECT {_EVENT} FROM case_events WHERE reference = ? AND kind = ? "
                                   "ORDER BY id", (reference, kind))
        return [self._event(r) for r in rows]

    async def resolve_objection(self, id_: int, outcome: Literal["upheld", "dismissed"], by: str) -> bool:
        """Closes an open objection; False if it was not open."""
        return bool(await run(self._conn, "UPDATE case_events SET state = ?, resolved_by = ?, resolved_at = ? "
                              "WHERE id = ? AND kind = 'objection' AND state = 'open'",
                              (outcome, by, to_db(self._clock()), id_)))

    async def open_objections(self, reference: str) -> int:
        row = await fetch_one(self._conn, "SELECT COUNT(*) FROM case_events WHERE reference = ? AND "
                              "kind = 'objection' AND state = 'open'", (reference,))
        return int(row[0])

    # ---- notices ------------------------------------------------------------------------------
    async def add_notice(self, unit: str, start: dt.date, end: dt.date, objections_by: dt.date, by: str,
                         references: list[str]) -> Notice:
        """A new notice listing ``references``."""
        row = await fetch_one(self._conn, "INSERT INTO notices (unit, start_date, end_date, objections_by, created_by, "
                              "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                              (unit, start.isoformat(), end.isoformat(), objections_by.isoformat(), by,
                               to_db(self._clock())))
        for ref in references:
            await run(self._conn, "INSERT INTO notice_households (notice_id, reference) VALUES (?, ?)",
                      (int(row[0]), ref))
        found = await self.notice(int(row[0]))
        assert found is not None
        return found

    async def notice(self, id_: int) -> Notice | None:
        row = await fetch_one(self._conn, "SELECT id, unit, start_date, end_date, objections_by, created_by "
                              "FROM notices WHERE id = ?", (id_,))
        if row is None:
            return None
        refs = await fetch_all(self._conn, "SELECT reference FROM notice_households WHERE notice_id = ? "
                               "ORDER BY rowid", (id_,))
        return Notice(id=row[0], unit=row[1], start=_day(row[2]), end=_day(row[3]), objections_by=_day(row[4]),
                      created_by=row[5], references=[r[0] for r in refs])

    async def notice_of(self, reference: str) -> Notice | None:
        """The latest notice listing ``reference``."""
        row = await fetch_one(self._conn, "SELECT MAX(notice_id) FROM notice_households WHERE reference = ?",
                              (reference,))
        return await self.notice(int(row[0])) if row and row[0] is not None else None

    async def notices(self, *, limit: int = 20) -> list[Notice]:
        rows = await fetch_all(self._conn, "SELECT id FROM notices ORDER BY id DESC LIMIT ?", (int(limit),))
        return [n for r in rows if (n := await self.notice(r[0])) is not None]

    # ---- filings ------------------------------------------------------------------------------
    def _filing(self, row: tuple) -> Filing:
        (ref, unit, filed, deadline, entered, card, closed, status, reason, category, cause, group, measure, plan,
         by) = row
        return Filing(reference=ref, unit=unit, filed_on=_day(filed), entry_deadline=_day(deadline),
                      entered_on=_day(entered), card_on=_day(card), closed_on=_day(closed), close_status=status,
                      close_reason=reason, category=category, primary_cause=cause, key_group=group, measure=measure,
                      plan=plan, filed_by=by)

    async def file(self, filing: Filing) -> Filing:
        """Records a filing (ValueError if the household is filed already)."""
        values = filing.model_dump()
        names = _FILING.split(", ")
        changed = await run(self._conn, f"INSERT INTO filings ({_FILING}) VALUES ({placeholders(len(names))}) "
                            "ON CONFLICT DO NOTHING",
                            tuple(v.isoformat() if isinstance(v, dt.date) else v for v in (values[n] for n in names)))
        if changed != 1:
            raise ValueError("this household is filed already")
        return filing

    async def filing(self, reference: str) -> Filing | None:
        row = await fetch_one(self._conn, f"SELECT {_FILING} FROM filings WHERE reference = ?", (reference,))
        return self._filing(row) if row else None

    async def update_filing(self, reference: str, **changes: Any) -> Filing | None:
        """Sets some of entered_on, card_on, closed_on, close_status, close_reason, the codes."""
        allowed = {"entered_on", "card_on", "closed_on", "close_status", "close_reason", "category",
                   "primary_cause", "key_group", "measure", "plan"}
        if not changes or set(changes) - allowed:
            raise ValueError(f"filings: only {sorted(allowed)} change")
        sets = ", ".join(f"{k} = ?" for k in changes)
        values = [v.isoformat() if isinstance(v, dt.date) else v for v in changes.values()]
        await run(self._conn, f"UPDATE filings SET {sets} WHERE reference = ?", (*values, reference))
        return await self.filing(reference)

    async def filing_batch(self, *, unit: str | None = None, filed_to: dt.date | None = None, after: str = "",
                           batch: int = 2000) -> list[Filing]:
        """One batch of filings by reference after ``after`` (of one unit; filed on or before a date)."""
        where, params = ["reference > ?"], [after]
        if unit is not None:
            where.append("unit = ?")
            params.append(unit)
        if filed_to is not None:
            where.append("filed_on <= ?")
            params.append(filed_to.isoformat())
        rows = await fetch_all(self._conn, f"SELECT {_FILING} FROM filings WHERE {' AND '.join(where)} "
                               "ORDER BY reference LIMIT ?", (*params, int(batch)))
        return [self._filing(row) for row in rows]

    async def filings(self, *, unit: str | None = None, filed_to: dt.date | None = None,
                      batch: int = 2000) -> AsyncIterator[Filing]:
        """Every filing (of one unit; filed on or before a date), read in batches by reference."""
        last = ""
        while True:
            found = await self.filing_batch(unit=unit, filed_to=filed_to, after=last, batch=batch)
            for filing in found:
                yield filing
            if len(found) < batch:
                return
            last = found[-1].reference

    async def filed_plaintexts(self, *, unit: str | None = None, after: str = "",
                               batch: int = 1000) -> list[tuple[str, str, bytes]]:
        """(reference, status, decrypted draft content as JSON bytes) of filed households
        after ``after`` (by reference), one batch: the records export parses and validates
        the bytes in one step."""
        from storage.repos.drafts import content_aad

        sql = ("SELECT d.reference, d.status, d.content FROM filings f JOIN drafts d ON d.reference = f.reference "
               "WHERE f.reference > ?")
        params: list[Any] = [after]
        if unit is not None:
            sql += " AND f.unit = ?"
            params.append(unit)
        rows = await fetch_all(self._conn, sql + " ORDER BY f.reference LIMIT ?", (*params, int(batch)))
        return [(ref, status, self._cipher.decrypt(token, aad=content_aad(ref))) for ref, status, token in rows]

    async def filed_contents(self, *, unit: str | None = None, after: str = "",
                             batch: int = 1000) -> list[tuple[str, str, dict[str, Any]]]:
        """As :meth:`filed_plaintexts`, the content decoded."""
        return [(ref, status, json.loads(plain))
                for ref, status, plain in await self.filed_plaintexts(unit=unit, after=after, batch=batch)]

    async def count_filings(self, *, unit: str | None = None) -> int:
        """How many households are filed (of one unit), closed ones included."""
        if unit is None:
            row = await fetch_one(self._conn, "SELECT COUNT(*) FROM filings")
        else:
            row = await fetch_one(self._conn, "SELECT COUNT(*) FROM filings WHERE unit = ?", (unit,))
        return int(row[0])

    async def filing_units(self) -> list[str]:
        """The units that have filed households."""
        rows = await fetch_all(self._conn, "SELECT DISTINCT unit FROM filings WHERE unit IS NOT NULL ORDER BY unit")
        return [r[0] for r in rows]

    async def never_helped(self, filed_before: dt.date, *, unit: str | None = None) -> list[Filing]:
        """Open files created before the cut-off with no help ever recorded (7号 二.2)."""
        sql = (f"SELECT {_FILING} FROM filings f WHERE f.filed_on < ? AND f.closed_on IS NULL AND NOT EXISTS "
               "(SELECT 1 FROM case_events e WHERE e.reference = f.reference AND e.kind = 'help')")
        params: list[Any] = [filed_before.isoformat()]
        if unit is not None:
            sql += " AND f.unit = ?"
            params.append(unit)
        rows = await fetch_all(self._conn, sql + " ORDER BY f.filed_on, f.reference", params)
        return [self._filing(r) for r in rows]

    async def entry_due(self, *, limit: int = 200) -> list[Filing]:
        """Open filings not yet entered, soonest entry deadline first."""
        rows = await fetch_all(self._conn, f"SELECT {_FILING} FROM filings WHERE entered_on IS NULL AND closed_on "
                               "IS NULL ORDER BY entry_deadline, reference LIMIT ?", (int(limit),))
        return [self._filing(r) for r in rows]
