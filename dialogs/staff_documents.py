"""The staff desk's documents, built after the step that asked for them
(dialogs/drafts_io.render_replies), outside its transaction: the public notice
(``notice.docx:<id>``), the contact card (``card.pdf:<reference>``), the statistics
table (``stats.xlsx:<as of>|<unit or *>``) and the records export
(``records.xlsx:<day>|<unit or *>``).

Each reads what it needs in short transactions of its own, then builds the file
(documents/). The records export streams: households are read in batches while the
XLSX is written on a worker thread, and ``progress(count)`` is called as it goes.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from documents.card import card_docx, card_from_form, card_pdf
from documents.export import ExportRecord, write_records_xlsx
from documents.notice import PublicNotice, notice_docx, notice_household, notice_pdf
from documents.statistics import HouseholdRecord, StatisticsError, statistics_xlsx
from rules.edition import Edition
from rules.form import RegistrationForm
from storage import Filing

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


async def stats(db: Any, arg: str, fmt: str, edition: Edition, lang: str, progress: Progress) -> bytes | None:
    """The statistics table of 7号 附件2 (StatisticsError if B ≠ B1 = B2 = B3), households streamed."""
    day, _, unit = arg.partition("|")
    as_of, loop = dt.date.fromisoformat(day), asyncio.get_running_loop()

    async def read(after: str) -> list[Filing]:
        return await db.run(lambda tx: tx.cases.filing_batch(unit=None if unit == ALL else unit, after=after,
                                                             batch=BATCH))

    def records() -> Iterator[HouseholdRecord]:
        return (household_record(f) for f in _batches(db, loop, read, lambda f: f.reference))

    try:
        return await asyncio.to_thread(lambda: statistics_xlsx(records(), edition, as_of=as_of,
                                                               unit=unit if unit != ALL else "", preparer="",
                                                               prepared_on=as_of, lang=lang))
    except StatisticsError:  # changed since the step checked it: no table (the step said which households)
        return None


async def records(db: Any, arg: str, fmt: str, edition: Edition, lang: str, progress: Progress) -> bytes | None:
    """Every filed household's form (of one unit), streamed; ``progress(count)`` as it goes."""
    day, _, unit = arg.partition("|")
    loop = asyncio.get_running_loop()

    async def read(after: str) -> list[tuple[str, str, dict]]:
        return await db.run(lambda tx: tx.cases.filed_contents(unit=None if unit == ALL else unit, after=after,
                                                               batch=BATCH))

    def rows() -> Iterator[ExportRecord]:
        for ref, status, content in _batches(db, loop, read, lambda row: row[0]):
            yield ExportRecord(household_id=ref, status=status,
                               form=RegistrationForm.model_validate(content.get("form", {})))

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
