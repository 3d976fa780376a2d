"""The statistics table counted in the database (CaseRepo.statistics_tally, as /stats and
the table document count it) agrees with counting every household one by one, for one
unit and for all, at several cut-off days; and it names the same breaking households."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from dialogs.staff_documents import count_filings, household_record
from documents.statistics import StatisticsError, count_statistics
from rules.edition import load_edition
from storage import Database, Filing

UNITS = ["某中学工会", "某机械厂工会"]
REASONS = ["unassisted_two_years", "deceased", "relation_ended", "unreachable", "no_longer_eligible"]


def filings(n: int, edition, seed: int = 11) -> list[Filing]:
    enums, rnd, out = edition.form.enumerations, random.Random(seed), []
    for i in range(n):
        status = rnd.choices([None, "cancelled", "escaped"], [6, 2, 1])[0]
        filed = dt.date(2016, rnd.randint(1, 12), rnd.randint(1, 28))
        out.append(Filing(
            reference=f"R{i:03d}", unit=UNITS[i % 2], filed_on=filed, entry_deadline=filed, filed_by="tg:2",
            close_status=status, close_reason=rnd.choice(REASONS) if status == "cancelled" else None,
            closed_on=rnd.choice([None, filed + dt.timedelta(days=rnd.randint(0, 90))]) if status else None,
            category=rnd.choice(["low_income", "marginal", "accident"]),
            primary_cause=rnd.choice(enums.primary_causes.keys()), key_group=rnd.choice(enums.key_groups.keys()),
            measure=rnd.choice([*enums.measures.keys(), None]), plan=rnd.choice([*enums.plans.keys(), None])))
    return out


async def file_all(db: Database, found: list[Filing]) -> None:
    async with db.transaction() as tx:
        for f in found:
            await tx.cases.file(f)


@pytest.mark.parametrize("as_of", [dt.date(2016, 3, 31), dt.date(2016, 10, 31), dt.date(2017, 6, 30)])
async def test_database_counts_equal_a_count_of_every_household(db: Database, as_of):
    edition = load_edition()
    seeded = filings(80, edition)
    await file_all(db, seeded)
    for unit in (None, *UNITS):
        mine = [household_record(f) for f in seeded if unit is None or f.unit == unit]
        expected = count_statistics(mine, edition, as_of=as_of)
        got = await db.run(lambda tx: count_filings(tx.cases, edition, unit=unit, as_of=as_of))
        assert got == expected
        assert got.filed_total + got.cleared_total <= len(mine)


async def test_breaking_households_are_named_as_one_by_one(db: Database):
    edition = load_edition()
    seeded = filings(40, edition)
    base = seeded[0].model_copy(update={"close_status": None, "close_reason": None, "closed_on": None,
                                        "filed_on": dt.date(2016, 2, 1)})
    broken = [base.model_copy(update={"reference": "X1", "category": None}),
              base.model_copy(update={"reference": "X2", "category": "temporary_relief"}),
              base.model_copy(update={"reference": "X3", "primary_cause": None, "key_group": None}),
              base.model_copy(update={"reference": "X4", "measure": "not_a_measure"}),
              base.model_copy(update={"reference": "X5", "category": None, "close_status": "escaped",
                                      "closed_on": dt.date(2016, 3, 1)}),  # cleared: counts in A
              base.model_copy(update={"reference": "X6", "category": None,
                                      "filed_on": dt.date(2017, 1, 2)})]  # not yet filed on the day
    await file_all(db, seeded + broken)
    as_of = dt.date(2016, 12, 31)
    with pytest.raises(StatisticsError) as one_by_one:
        count_statistics([household_record(f) for f in seeded + broken], edition, as_of=as_of)
    with pytest.raises(StatisticsError) as counted:
        await db.run(lambda tx: count_filings(tx.cases, edition, unit=None, as_of=as_of))
    named = {p.household_id: p.codes for p in counted.value.problems}
    assert named == {p.household_id: p.codes for p in one_by_one.value.problems}
    assert set(named) == {"X1", "X2", "X3", "X4"}
    assert named["X3"] == ("primary_cause.missing", "key_group.missing") and named["X4"] == ("measure.no_row",)
