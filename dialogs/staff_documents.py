"""The staff desk's documents, built after the step that asked for them
(dialogs/drafts_io.render_replies), outside its transaction: the public notice
(``notice.docx:<id>``), the contact card (``card.pdf:<reference>``), the statistics
table (``stats.xlsx:<as of>|<unit or *>``) and the records export
(``records.xlsx:<day>|<unit or *>``).

Each reads what it needs in short transactions of its own, then builds the file
(documents/). The statistics table is counted in the database (grouped by the filings'
plain codes; only households that break B = B1 = B2 = B3 are read one by one). The
records export streams: households are read in batches while the XLSX is written on a
worker thread, and ``progress(count)`` is called as it goes.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from documents.card import card_docx, card_from_form, card_pdf
from documents.export import ExportRecord, write_records_xlsx
from documents.notice import PublicNotice, notice_docx, notice_household, notice_pdf
from documents.statistics import (HouseholdRecord, StatisticsCounts, StatisticsError, StatisticsTally,
                                  counts_from_tally, statistics_table_xlsx, uncounted_codes)
from rules.edition import Edition
from rules.form import RegistrationForm
from storage import Filing, FilingTally

Progress = Callable[[int], Awaitable[Any]] | None
ALL = "*"
BATCH = 1000


def household_record(f: Filing) -> HouseholdRecord:
    """A filing as the statistics table counts it."""
    return HouseholdRecord(household_id=f.reference, unit=f.unit, status=f.close_status or "filed",
                           cancel_reason=f.close_reason if f.close_status == "cancelled" else None,
                           category=f.category, primary_cause=f.primary_cause, key_group=f.key_group,
                           measure=f.measure, plan=f.plan, filed_on=f.filed_on, closed_on=f.closed_on)


def _form(stored: Any) -> RegistrationForm:
    return RegistrationForm.model_validate(stored.content.get("form", {}))


async def notice(db: Any, arg: str, fmt: str, edition: Edition, lang: str, progress: Progress) -> bytes | None:
    """The notice of 6号 附件2 (names, sizes, incomes and cause groups only)."""
    async with db.transaction() as tx:
        found = await tx.cases.notice(int(arg)) if arg.isdigit() else None
        if found is None:
            return None
        unit = await tx.staff.unit(found.unit)
        forms = [_form(d) for ref in found.references if (d := await tx.drafts.get(ref)) is not None]
    doc = PublicNotice(unit=found.unit, start=found.start, households=[notice_household(f, edition) for f in forms],
                       contact_person=(unit.contact_person if unit else None) or "—",
                       report_phone=(unit.report_phone if unit else None) or "—", issued_on=found.start,
                       objections_by=found.objections_by)
    return (notice_docx if fmt == "docx" else notice_pdf)(doc, edition, lang=lang)


async def card(db: Any, arg: str, fmt: str, edition: Edition, lang: str, progress: Progress) -> bytes | None:
    """The contact card of 7号 附件1, both copies."""
    async with db.transaction() as tx:
        stored = await tx.drafts.get(arg)
        filing = await tx.cases.filing(arg)
        targets = await tx.cases.events(arg, "target")
    if stored is None or filing is None:
        return None
    relief_by = targets[-1].details.get("relief_by") if targets else None
    made = card_from_form(_form(stored), helping_unit=filing.unit,
                          relief_by=dt.date.fromisoformat(relief_by) if relief_by else None)
    return (card_docx if fmt == "docx" else card_pdf)(made, edition, lang=lang)


def _batches(db: Any, loop: asyncio.AbstractEventLoop, read: Callable[[str], Awaitable[list]],
             key: Callable[[Any], str]) -> Iterator[Any]:
    """On a worker thread: every item, each batch read on the event loop (``read(after)``)."""
    after = ""
    while True:
        found = asyncio.run_coroutine_threadsafe(read(after), loop).result()
        yield from found
        if len(found) < BATCH:
            return
        after = key(found[-1])


def statistics_tally(found: FilingTally) -> StatisticsTally:
    """The database's grouped counts as the statistics table takes them."""
    cleared: dict[str, int] = {}
    for status, reason, n in found.cleared:
        key = reason if status == "cancelled" else status
        cleared[key or ""] = cleared.get(key or "", 0) + n
    return StatisticsTally(cleared=cleared, filed_total=found.filed,
                           codes={field: dict(counts) for field, counts in found.codes.items()})


async def count_filings(cases: Any, edition: Edition, *, unit: str | None, as_of: dt.date) -> StatisticsCounts:
    """The table's figures counted in the database (``cases``: the CaseRepo), or
    StatisticsError naming every filed household that breaks B = B1 = B2 = B3."""
    tally = statistics_tally(await cases.statistics_tally(unit=unit, as_of=as_of))
    uncounted = uncounted_codes(tally, edition)
    breaking = await cases.filed_holding(uncounted, unit=unit, as_of=as_of) if uncounted else []
    return counts_from_tally(tally, edition, (household_record(f) for f in breaking))


async def stats(db: Any, arg: str, fmt: str, edition: Edition, lang: str, progress: Progress) -> bytes | None:
    """The statistics table of 7号 附件2 (None if B ≠ B1 = B2 = B3), counted in the database."""
    day, _, unit = arg.partition("|")
    as_of = dt.date.fromisoformat(day)
    try:
        counts = await db.run(lambda tx: count_filings(tx.cases, edition, unit=None if unit == ALL else unit,
                                                       as_of=as_of))
    except StatisticsError:  # changed since the step checked it: no table (the step said which households)
        return None
    return await asyncio.to_thread(lambda: statistics_table_xlsx(counts, as_of=as_of, unit=unit if unit != ALL else "",
                                                                 preparer="", prepared_on=as_of, lang=lang))


class _Stored(BaseModel):
    """The part of a draft's stored content the export reads (the rest is ignored)."""

    model_config = ConfigDict(extra="ignore")

    form: RegistrationForm = Field(default_factory=RegistrationForm)


def export_record(reference: str, status: str, plain: bytes) -> ExportRecord:
    """One filed household's decrypted content (JSON bytes) as the export takes it,
    parsed and validated in one step."""
    return ExportRecord(household_id=reference, status=status, form=_Stored.model_validate_json(plain).form)


async def records(db: Any, arg: str, fmt: str, edition: Edition, lang: str, progress: Progress) -> bytes | None:
    """Every filed household's form (of one unit), streamed; ``progress(count)`` as it goes."""
    day, _, unit = arg.partition("|")
    loop = asyncio.get_running_loop()

    async def read(after: str) -> list[tuple[str, str, bytes]]:
        return await db.run(lambda tx: tx.cases.filed_plaintexts(unit=None if unit == ALL else unit, after=after,
                                                                 batch=BATCH))

    def rows() -> Iterator[ExportRecord]:
        for ref, status, plain in _batches(db, loop, read, lambda row: row[0]):
            yield export_record(ref, status, plain)

    def tell(count: int) -> None:
        if progress is not None:
            asyncio.run_coroutine_threadsafe(progress(count), loop)

    out = io.BytesIO()
    await asyncio.to_thread(write_records_xlsx, rows(), edition, out, exported_on=dt.date.fromisoformat(day),
                            lang=lang, progress=tell, every=BATCH)
    return out.getvalue()


MAKERS: dict[str, Callable[..., Awaitable[bytes | None]]] = {"notice": notice, "card": card, "stats": stats,
                                                             "records": records}


async def make(db: Any, kind: str, edition: Edition, lang: str, progress: Progress = None) -> bytes | None:
    """The document ``kind`` (``<what>.<format>:<arg>``), or None if it is not one of these."""
    what_fmt, _, arg = kind.partition(":")
    what, _, fmt = what_fmt.partition(".")
    maker = MAKERS.get(what)
    return await maker(db, arg, fmt, edition, lang, progress) if maker else None
