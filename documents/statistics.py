"""The statistics table 工会精准建档立卡情况统计表 (7号 附件2) as XLSX, computed from
household records.

Which row a household counts in is data (documents/tables/statistics.yaml, checked
against the edition's enumerations): B2 goes through each primary cause's ``group``.
B must equal B1 = B2 = B3, so a filed household without a category, main cause or
key group — or with a category that has no B1 row (临时救助) — makes
:func:`count_statistics` raise :class:`StatisticsError` naming every such household.
Over many households the counting is done by the database: :func:`counts_from_tally`
takes the counts grouped per code (:class:`StatisticsTally`) and, where some code has
no row (:func:`uncounted_codes`), only the households holding it.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from documents import text as tx
from documents.text import load_data
from rules.edition import Edition

Status = Literal["filed", "cancelled", "escaped"]


def _cleared_rows() -> list[dict[str, Any]]:
    return load_data("statistics.yaml")["cleared"]["rows"]


class HouseholdRecord(BaseModel):
    """One household's file as the statistics need it (option keys of the edition)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    household_id: str
    unit: str | None = None
    status: Status = "filed"
    cancel_reason: str | None = None  # a `cleared` row key of status cancelled (statistics.yaml)
    category: str | None = None
    primary_cause: str | None = None
    key_group: str | None = None
    measure: str | None = None
    plan: str | None = None
    filed_on: dt.date | None = None
    closed_on: dt.date | None = None  # cancelled or escaped on

    @model_validator(mode="after")
    def _reason(self) -> HouseholdRecord:
        reasons = {r["key"] for r in _cleared_rows() if r["status"] == "cancelled"}
        if self.status == "cancelled" and self.cancel_reason not in reasons:
            raise ValueError(f"a cancelled record needs a cancel_reason among {sorted(reasons)}")
        if self.status != "cancelled" and self.cancel_reason is not None:
            raise ValueError("only a cancelled record has a cancel_reason")
        return self


@dataclass(frozen=True)
class HouseholdProblem:
    """Why one filed household cannot be counted: codes like ``category.missing``."""

    household_id: str
    codes: tuple[str, ...]


class StatisticsError(ValueError):
    """B ≠ B1/B2/B3: the filed households that break the table."""

    def __init__(self, problems: list[HouseholdProblem]):
        shown = "; ".join(f"{p.household_id}: {', '.join(p.codes)}" for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} filed households cannot be counted: {shown}{more}")
        self.problems = problems


@dataclass(frozen=True)
class StatisticsCounts:
    """The table's figures: A by cleared row, B, and each group's rows (B1..D)."""

    cleared_total: int
    cleared: dict[str, int]
    filed_total: int
    groups: dict[str, dict[str, int]]


@dataclass(frozen=True)
class _Group:
    name: str
    field: str
    optional: bool
    to_row: dict[str, str]  # record value -> row key
    rows: list[dict[str, Any]]


def _groups(edition: Edition) -> tuple[_Group, ...]:
    """The groups of statistics.yaml, each row key checked against the edition."""
    out = []
    for spec in load_data("statistics.yaml")["groups"]:
        options = tx.enum(spec["enumeration"], edition).options
        keys = [row["key"] for row in spec["rows"]]
        if spec.get("via"):
            to_row = {k: getattr(o, spec["via"]) for k, o in options.items()}
        else:
            to_row = {k: k for k in options}
        unknown = set(keys) - set(to_row.values())
        if unknown:
            raise ValueError(f"statistics.yaml {spec['name']}: rows {sorted(unknown)} match no option")
        to_row = {value: row for value, row in to_row.items() if row in keys}
        out.append(_Group(spec["name"], spec["field"], bool(spec.get("optional")), to_row, spec["rows"]))
    return tuple(out)


def _counted_as(record: HouseholdRecord, as_of: dt.date) -> str | None:
    """'cleared', 'filed' or None (not yet filed at the cut-off)."""
    if record.status != "filed" and (record.closed_on is None or record.closed_on <= as_of):
        return "cleared"
    if record.filed_on is None or record.filed_on <= as_of:
        return "filed"
    return None


def _problem(record: HouseholdRecord, groups: tuple[_Group, ...]) -> HouseholdProblem | None:
    """Why a filed household cannot be counted in B1..B3 (or C, D), or None."""
    codes = []
    for g in groups:
        value = getattr(record, g.field)
        if (g.to_row.get(value) if value else None) is None and (value or not g.optional):
            codes.append(f"{g.field}.{'no_row' if value else 'missing'}")
    return HouseholdProblem(record.household_id, tuple(codes)) if codes else None


def count_statistics(records: Iterable[HouseholdRecord], edition: Edition, *, as_of: dt.date) -> StatisticsCounts:
    """The table's figures as of the cut-off date, or StatisticsError."""
    groups = _groups(edition)
    cleared = {row["key"]: 0 for row in _cleared_rows()}
    counts = {g.name: {row["key"]: 0 for row in g.rows} for g in groups}
    filed, problems = 0, []
    for record in records:
        kind = _counted_as(record, as_of)
        if kind == "cleared":
            cleared[record.cancel_reason if record.status == "cancelled" else record.status] += 1
            continue
        if kind is None:
            continue
        filed += 1
        problem = _problem(record, groups)
        if problem is not None:
            problems.append(problem)
            continue
        for g in groups:
            value = getattr(record, g.field)
            if value:
                counts[g.name][g.to_row[value]] += 1
    if problems:
        raise StatisticsError(problems)
    return StatisticsCounts(sum(cleared.values()), cleared, filed, counts)


@dataclass(frozen=True)
class StatisticsTally:
    """The same households counted elsewhere (grouped in the database): cleared ones by
    their `cleared` row key (the cancel reason, or ``escaped``), and the filed ones'
    total and count per code of each group's field (None: no code)."""

    cleared: dict[str, int]
    filed_total: int
    codes: dict[str, dict[str | None, int]]  # field -> code -> households


def uncounted_codes(tally: StatisticsTally, edition: Edition) -> dict[str, list[str | None]]:
    """Field -> the codes filed households hold that have no row (None: missing where a
    row is required). Empty when B = B1 = B2 = B3 holds; else the households holding
    them are the ones :func:`counts_from_tally` names."""
    out: dict[str, list[str | None]] = {}
    for g in _groups(edition):
        bad = [code for code in tally.codes.get(g.field, {})
               if (g.to_row.get(code) if code else None) is None and (code or not g.optional)]
        if bad:
            out[g.field] = bad
    return out


def counts_from_tally(tally: StatisticsTally, edition: Edition,
                      breaking: Iterable[HouseholdRecord] = ()) -> StatisticsCounts:
    """The table's figures from grouped counts, as :func:`count_statistics` makes them
    from records; StatisticsError naming the ``breaking`` households (those holding
    :func:`uncounted_codes`) when there are any."""
    groups = _groups(edition)
    if uncounted_codes(tally, edition):
        raise StatisticsError([p for r in breaking if (p := _problem(r, groups)) is not None])
    cleared = {row["key"]: 0 for row in _cleared_rows()}
    for key, n in tally.cleared.items():
        if key not in cleared:
            raise ValueError(f"a cleared record counts in no row of A: {key!r}")
        cleared[key] += n
    counts = {g.name: {row["key"]: 0 for row in g.rows} for g in groups}
    for g in groups:
        for code, n in tally.codes.get(g.field, {}).items():
            if code:
                counts[g.name][g.to_row[code]] += n
    return StatisticsCounts(sum(cleared.values()), cleared, tally.filed_total, counts)


def statistics_xlsx(records: Iterable[HouseholdRecord], edition: Edition, *, as_of: dt.date, unit: str,
                    preparer: str, prepared_on: dt.date, lang: str = "zh_CN") -> bytes:
    """The table as XLSX bytes, laid out like the paper table (StatisticsError if B ≠ B1..B3)."""
    return statistics_table_xlsx(count_statistics(records, edition, as_of=as_of), as_of=as_of, unit=unit,
                                 preparer=preparer, prepared_on=prepared_on, lang=lang)


def statistics_table_xlsx(counts: StatisticsCounts, *, as_of: dt.date, unit: str, preparer: str,
                          prepared_on: dt.date, lang: str = "zh_CN") -> bytes:
    """The table of figures already counted, as XLSX bytes laid out like the paper table."""
    from openpyxl import Workbook

    from documents.xlsx_out import BORDER, CENTER, LEFT, RIGHT, font, save

    data, title = load_data("statistics.yaml"), tx.t("statistics", "title", lang)
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.page_setup.paperSize, ws.page_setup.fitToWidth = ws.PAPERSIZE_A4, 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for col, width in zip("ABC", (22, 44, 12)):
        ws.column_dimensions[col].width = width

    def line(values: list[Any], merge: str | None = None, align=CENTER, bold: bool = False, size: float = 11,
             border: bool = True) -> int:
        ws.append(values)
        r = ws.max_row
        for c in ws[r]:
            c.font, c.alignment = font(size, bold), align
            if border:
                c.border = BORDER
        if merge:
            ws.merge_cells(merge.format(r=r))
        return r

    line([title], "A{r}:C{r}", bold=True, size=16, border=False)
    line([tx.t("statistics", "header", lang, unit=unit, preparer=preparer, date=tx.date(prepared_on, lang))],
         "A{r}:C{r}", LEFT, border=False)
    line([tx.t("statistics", "unit", lang)], "A{r}:C{r}", RIGHT, border=False)
    line([tx.pick(data["cleared"]["label"], lang), None, counts.cleared_total], "A{r}:B{r}", LEFT, True)
    for row in data["cleared"]["rows"]:
        line([row["row"], tx.pick(row["label"], lang), counts.cleared[row["key"]]])
    line([tx.pick(data["filed"]["label"], lang), None, counts.filed_total], "A{r}:B{r}", LEFT, True)
    for spec in data["groups"]:
        group = counts.groups[spec["name"]]
        if spec.get("optional"):  # C and D: a heading row, then (n) | label | count
            line([tx.pick(spec["label"], lang), None, None], "A{r}:C{r}", LEFT, True)
            for row in spec["rows"]:
                line([row["row"], tx.pick(row["label"], lang), group[row["key"]]])
            continue
        first = ws.max_row + 1
        for row in spec["rows"]:
            line([tx.pick(spec["label"], lang), f"{row['row']}{tx.pick(row['label'], lang)}", group[row["key"]]])
        ws.merge_cells(f"A{first}:A{ws.max_row}")
    line([tx.t("statistics", "cut_off", lang, date=tx.date(as_of, lang))], "A{r}:C{r}", LEFT, border=False)
    out = io.BytesIO()
    save(wb, out, prepared_on, title)
    return out.getvalue()
