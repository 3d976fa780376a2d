"""The staff desk's statistics table and records export end to end from storage: the
documents as /stats and /export build them (dialogs/staff_documents.py), over seeded
filed households in a real SQLite file (drafts encrypted as the form stores them,
filings with their statistics codes).

    .venv/bin/python bench/staff_bench.py [households]   (default 100000)

Prints the seeding time, then for each document its wall time, the process's CPU time
and resident memory (RSS) before, at its highest while it was built (sampled by the
export's progress callback and a background sampler) and after; then the records
export's stages timed apart (read + decrypt, parse + validate, build rows, write). On
a shared machine wall times are noisy; CPU times less so. bench/
documents_bench.py measures the generators alone on records in memory.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogs.drafts import DraftContent  # noqa: E402
from dialogs import staff_documents  # noqa: E402
from documents.export import RecordRows  # noqa: E402
from documents.xlsx_stream import StreamingWorkbook  # noqa: E402
from rules.edition import load_edition  # noqa: E402
from storage import Database, DataCipher  # noqa: E402
from storage.repos.drafts import content_aad  # noqa: E402
from storage.times import to_db  # noqa: E402

AS_OF = dt.date(2016, 12, 31)
UNITS = [f"第{i}基层工会" for i in range(40)]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def template() -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "dialogs"))
    from staff_helpers import full_form  # the tests' complete form (two members)

    return DraftContent(form=full_form(), verdict="eligible").model_dump(mode="json")


def seed(path: Path, cipher: DataCipher, n: int) -> None:
    """n filed households: a draft row (content encrypted per reference) and a filing row."""
    ed = load_edition()
    enums, rnd = ed.form.enumerations, random.Random(7)
    causes, groups = list(enums.primary_causes.keys()), list(enums.key_groups.keys())
    measures, plans = list(enums.measures.keys()), list(enums.plans.keys())
    base, now = template(), to_db(dt.datetime(2016, 10, 1, tzinfo=dt.timezone.utc))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    drafts, filings = [], []
    for i in range(n):
        ref, unit = f"H{i:07d}", UNITS[i % len(UNITS)]
        category = rnd.choice(["low_income", "marginal", "accident"])
        form = dict(base["form"], name=f"职工{i}", employer=unit, hardship_category=category,
                    id_number=f"36010219750601{i % 10000:04d}")
        token = cipher.encrypt_json(dict(base, form=form), aad=content_aad(ref))
        drafts.append((ref, "filed", category, unit, f"tg:{100000 + i}", f"tg:{100000 + i}", now, now, token))
        status = rnd.choices([None, "cancelled", "escaped"], [8, 1, 1])[0]
        filings.append((ref, unit, "2016-05-01", "2016-06-15", status and "2016-09-01", status,
                        "deceased" if status == "cancelled" else None, category, rnd.choice(causes),
                        rnd.choice(groups), rnd.choice(measures), rnd.choice(plans), "tg:2"))
        if len(drafts) == 5000 or i == n - 1:
            conn.executemany("INSERT INTO drafts (reference, status, category, unit, applicant_key, created_by, "
                             "created_at, updated_at, version, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)", drafts)
            conn.executemany("INSERT INTO filings (reference, unit, filed_on, entry_deadline, closed_on, close_status, "
                             "close_reason, category, primary_cause, key_group, measure, plan, filed_by) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", filings)
            conn.commit()
            drafts, filings = [], []
    conn.close()


async def measured(what: str, make) -> bytes:
    """Runs ``make()``, sampling RSS every 50 ms; prints time and memory."""
    before, peak, done = rss_mb(), [rss_mb()], asyncio.Event()

    async def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    start, cpu = time.perf_counter(), time.process_time()
    data = await make()
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    done.set()
    await sampler
    print(f"{what}: {took:.2f} s ({cpu:.2f} s CPU, all threads), {len(data) / 2**20:.1f} MB file; "
          f"RSS {before:.0f} MB before, "
          f"peak {max(peak[0], rss_mb()):.0f} MB, {rss_mb():.0f} MB after", flush=True)
    return data


async def export_stages(db: Database, ed) -> None:
    """The records export again, its stages timed apart on one thread (CPU seconds):
    read + decrypt (a batch of 1000 from SQLite, AES-GCM), parse + validate (the form's
    JSON into the pydantic model), build rows (labels, money, figures), write (XML and
    ZIP compression, documents/xlsx_stream.py)."""
    spent = dict.fromkeys(("read + decrypt", "parse + validate", "build rows", "write"), 0.0)
    make, after, clock = RecordRows(ed), "", time.process_time
    with StreamingWorkbook(io.BytesIO(), created=AS_OF) as wb:
        households, members = wb.sheet("h"), wb.sheet("m")
        while True:
            t0 = clock()
            found = await db.run(lambda tx: tx.cases.filed_plaintexts(after=after, batch=staff_documents.BATCH))
            t1 = clock()
            records = [staff_documents.export_record(ref, status, plain) for ref, status, plain in found]
            t2 = clock()
            built = [(make.household(r), make.members(r)) for r in records]
            t3 = clock()
            for row, member_rows in built:
                households.append(row)
                for member in member_rows:
                    members.append(member)
            t4 = clock()
            for stage, took in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                spent[stage] += took
            if len(found) < staff_documents.BATCH:
                break
            after = found[-1][0]
        t0 = clock()
    spent["write"] += clock() - t0  # the members sheet copied in, the package parts
    print("  records XLSX by stage (CPU s): " + ", ".join(f"{k} {v:.2f}" for k, v in spent.items())
          + f"; total {sum(spent.values()):.2f}", flush=True)


async def main(n: int) -> None:
    ed = load_edition()
    with tempfile.TemporaryDirectory() as tmp:
        path, cipher = Path(tmp) / "bench.sqlite3", DataCipher(os.urandom(32))
        async with await Database.open(path, cipher, synchronous="NORMAL"):
            pass
        start = time.perf_counter()
        seed(path, cipher, n)
        print(f"seeded {n} filed households in {time.perf_counter() - start:.1f} s "
              f"({path.stat().st_size / 2**20:.0f} MB)", flush=True)
        async with await Database.open(path, cipher, synchronous="NORMAL") as db:
            table = await measured("statistics table (all units)", lambda: staff_documents.stats(
                db, f"{AS_OF.isoformat()}|*", "xlsx", ed, "zh_CN", None))
            unit = await measured("statistics table (one unit)", lambda: staff_documents.stats(
                db, f"{AS_OF.isoformat()}|{UNITS[0]}", "xlsx", ed, "zh_CN", None))
            assert await db.run(lambda tx: tx.cases.count_filings()) == n and table and unit
            shown = []

            async def progress(count: int) -> None:
                shown.append((count, rss_mb()))

            export = await measured("records XLSX (all units)", lambda: staff_documents.records(
                db, f"{AS_OF.isoformat()}|*", "xlsx", ed, "zh_CN", progress))
            rss = [m for _, m in shown]
            print(f"  progress calls: {len(shown)} (last {shown[-1][0] if shown else 0}); RSS at the first, "
                  f"middle and last: {rss[0]:.0f} / {rss[len(rss) // 2]:.0f} / {rss[-1]:.0f} MB" if rss else "")
            assert export
            await export_stages(db, ed)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
