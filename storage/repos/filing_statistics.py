"""The statistics table's counts (7号 附件2) as queries over the filings' plain codes
(option keys of the edition, no personal data): part of CaseRepo (``tx.cases``).

A filing counts in A (cleared) once closed on or before the day (or closed with no
day), any other filing counts in B once filed on or before it — the rules of
documents/statistics.py, which turns the counts into the table's rows and names the
households that break B = B1 = B2 = B3 (read here by :meth:`filed_holding`).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from storage.repos.base import Conn, fetch_all, placeholders

if TYPE_CHECKING:
    from storage.repos.cases import Filing

STATISTICS_CODES = ("category", "primary_cause", "key_group", "measure", "plan")


class FilingTally(BaseModel):
    """Filings counted for the statistics table: the cleared ones by (close status,
    reason), the filed ones' total and their count per code of each statistics field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cleared: list[tuple[str, str | None, int]]
    filed: int
    codes: dict[str, list[tuple[str | None, int]]]


class FilingStatistics:
    """Counting queries for CaseRepo (which provides ``_conn``, ``_filing`` and
    ``_FILING_COLUMNS``)."""

    _conn: Conn
    _FILING_COLUMNS: str

    def _filing(self, row: tuple) -> Filing:
        raise NotImplementedError  # CaseRepo's

    _CLEARED = "close_status IS NOT NULL AND (closed_on IS NULL OR closed_on <= ?)"
    _FILED = "(close_status IS NULL OR closed_on > ?) AND filed_on <= ?"

    def _counted(self, which: str, unit: str | None, as_of: dt.date) -> tuple[str, list[Any]]:
        day = as_of.isoformat()
        where, params = (self._CLEARED, [day]) if which == "cleared" else (self._FILED, [day, day])
        if unit is not None:
            where += " AND unit = ?"
            params.append(unit)
        return where, params

    async def statistics_tally(self, *, unit: str | None = None, as_of: dt.date) -> FilingTally:
        """The filings of one unit (or all) as of a day, counted by code in the database."""
        where, params = self._counted("cleared", unit, as_of)
        cleared = await fetch_all(self._conn, f"SELECT close_status, close_reason, COUNT(*) FROM filings "
                                  f"WHERE {where} GROUP BY close_status, close_reason", params)
        where, params = self._counted("filed", unit, as_of)
        codes: dict[str, list[tuple[str | None, int]]] = {}
        for field in STATISTICS_CODES:
            rows = await fetch_all(self._conn, f"SELECT {field}, COUNT(*) FROM filings WHERE {where} "
                                   f"GROUP BY {field}", params)
            codes[field] = [(code, int(n)) for code, n in rows]
        return FilingTally(cleared=[(status, reason, int(n)) for status, reason, n in cleared],
                           filed=sum(n for _, n in codes[STATISTICS_CODES[0]]), codes=codes)

    async def filed_holding(self, codes: dict[str, list[str | None]], *, unit: str | None = None,
                            as_of: dt.date) -> list[Filing]:
        """The filings counted in B as of a day that hold any of ``codes`` (field -> codes,
        None: no code): the households the statistics table cannot count."""
        where, params = self._counted("filed", unit, as_of)
        anyof = []
        for field, values in codes.items():
            if field not in STATISTICS_CODES:
                raise ValueError(f"filings: {field!r} is not a statistics code")
            known = [v for v in values if v is not None]
            if known:
                anyof.append(f"{field} IN ({placeholders(len(known))})")
                params += known
            if None in values:
                anyof.append(f"{field} IS NULL")
        if not anyof:
            return []
        rows = await fetch_all(self._conn, f"SELECT {self._FILING_COLUMNS} FROM filings WHERE {where} AND ({' OR '.join(anyof)}) "
                               "ORDER BY reference", params)
        return [self._filing(r) for r in rows]
