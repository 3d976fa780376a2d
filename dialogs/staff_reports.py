"""/stats and /export: the statistics table of 7号 附件2 (XLSX) for one unit or all, as
of a day; and the filed households' records (XLSX). Both are built after the step
(dialogs/staff_documents.py) and sent as documents; a long export shows its progress.

The table is refused where B ≠ B1 = B2 = B3, naming each household that breaks it
(checked in the step from the filings' codes, counted in the database, before anything
is built).

```mermaid
stateDiagram-v2
    [*] --> unit: /stats · /export (reviewer)
    unit --> as_of: a unit or all (/stats)
    as_of --> [*]: today or a typed day: the table (XLSX), or the households that break it
    unit --> [*]: (/export) the records (XLSX, progress shown)
```
"""
from __future__ import annotations

import datetime as dt

from documents.statistics import StatisticsError

from dialogs import staff_desk as sd
from dialogs.access import audit_export
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline
from dialogs.staff_documents import count_filings
from dialogs.types import Choice, Day, Msg, Pick, Reply, Text

ALL = "*"
SHOWN_AT_MOST = 20
PROBLEMS = {"category.missing": "staff.stats.category_missing", "category.no_row": "staff.stats.category_no_row",
            "primary_cause.missing": "staff.stats.cause_missing", "primary_cause.no_row": "staff.stats.cause_no_row",
            "key_group.missing": "staff.stats.key_group_missing", "key_group.no_row": "staff.stats.key_group_no_row"}


class ReportState(FlowState):
    """Which report, and for which unit."""

    key = "reports"
    report: str | None = None  # stats | export
    unit: str | None = None
    asking: str | None = None  # unit | as_of


def _units(turn: Turn) -> list[str]:
    return inline(turn.ctx.tx.cases.filing_units())


def start(turn: Turn, report: str) -> Replies:
    """/stats or /export: for which unit."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    turn.open(FLOW.name)
    st = turn.reset(ReportState)
    st.report, st.asking = report, "unit"
    units = _units(turn)
    choices = [Choice(Pick("staff", "unit:*"), Msg("staff.btn.all_units"))]
    choices += [Choice(Pick("staff", f"unit:{i}"), Msg("staff.btn.unit", {"unit": u})) for i, u in enumerate(units)]
    return [turn.ask((Msg("staff.reports.ask_unit"),), choices)]


def stats(turn: Turn, as_of: dt.date) -> Replies:
    """The table, or the households that break B = B1 = B2 = B3."""
    st = turn.state(ReportState)
    unit = None if st.unit == ALL else st.unit
    try:
        counts = inline(count_filings(turn.ctx.tx.cases, turn.ctx.edition, unit=unit, as_of=as_of))
    except StatisticsError as exc:
        lines = [Msg("staff.stats.refused", {"count": len(exc.problems)})]
        lines += [Msg("staff.stats.problem", {"ref": p.household_id,
                                              "what": tuple(Msg(PROBLEMS[c]) for c in p.codes if c in PROBLEMS)})
                  for p in exc.problems[:SHOWN_AT_MOST]]
        turn.reset(ReportState)
        return [Reply(tuple(lines))]
    turn.reset(ReportState)
    name = f"统计表-{as_of.isoformat()}"
    return [Reply((Msg("staff.stats.made", {"unit": unit or Msg("staff.btn.all_units"), "date": Day(as_of),
                                            "filed": counts.filed_total, "cleared": counts.cleared_total}),)),
            Reply((Msg("staff.document", {"file": f"{name}.xlsx"}),),
                  document=(f"{name}.xlsx", f"stats.xlsx:{as_of.isoformat()}|{st.unit}"))]


def export(turn: Turn) -> Replies:
    """The records of the filed households (sent as a document, progress shown)."""
    st = turn.state(ReportState)
    unit = None if st.unit == ALL else st.unit
    count = inline(turn.ctx.tx.cases.count_filings(unit=unit))
    inline(audit_export(turn.ctx.tx, sd.actor(turn), unit, count, at=turn.ctx.tx.privacy.now()))  # a staff read
    turn.reset(ReportState)
    name = f"档案-{turn.ctx.today.isoformat()}"
    return [Reply((Msg("staff.export.started", {"count": count}),)),
            Reply((Msg("staff.document", {"file": f"{name}.xlsx"}),),
                  document=(f"{name}.xlsx", f"records.xlsx:{turn.ctx.today.isoformat()}|{st.unit}"), protect=True)]


def on_text(turn: Turn, text: Text) -> Replies:
    """The day the table is counted as of."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(ReportState)
    if st.asking == "as_of":
        day = sd.read_date(text.text, turn)
        if day is None or day > turn.ctx.today:
            return [Reply((Msg("staff.err.date_past"),))] + repeat(turn)
        return stats(turn, day)
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """unit:<n|*> · today."""
    if not sd.is_reviewer(turn):
        return sd.refused(turn, "role")
    st = turn.state(ReportState)
    action, _, arg = pick.value.partition(":")
    if st.asking == "unit" and action == "unit":
        units = _units(turn)
        if arg != ALL and not (arg.isdigit() and int(arg) < len(units)):
            return repeat(turn)
        st.unit = ALL if arg == ALL else units[int(arg)]
        if st.report == "export":
            return export(turn)
        st.asking = "as_of"
        return repeat(turn)
    if st.asking == "as_of" and action == "today":
        return stats(turn, turn.ctx.today)
    return repeat(turn)


def repeat(turn: Turn) -> Replies:
    st = turn.state(ReportState)
    if st.asking == "as_of":
        return [turn.ask((Msg("staff.stats.ask_as_of"),), (Choice(Pick("staff", "today"), Msg("staff.btn.today")),))]
    return start(turn, st.report or "stats")


FLOW = Flow(name="reports", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"stats": lambda t: start(t, "stats"), "export": lambda t: start(t, "export")},
            state=ReportState)
