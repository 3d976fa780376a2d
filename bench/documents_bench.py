"""Time and memory of the statistics table and the records export over seeded households.

    .venv/bin/python bench/documents_bench.py [households]   (default 100000)

Prints wall time and memory: tracemalloc peak for the statistics table; for the
export the process RSS sampled by the progress callback, then a smaller traced run
whose Python memory is sampled the same way (flat memory = it does not grow with the
row count). Aims: table < 2 s, export < 20 s, flat memory.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from documents.export import ExportRecord, write_records_xlsx  # noqa: E402
from documents.statistics import HouseholdRecord, statistics_xlsx  # noqa: E402
from rules.edition import load_edition  # noqa: E402
from rules.form import HouseholdMember, RegistrationForm  # noqa: E402

AS_OF = dt.date(2016, 10, 31)


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc), MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def seeded_records(n: int, edition) -> list[HouseholdRecord]:
    enums, rnd = edition.form.enumerations, random.Random(1)
    cats, causes = ["low_income", "marginal", "accident"], enums.primary_causes.keys()
    groups, measures, plans = enums.key_groups.keys(), enums.measures.keys(), enums.plans.keys()
    out = []
    for i in range(n):
        status = rnd.choices(["filed", "cancelled", "escaped"], [8, 1, 1])[0]
        out.append(HouseholdRecord(household_id=f"H{i:06d}", status=status,
                                   cancel_reason="deceased" if status == "cancelled" else None,
                                   category=rnd.choice(cats), primary_cause=rnd.choice(causes),
                                   key_group=rnd.choice(groups), measure=rnd.choice(measures),
                                   plan=rnd.choice(plans), filed_on=dt.date(2016, 5, 1)))
    return out


def seeded_forms(n: int, template: RegistrationForm):
    """Forms made one at a time (the export must not need them all in memory)."""
    for i in range(n):
        members = [HouseholdMember(name=f"成员{j}", relation="son", sex="male", monthly_income=Decimal(100 * j),
                                   identity="student", medical_insurance="urban_resident") for j in range(i % 4)]
        form = template.model_copy(update={"name": f"职工{i}", "id_number": f"36010219750601{i % 10000:04d}",
                                           "bank_card": f"622202{i:013d}", "members": members})
        yield ExportRecord(household_id=f"H{i:06d}", status="filed", form=form)


def template_form() -> RegistrationForm:
    return RegistrationForm(
        worker_type="worker", worker_number="JX-1", hardship_category="marginal", name="x", ethnicity="汉族",
        sex="female", political_status="masses", birth_date=dt.date(1975, 6, 1), health_status="good",
        work_status="on_duty", model_worker="none", housing_type="rented", floor_area="from_20_to_50",
        mobile="13907910042", work_start_date=dt.date(1995, 7, 1), industry="manufacturing",
        marital_status="married", hukou="urban", address="南昌市青山湖区北京东路88号", employer="江西洪都机械厂",
        unit_nature="state_owned", enterprise_status="normal", single_parent=False,
        own_monthly_income=Decimal("1650.50"), other_annual_income=Decimal("1200"), hukou_region="南昌市青山湖区",
        medical_insurance="urban_employee", self_reliant=True, zero_employment=False, primary_cause="laid_off",
        cause_summary="下岗后收入低", secondary_causes=["schooling"], bank_name="工商银行", bank_branch="北京东路支行",
        attachments=["identity", "income"], relief_target=True, relief_decided_on=dt.date(2016, 10, 20),
        key_group="other", measure="employment", plan="skills_training", home_visit_signers=["王芳", "刘强"],
        suggested_category="marginal", filled_on=dt.date(2016, 9, 20))


def main(n: int) -> None:
    edition = load_edition()
    t = time.perf_counter()
    records = seeded_records(n, edition)
    print(f"seeded {n} household records in {time.perf_counter() - t:.2f} s (not part of the table)")

    t = time.perf_counter()
    data = statistics_xlsx(records, edition, as_of=AS_OF, unit="江西省总工会", preparer="bench", prepared_on=AS_OF)
    took = time.perf_counter() - t
    tracemalloc.start()  # a second run for memory (tracemalloc slows it down)
    statistics_xlsx(records, edition, as_of=AS_OF, unit="江西省总工会", preparer="bench", prepared_on=AS_OF)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"statistics table: {took:.2f} s for {n} households, {len(data)} bytes, "
          f"tracemalloc peak {peak:.1f} MB beyond the records (aim < 2 s)")
    del records

    samples: list[tuple[int, float]] = []
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / "documents_bench_export.xlsx"
    every = max(n // 10, 1)
    start_rss = rss_mb()
    t = time.perf_counter()
    with out_path.open("wb") as out:
        count = write_records_xlsx(seeded_forms(n, template_form()), edition, out, exported_on=AS_OF,
                                   progress=lambda k: samples.append((k, rss_mb())), every=every)
    took = time.perf_counter() - t
    print(f"records export: {took:.2f} s for {count} households ({out_path.stat().st_size / 2**20:.1f} MB file, "
          f"forms built on the fly; aim < 20 s)")
    print("  RSS by rows written: " + ", ".join(f"{k}: {mb - start_rss:+.1f} MB" for k, mb in samples))
    samples.clear()  # RSS can hide growth (freed records are reused); traced Python memory cannot
    tracemalloc.start()
    with out_path.open("wb") as out:
        write_records_xlsx(seeded_forms(n // 5, template_form()), edition, out, exported_on=AS_OF,
                           progress=lambda k: samples.append((k, tracemalloc.get_traced_memory()[0] / 2**20)),
                           every=max(n // 50, 1))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"  traced memory by rows written ({n // 5} households, traced run): "
          + ", ".join(f"{k}: {mb:.1f} MB" for k, mb in samples) + f"; peak {peak:.1f} MB")
    out_path.unlink()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
