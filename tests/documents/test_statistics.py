"""The statistics table (7号 附件2): totals agree with a hand count; B = B1 = B2 = B3."""
import datetime as dt
import io
import random

import pytest
from openpyxl import load_workbook

from documents.statistics import HouseholdRecord, StatisticsError, count_statistics, statistics_xlsx

AS_OF = dt.date(2016, 10, 31)
CATEGORIES = ["low_income", "marginal", "accident"]
CAUSES = ["self_major_illness", "dependant_major_illness", "self_disabled", "family_disabled", "unable_to_work",
          "able_not_employed", "laid_off", "natural_disaster", "major_accident", "schooling",
          "no_social_insurance", "insurance_shortfall", "other"]
# The paper table's B2 rows, by hand: the four 因病致困 causes share row (1).
B2_ROW = {"self_major_illness": "(1)", "dependant_major_illness": "(1)", "self_disabled": "(1)",
          "family_disabled": "(1)", "unable_to_work": "(2)", "able_not_employed": "(3)", "laid_off": "(4)",
          "natural_disaster": "(5)", "major_accident": "(6)", "schooling": "(7)", "no_social_insurance": "(8)",
          "insurance_shortfall": "(9)", "other": "(10)"}
GROUPS = ["dibao_able_underemployed", "below_dibao_uncovered", "expenditure_hardship", "urban_migrant",
          "supply_side_reform", "other"]
MEASURES = ["employment", "social_insurance", "illness_insurance", "social_assistance", "other"]
PLANS = ["skills_training", "entrepreneurship_aid", "sunshine_employment", "medical_mutual_aid", "golden_autumn",
         "pairing", "sending_warmth", "other"]
REASONS = ["unassisted_two_years", "deceased", "relation_ended", "unreachable", "no_longer_eligible"]


def seeded(n: int, seed: int = 7) -> list[HouseholdRecord]:
    rnd, out = random.Random(seed), []
    for i in range(n):
        status = rnd.choices(["filed", "cancelled", "escaped"], [6, 2, 1])[0]
        out.append(HouseholdRecord(
            household_id=f"H{i:03d}", unit="江西洪都机械厂", status=status,
            cancel_reason=rnd.choice(REASONS) if status == "cancelled" else None,
            category=rnd.choice(CATEGORIES), primary_cause=rnd.choice(CAUSES), key_group=rnd.choice(GROUPS),
            measure=rnd.choice(MEASURES + [None]), plan=rnd.choice(PLANS + [None]),
            filed_on=dt.date(2016, rnd.randint(1, 10), 1),
            closed_on=dt.date(2016, 10, rnd.randint(1, 31)) if status != "filed" else None))
    return out


@pytest.fixture(scope="module")
def records():
    return seeded(40)


def test_totals_agree_with_a_hand_count(records, edition):
    counts = count_statistics(records, edition, as_of=AS_OF)
    filed = [r for r in records if r.status == "filed"]
    assert counts.filed_total == len(filed) and counts.filed_total >= 20
    assert counts.cleared_total == len(records) - len(filed)
    assert counts.cleared["escaped"] == sum(r.status == "escaped" for r in records)
    for reason in REASONS:
        assert counts.cleared[reason] == sum(r.cancel_reason == reason for r in records)
    for key in CATEGORIES:
        assert counts.groups["B1"][key] == sum(r.category == key for r in filed)
    b2 = dict(zip(edition.form.enumerations.cause_groups.keys(), [f"({i})" for i in range(1, 11)]))
    for group, row in b2.items():
        assert counts.groups["B2"][group] == sum(B2_ROW[r.primary_cause] == row for r in filed)
    for key in GROUPS:
        assert counts.groups["B3"][key] == sum(r.key_group == key for r in filed)
    for key in MEASURES:
        assert counts.groups["C"][key] == sum(r.measure == key for r in filed)
    for key in PLANS:
        assert counts.groups["D"][key] == sum(r.plan == key for r in filed)
    for name in ("B1", "B2", "B3"):
        assert sum(counts.groups[name].values()) == counts.filed_total


def test_xlsx_is_laid_out_like_the_paper_table(records, edition):
    data = statistics_xlsx(records, edition, as_of=AS_OF, unit="江西洪都机械厂工会", preparer="杨秋芬",
                           prepared_on=dt.date(2016, 11, 1))
    ws = load_workbook(io.BytesIO(data)).active
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    counts = count_statistics(records, edition, as_of=AS_OF)
    assert rows[0][0] == "工会精准建档立卡情况统计表"
    assert rows[1][0] == "编制单位：江西洪都机械厂工会\u3000\u3000制表人：杨秋芬\u3000\u3000制表时间：2016年11月1日"
    assert rows[2][0] == "单位：户"
    assert rows[3] == ("A已清理档案数", None, counts.cleared_total)
    assert rows[9] == ("(6)", "其中已脱困的职工档案", counts.cleared["escaped"])
    assert rows[10] == ("B已建档并上报的困难职工数(B=B1=B2=B3)", None, counts.filed_total)
    assert rows[11] == ("B1按困难类别分", "(1)低保户", counts.groups["B1"]["low_income"])
    assert rows[14] == ("B2按主要致困原因分", "(1)因病致困", counts.groups["B2"]["illness"])
    assert rows[23][1:] == ("(10)其他", counts.groups["B2"]["other"])
    assert rows[24][:2] == ("B3按重点群体分", "(1)低保范围内有劳动能力而未充分就业")
    assert rows[30][0] == "C解困脱困措施" and rows[36][0] == "D解困脱困计划"
    assert rows[38] == ("(2)", "金秋助学计划", counts.groups["D"]["golden_autumn"])  # the table's own order
    assert rows[-1][0] == "统计截止日期为2016年10月31日"
    assert sum(r[2] for r in rows[11:14]) == sum(r[2] for r in rows[14:24]) == sum(r[2] for r in rows[24:30]) \
        == rows[10][2]
    assert "A12:A14" in {str(m) for m in ws.merged_cells.ranges}


def test_refusal_names_every_breaking_household(records, edition):
    bad = [HouseholdRecord(household_id="X1", category=None, primary_cause="laid_off", key_group="other"),
           HouseholdRecord(household_id="X2", category="temporary_relief", primary_cause="laid_off",
                           key_group="other"),
           HouseholdRecord(household_id="X3", category="marginal", primary_cause=None, key_group=None),
           HouseholdRecord(household_id="X4", status="cancelled", cancel_reason="deceased")]  # cleared: fine
    with pytest.raises(StatisticsError) as caught:
        count_statistics([*records, *bad], edition, as_of=AS_OF)
    problems = {p.household_id: p.codes for p in caught.value.problems}
    assert problems == {"X1": ("category.missing",), "X2": ("category.no_row",),
                        "X3": ("primary_cause.missing", "key_group.missing")}
    assert all(h in str(caught.value) for h in ("X1", "X2", "X3"))
    with pytest.raises(StatisticsError):
        statistics_xlsx(bad, edition, as_of=AS_OF, unit="u", preparer="p", prepared_on=AS_OF)


def test_cut_off_date(edition):
    late = HouseholdRecord(household_id="L", category="marginal", primary_cause="laid_off", key_group="other",
                           filed_on=dt.date(2016, 11, 2))
    closed_late = HouseholdRecord(household_id="C", status="escaped", category="marginal", primary_cause="laid_off",
                                  key_group="other", filed_on=dt.date(2016, 1, 2), closed_on=dt.date(2016, 11, 5))
    counts = count_statistics([late, closed_late], edition, as_of=AS_OF)
    assert counts.filed_total == 1 and counts.cleared_total == 0  # still filed on 31 October


def test_a_cancelled_record_needs_a_known_reason():
    with pytest.raises(ValueError):
        HouseholdRecord(household_id="Y", status="cancelled")
    with pytest.raises(ValueError):
        HouseholdRecord(household_id="Y", status="cancelled", cancel_reason="bored")


def test_every_option_has_its_row(edition):
    """The mapping data covers the edition: only 临时救助 has no B1 row."""
    from documents.statistics import _groups
    enums = edition.form.enumerations
    by_name = {g.name: g for g in _groups(edition)}
    assert set(enums.hardship_category.keys()) - set(by_name["B1"].to_row) == {"temporary_relief"}
    assert set(by_name["B2"].to_row) == set(enums.primary_causes.keys())
    assert set(by_name["B3"].to_row) == set(enums.key_groups.keys())
    assert set(by_name["C"].to_row) == set(enums.measures.keys())
    assert set(by_name["D"].to_row) == set(enums.plans.keys())
